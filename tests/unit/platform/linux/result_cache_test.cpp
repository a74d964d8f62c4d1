// The result cache: memory and directory layers, entries that do not check out (edited,
// truncated, another entry's), directories it must not trust, the per-kind limit; and the
// initramfs listing taken from it by the image's content.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "boot_test_images.h"
#include "host/result_cache.h"
#include "probes/boot_probe.h"

namespace guestprep::os_linux {
namespace {

namespace fs = std::filesystem;

class ResultCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "guestprep-cache-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    base_ = tmpl;
    dir_ = base_ / "cache";
  }
  void TearDown() override { fs::remove_all(base_); }

  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  static void spit(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  }

  fs::path base_;
  fs::path dir_;
};

TEST_F(ResultCacheTest, MemoryOnlyKeepsForTheProcessAndDisabledKeepsNothing) {
  ResultCache c;
  c.configure(true, std::nullopt);
  EXPECT_FALSE(c.get("kind-a", "k1"));
  c.put("kind-a", "k1", "value one");
  EXPECT_EQ(c.get("kind-a", "k1"), "value one");
  EXPECT_FALSE(c.get("kind-b", "k1")) << "kinds are apart";
  EXPECT_EQ(c.stats().memory_hits, 1U);
  EXPECT_EQ(c.stats().misses, 2U);
  c.configure(false, dir_);
  c.put("kind-a", "k1", "value one");
  EXPECT_FALSE(c.get("kind-a", "k1"));
  EXPECT_FALSE(fs::exists(dir_)) << "disabled writes nothing";
}

TEST_F(ResultCacheTest, FilesOutliveTheProcessAndAreForThisUserOnly) {
  {
    ResultCache first;
    first.configure(true, dir_);
    first.put("listing-v1", "abc-12", std::string("line 1\nline 2\n\0binary", 21));
  }
  struct stat st {};
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700U);
  ASSERT_EQ(::stat((dir_ / "listing-v1" / "abc-12").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600U);
  ResultCache second;
  second.configure(true, dir_);
  EXPECT_EQ(second.get("listing-v1", "abc-12"), std::string("line 1\nline 2\n\0binary", 21));
  EXPECT_EQ(second.stats().file_hits, 1U);
  EXPECT_EQ(second.get("listing-v1", "abc-12"), std::string("line 1\nline 2\n\0binary", 21));
  EXPECT_EQ(second.stats().memory_hits, 1U) << "a file hit is kept in memory";
}

TEST_F(ResultCacheTest, AnEntryThatDoesNotCheckOutIsAMiss) {
  ResultCache c;
  c.configure(true, dir_);
  c.put("kind", "key-1", "the listing");
  const fs::path file = dir_ / "kind" / "key-1";
  const std::string good = slurp(file);
  ASSERT_TRUE(good.ends_with("the listing"));
  struct Case {
    const char* what;
    std::string text;
  };
  std::string edited = good;
  edited.back() = 'G';
  std::string other_version = good;
  other_version.replace(0, good.find('\n'), "guestprep-cache 2");
  const std::vector<Case> cases = {
      {"edited value", edited},
      {"truncated", good.substr(0, good.size() - 3)},
      {"header only", good.substr(0, good.find("the listing"))},
      {"empty", ""},
      {"another version's format", other_version},
  };
  for (const Case& k : cases) {
    spit(file, k.text);
    ResultCache fresh;
    fresh.configure(true, dir_);
    EXPECT_FALSE(fresh.get("kind", "key-1")) << k.what;
    EXPECT_EQ(fresh.stats().rejected, 1U) << k.what;
  }
  // Another entry's file under this key's name.
  c.put("kind", "key-2", "other");
  fs::copy_file(dir_ / "kind" / "key-2", file, fs::copy_options::overwrite_existing);
  ResultCache fresh;
  fresh.configure(true, dir_);
  EXPECT_FALSE(fresh.get("kind", "key-1"));
  EXPECT_EQ(fresh.get("kind", "key-2"), "other");
}

TEST_F(ResultCacheTest, ADirectoryItCannotTrustIsNotUsed) {
  // A symbolic link to a directory, and a directory others can write to.
  fs::create_directory(base_ / "real");
  fs::create_directory_symlink(base_ / "real", base_ / "link");
  fs::create_directory(base_ / "open");
  fs::permissions(base_ / "open", fs::perms::all);
  for (const fs::path& d : {base_ / "link", base_ / "open"}) {
    ResultCache c;
    c.configure(true, d);
    c.put("kind", "key", "value");
    EXPECT_EQ(c.get("kind", "key"), "value") << "memory still works";
    EXPECT_TRUE(fs::is_empty(d)) << d;
    ResultCache fresh;
    fresh.configure(true, d);
    EXPECT_FALSE(fresh.get("kind", "key")) << d;
  }
  EXPECT_TRUE(fs::is_empty(base_ / "real"));
}

TEST_F(ResultCacheTest, KeepsTheNewestEntriesOfAKindAndRefusesUnsafeNames) {
  ResultCache c;
  c.configure(true, dir_);
  c.put("kind", "first", "v");
  fs::last_write_time(dir_ / "kind" / "first",
                      fs::file_time_type::clock::now() - std::chrono::minutes(10));
  // What a run stopped while writing left behind: an old one goes, a fresh one stays.
  spit(dir_ / "kind" / ".tmp-old123", "partial");
  spit(dir_ / "kind" / ".tmp-new456", "partial");
  fs::last_write_time(dir_ / "kind" / ".tmp-old123",
                      fs::file_time_type::clock::now() - std::chrono::hours(2));
  for (std::size_t i = 0; i < ResultCache::kFilesPerKind + 3; ++i) {
    c.put("kind", "key-" + std::to_string(i), "v" + std::to_string(i));
  }
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "kind")) {
    files += e.path().filename().string().starts_with(".tmp-") ? 0 : 1;
  }
  EXPECT_EQ(files, ResultCache::kFilesPerKind);
  EXPECT_FALSE(fs::exists(dir_ / "kind" / "first")) << "the oldest entry goes first";
  EXPECT_FALSE(fs::exists(dir_ / "kind" / ".tmp-old123"));
  EXPECT_TRUE(fs::exists(dir_ / "kind" / ".tmp-new456"));
  for (const char* bad : {"../escape", "a/b", "", "UPPER", "-dash"}) {
    c.put(bad, "key", "v");
    c.put("kind", bad, "v");
    EXPECT_FALSE(c.get(bad, "key")) << bad;
    EXPECT_FALSE(c.get("kind", bad)) << bad;
  }
  EXPECT_FALSE(fs::exists(base_ / "escape"));
}

TEST(ContentKey, ChangesWithAnyByteAndNamesTheSize) {
  const std::string a(100000, 'a');
  std::string b = a;
  b[54321] = 'b';
  EXPECT_EQ(contentKey(a), contentKey(std::string(100000, 'a')));
  EXPECT_NE(contentKey(a), contentKey(b));
  EXPECT_TRUE(contentKey(a).ends_with("-100000"));
  EXPECT_EQ(contentKey("").size(), 32U + 2U);
}

// The listing of an image comes from the cache the second time, the same as listed; another
// image is listed afresh; a listing that stopped early is not kept.
TEST(InitramfsListingCache, SameContentIsListedOnce) {
  ResultCache& cache = ResultCache::process();
  cache.configure(true, std::nullopt);
  const std::string image = newc(
      {{"usr/lib/modules/6.1.0/kernel/drivers/block/virtio_blk.ko", "x"}, {"init", "#!/bin/sh\n"}});
  InitramfsListing first = listInitramfsCached(image, "/boot/initrd.img");
  EXPECT_EQ(cache.stats().stored, 1U);
  InitramfsListing second = listInitramfsCached(image, "/boot/initrd.img");
  EXPECT_EQ(cache.stats().memory_hits, 1U);
  EXPECT_EQ(second.files, first.files);
  EXPECT_EQ(second.segments, first.segments);
  EXPECT_EQ(second.files.size(), 2U);
  const std::string other = newc({{"init", "#!/bin/sh\n"}});
  EXPECT_EQ(listInitramfsCached(other, "/boot/other").files, std::vector<std::string>{"init"});
  EXPECT_EQ(cache.stats().stored, 2U);
  const std::string broken = image.substr(0, image.size() / 2);
  InitramfsListing b1 = listInitramfsCached(broken, "/boot/broken");
  EXPECT_FALSE(b1.error.empty());
  EXPECT_EQ(cache.stats().stored, 2U) << "an incomplete listing is not kept";
  cache.configure(true, std::nullopt);
}

}  // namespace
}  // namespace guestprep::os_linux

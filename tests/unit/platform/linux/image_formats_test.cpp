// The image readers against images made at test time by Debian's own tools: a RAW disk laid out
// with sfdisk and mkfs, converted by `qemu-img convert` to every format and subformat; virtual
// sizes and formats compared with `qemu-img info --output=json`, and a byte pattern that
// straddles a block boundary read back through each format's guest view to prove the mapping.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "host/posix_fs.h"
#include "image/image.h"
#include "support/suite_setup.h"

namespace guestprep::image {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = 1ull << 20;
// Sits across a 2 MiB boundary (and so across every block, grain and cluster boundary).
constexpr std::uint64_t kPatternAt = 56 * kMiB - 5;
constexpr std::string_view kPattern = "GUESTPREP-IMAGE-PATTERN";

std::string findTool(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    std::string dir =
        path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty() && fs::exists(fs::path(dir) / name)) return (fs::path(dir) / name).string();
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return "";
}

#define REQUIRE_TOOLS(...)                                                                         \
  do {                                                                                             \
    for (const char* t : {__VA_ARGS__}) {                                                          \
      if (findTool(t).empty()) GTEST_SKIP() << t << " is not installed (scripts/setup.sh --test)"; \
    }                                                                                              \
  } while (0)

/// Runs argv (the tool found on PATH or in /usr/sbin); fails the test on a non-zero exit.
std::string run(std::vector<std::string> argv, const std::string& input_file = "") {
  argv[0] = findTool(argv[0]);
  if (!input_file.empty()) {
    // sfdisk reads its script from stdin only; the command runner gives none, so a shell
    // redirects it (the arguments stay positional, never parsed by the shell).
    std::vector<std::string> sh = {"/usr/bin/env", "GP_INPUT=" + input_file, "/bin/sh", "-c",
                                   "exec \"$0\" \"$@\" < \"$GP_INPUT\""};
    sh.insert(sh.end(), argv.begin(), argv.end());
    argv = sh;
  }
  auto r = os_linux::runCommand(argv, std::chrono::seconds(120));
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  if (!r) return "";
  EXPECT_EQ(r->exit_code, 0) << argv[0] << ": " << r->err;
  return r->out;
}

void writeFile(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary);
  out << content;
}

void writeAt(const fs::path& p, std::uint64_t at, std::string_view bytes) {
  std::fstream out(p, std::ios::binary | std::ios::in | std::ios::out);
  out.seekp(static_cast<std::streamoff>(at));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// Copies a filesystem image into a disk image at `at`, skipping all-zero chunks (the disk is a
/// sparse file of zeros already).
void embed(const fs::path& src, const fs::path& disk, std::uint64_t at) {
  std::ifstream in(src, std::ios::binary);
  std::fstream out(disk, std::ios::binary | std::ios::in | std::ios::out);
  std::vector<char> buf(kMiB);
  std::uint64_t done = 0;
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
    auto n = static_cast<std::size_t>(in.gcount());
    if (std::any_of(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n),
                    [](char c) { return c != 0; })) {
      out.seekp(static_cast<std::streamoff>(at + done));
      out.write(buf.data(), static_cast<std::streamsize>(n));
    }
    done += n;
  }
}

void makeSparse(const fs::path& p, std::uint64_t size) {
  { std::ofstream(p, std::ios::binary | std::ios::trunc); }
  fs::resize_file(p, size);
}

/// `qemu-img info`; qemu probes a fixed VHD as raw (its footer is at the end), so the format is
/// given for those.
nlohmann::json qemuInfo(const fs::path& p, const std::string& format = "") {
  std::vector<std::string> argv = {"qemu-img", "info", "--output=json"};
  if (!format.empty()) argv.insert(argv.end(), {"-f", format});
  argv.push_back(p.string());
  return nlohmann::json::parse(run(argv));
}

std::string readGuest(const OpenedImage& img, std::uint64_t at, std::size_t n) {
  std::vector<std::uint8_t> buf(n);
  auto r = img.guest->readAt(at, buf);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return std::string(buf.begin(), buf.end());
}

class ImageFormats : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    error_ = guestprep::testing::guardedSetUp([] {
      if (findTool("qemu-img").empty() || findTool("sfdisk").empty() ||
          findTool("mkfs.ext4").empty() || findTool("mkswap").empty()) {
        return;
      }
      dir_ = fs::temp_directory_path() / ("guestprep-image-test-" + std::to_string(::getpid()));
      fs::create_directories(dir_);
      // 64 MiB MBR disk: ext4 (no 64bit) at 1 MiB, swap after it, a pattern past both.
      fs::path disk = dir_ / "disk.raw";
      makeSparse(disk, 64 * kMiB);
      writeFile(dir_ / "layout",
                "label: dos\nstart=2048, size=81920, type=83, bootable\n"
                "start=83968, size=16384, type=82\n");
      run({"sfdisk", "-q", disk.string()}, (dir_ / "layout").string());
      makeSparse(dir_ / "root.fs", 81920 * 512);
      run({"mkfs.ext4", "-q", "-F", "-O", "^64bit", "-L", "root", (dir_ / "root.fs").string()});
      embed(dir_ / "root.fs", disk, 2048 * 512);
      makeSparse(dir_ / "swap.fs", 16384 * 512);
      run({"mkswap", (dir_ / "swap.fs").string()});
      embed(dir_ / "swap.fs", disk, 83968 * 512);
      writeAt(disk, kPatternAt, kPattern);
    });
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void SetUp() override {
    if (!error_.empty()) FAIL() << "the suite's set-up failed:\n" << error_;
    REQUIRE_TOOLS("qemu-img", "sfdisk", "mkfs.ext4", "mkswap");
  }

  /// Converts the base disk and checks what every format must agree on.
  OpenedImage convertAndCheck(const std::vector<std::string>& opts, const std::string& name,
                              const std::string& format, const std::string& subformat) {
    fs::path out = dir_ / name;
    std::vector<std::string> argv = {"qemu-img", "convert", "-f", "raw"};
    argv.insert(argv.end(), opts.begin(), opts.end());
    argv.push_back((dir_ / "disk.raw").string());
    argv.push_back(out.string());
    run(argv);
    auto img = openImageFile(out.string());
    EXPECT_TRUE(img) << name;
    if (!img) return {};
    const ImageFacts& f = img->facts;
    EXPECT_EQ(f.error, "") << name;
    EXPECT_EQ(f.format, format) << name;
    EXPECT_EQ(f.subformat, subformat) << name;
    nlohmann::json info = qemuInfo(out, subformat == "fixed" && format == "vhd" ? "vpc" : "");
    EXPECT_EQ(f.virtual_size, info["virtual-size"].get<std::uint64_t>()) << name;
    std::string qformat = info["format"];
    EXPECT_EQ(qformat == "vpc" ? "vhd" : qformat, format) << name;
    EXPECT_TRUE(f.allocated_size.ok()) << name << ": " << f.allocated_size.error;
    if (f.allocated_size.ok()) {
      // Allocated covers at least the filesystem's metadata and the pattern, and never more
      // than the disk.
      EXPECT_GT(*f.allocated_size.value, 0u) << name;
      EXPECT_LE(*f.allocated_size.value, f.virtual_size) << name;
    }
    EXPECT_TRUE(img->guest) << name << ": " << img->guest_error;
    if (!img->guest) return std::move(*img);
    EXPECT_EQ(readGuest(*img, kPatternAt, kPattern.size()), kPattern) << name;
    // Unallocated space reads as zeros.
    EXPECT_EQ(readGuest(*img, 60 * kMiB, 16), std::string(16, '\0')) << name;
    inspectContents(*img);
    EXPECT_TRUE(f.contents.ok()) << name << ": " << f.contents.error;
    if (f.contents.ok()) {
      const ImageContents& c = *f.contents.value;
      EXPECT_EQ(c.scheme, "mbr") << name;
      EXPECT_FALSE(c.mbr_boot_code) << name << ": sfdisk writes no boot code";
      EXPECT_EQ(c.partitions.size(), 2u) << name;
      if (c.partitions.size() == 2) {
        EXPECT_EQ(c.partitions[0].filesystem, "ext4") << name;
        EXPECT_EQ(c.partitions[0].label, "root") << name;
        EXPECT_TRUE(c.partitions[0].bootable) << name;
        EXPECT_EQ(
            std::count(c.partitions[0].features.begin(), c.partitions[0].features.end(), "64bit"),
            0)
            << name;
        EXPECT_EQ(c.partitions[1].filesystem, "swap") << name;
      }
    }
    return std::move(*img);
  }

  static fs::path dir_;
  static inline std::string error_;
};

fs::path ImageFormats::dir_;

TEST_F(ImageFormats, Raw) {
  auto img = openImageFile((dir_ / "disk.raw").string());
  ASSERT_TRUE(img);
  EXPECT_EQ(img->facts.format, "raw");
  EXPECT_EQ(img->facts.virtual_size, 64 * kMiB);
  EXPECT_EQ(readGuest(*img, kPatternAt, kPattern.size()), kPattern);
}

TEST_F(ImageFormats, VhdDynamic) {
  auto img = convertAndCheck({"-O", "vpc"}, "dynamic.vhd", "vhd", "dynamic");
  EXPECT_EQ(img.facts.block_size, 2 * kMiB);
  EXPECT_TRUE(img.facts.problems.empty()) << img.facts.problems.front();
}

TEST_F(ImageFormats, VhdFixed) {
  auto img = convertAndCheck({"-O", "vpc", "-o", "subformat=fixed"}, "fixed.vhd", "vhd", "fixed");
  EXPECT_TRUE(img.facts.problems.empty());
}

TEST_F(ImageFormats, Vhdx) {
  auto img = convertAndCheck({"-O", "vhdx"}, "disk.vhdx", "vhdx", "dynamic");
  EXPECT_EQ(img.facts.logical_sector_size, 512u);
  EXPECT_EQ(img.facts.block_size,
            qemuInfo(dir_ / "disk.vhdx")["cluster-size"].get<std::uint32_t>());
}

TEST_F(ImageFormats, Qcow2Version2And3) {
  convertAndCheck({"-O", "qcow2", "-o", "compat=0.10"}, "v2.qcow2", "qcow2", "v2");
  auto v3 = convertAndCheck({"-O", "qcow2", "-o", "compat=1.1"}, "v3.qcow2", "qcow2", "v3");
  EXPECT_EQ(v3.facts.block_size, 65536u);
  EXPECT_FALSE(v3.facts.compressed);
}

TEST_F(ImageFormats, Qcow2CompressedClusters) {
  auto img = convertAndCheck({"-c", "-O", "qcow2"}, "compressed.qcow2", "qcow2", "v3");
  EXPECT_TRUE(img.facts.compressed);
}

TEST_F(ImageFormats, Qcow2SmallClusters) {
  auto img =
      convertAndCheck({"-O", "qcow2", "-o", "cluster_size=4096"}, "small.qcow2", "qcow2", "v3");
  EXPECT_EQ(img.facts.block_size, 4096u);
}

TEST_F(ImageFormats, VmdkMonolithicSparse) {
  convertAndCheck({"-O", "vmdk"}, "sparse.vmdk", "vmdk", "monolithicSparse");
}

TEST_F(ImageFormats, VmdkStreamOptimized) {
  auto img = convertAndCheck({"-O", "vmdk", "-o", "subformat=streamOptimized"}, "stream.vmdk",
                             "vmdk", "streamOptimized");
  EXPECT_TRUE(img.facts.compressed);
}

TEST_F(ImageFormats, VmdkMonolithicFlatDescriptor) {
  auto img = convertAndCheck({"-O", "vmdk", "-o", "subformat=monolithicFlat"}, "flat.vmdk", "vmdk",
                             "monolithicFlat");
  EXPECT_LT(img.facts.file_size, 4096u) << "the descriptor alone";
}

TEST_F(ImageFormats, VmdkTwoGbMaxExtentSparse) {
  convertAndCheck({"-O", "vmdk", "-o", "subformat=twoGbMaxExtentSparse"}, "split.vmdk", "vmdk",
                  "twoGbMaxExtentSparse");
}

TEST_F(ImageFormats, VmdkTwoGbMaxExtentFlat) {
  convertAndCheck({"-O", "vmdk", "-o", "subformat=twoGbMaxExtentFlat"}, "splitflat.vmdk", "vmdk",
                  "twoGbMaxExtentFlat");
}

TEST_F(ImageFormats, VdiDynamicAndFixed) {
  convertAndCheck({"-O", "vdi"}, "disk.vdi", "vdi", "dynamic");
  convertAndCheck({"-O", "vdi", "-o", "static=on"}, "fixed.vdi", "vdi", "fixed");
}

TEST_F(ImageFormats, Qcow2BackingFileIsNamedAndContentRefused) {
  fs::path base = dir_ / "base.qcow2";
  run({"qemu-img", "convert", "-O", "qcow2", (dir_ / "disk.raw").string(), base.string()});
  fs::path child = dir_ / "child.qcow2";
  run({"qemu-img", "create", "-q", "-f", "qcow2", "-b", base.string(), "-F", "qcow2",
       child.string()});
  auto img = openImageFile(child.string());
  ASSERT_TRUE(img);
  EXPECT_EQ(img->facts.backing_file, base.string());
  EXPECT_EQ(img->facts.virtual_size, qemuInfo(child)["virtual-size"].get<std::uint64_t>());
  EXPECT_FALSE(img->guest);
  EXPECT_NE(img->guest_error.find("backing file"), std::string::npos) << img->guest_error;
  inspectContents(*img);
  EXPECT_FALSE(img->facts.contents.ok());
}

TEST_F(ImageFormats, Qcow2EncryptedIsReported) {
  fs::path enc = dir_ / "enc.qcow2";
  // The legacy AES method: LUKS would time its key derivation by CPU time, which fails on a
  // loaded machine ("Unable to get accurate CPU usage"); the header flag is what is read.
  run({"qemu-img", "create", "-q", "--object", "secret,id=sec0,data=guestprep", "-f", "qcow2", "-o",
       "encrypt.format=aes,encrypt.key-secret=sec0", enc.string(), "16M"});
  auto img = openImageFile(enc.string());
  ASSERT_TRUE(img);
  EXPECT_TRUE(img->facts.encrypted);
  EXPECT_EQ(img->facts.virtual_size, 16 * kMiB);
  EXPECT_FALSE(img->guest);
}

TEST_F(ImageFormats, HugeSparseImagesOpenWithoutReadingThemWhole) {
  for (auto [fmt, name] : std::map<std::string, std::string>{{"vpc", "big.vhd"},
                                                             {"qcow2", "big.qcow2"},
                                                             {"vhdx", "big.vhdx"},
                                                             {"vdi", "big.vdi"},
                                                             {"vmdk", "big.vmdk"}}) {
    fs::path p = dir_ / name;
    run({"qemu-img", "create", "-q", "-f", fmt, p.string(), "500G"});
    auto img = openImageFile(p.string());
    ASSERT_TRUE(img) << name;
    EXPECT_EQ(img->facts.error, "") << name;
    EXPECT_EQ(img->facts.virtual_size, qemuInfo(p)["virtual-size"].get<std::uint64_t>()) << name;
    ASSERT_TRUE(img->facts.allocated_size.ok()) << name;
    EXPECT_EQ(*img->facts.allocated_size.value, 0u) << name;
    inspectContents(*img);
    ASSERT_TRUE(img->facts.contents.ok()) << name << ": " << img->facts.contents.error;
    EXPECT_EQ(img->facts.contents.value->scheme, "none") << name;
  }
}

TEST_F(ImageFormats, GptXfsAndFatInCompressedQcow2AndVhdx) {
  REQUIRE_TOOLS("mkfs.xfs", "mkfs.vfat");
  fs::path disk = dir_ / "gpt.raw";
  makeSparse(disk, 400 * kMiB);
  writeFile(dir_ / "gpt.layout",
            "label: gpt\nstart=2048, size=65536, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\n"
            "start=67584, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n");
  run({"sfdisk", "-q", disk.string()}, (dir_ / "gpt.layout").string());
  makeSparse(dir_ / "esp.fs", 65536 * 512);
  run({"mkfs.vfat", (dir_ / "esp.fs").string()});
  embed(dir_ / "esp.fs", disk, 2048 * 512);
  std::uint64_t xfs_size = 400 * kMiB - 67584 * 512 - 34 * 512;
  makeSparse(dir_ / "root.xfs", xfs_size / 4096 * 4096);
  run({"mkfs.xfs", "-q", "-f", (dir_ / "root.xfs").string()});
  embed(dir_ / "root.xfs", disk, 67584 * 512);
  for (auto [opts, name] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"-c", "-O", "qcow2"}, "gpt.qcow2"}, {{"-O", "vhdx"}, "gpt.vhdx"}}) {
    fs::path out = dir_ / name;
    std::vector<std::string> argv = {"qemu-img", "convert"};
    argv.insert(argv.end(), opts.begin(), opts.end());
    argv.push_back(disk.string());
    argv.push_back(out.string());
    run(argv);
    auto img = openImageFile(out.string());
    ASSERT_TRUE(img && img->guest) << name;
    inspectContents(*img);
    ASSERT_TRUE(img->facts.contents.ok()) << name << ": " << img->facts.contents.error;
    const ImageContents& c = *img->facts.contents.value;
    EXPECT_EQ(c.scheme, "gpt") << name;
    ASSERT_EQ(c.partitions.size(), 2u) << name;
    EXPECT_EQ(c.partitions[0].filesystem, "vfat") << name;
    EXPECT_EQ(c.partitions[0].type_name, "EFI System") << name;
    EXPECT_EQ(c.partitions[1].filesystem, "xfs") << name;
  }
}

TEST_F(ImageFormats, Ext4With64bitAndNtfs) {
  fs::path disk = dir_ / "mixed.raw";
  makeSparse(disk, 64 * kMiB);
  writeFile(dir_ / "mixed.layout",
            "label: dos\nstart=2048, size=40960, type=83\n"
            "start=43008, size=40960, type=7\n");
  run({"sfdisk", "-q", disk.string()}, (dir_ / "mixed.layout").string());
  makeSparse(dir_ / "e64.fs", 40960 * 512);
  run({"mkfs.ext4", "-q", "-F", "-O", "64bit", (dir_ / "e64.fs").string()});
  embed(dir_ / "e64.fs", disk, 2048 * 512);
  bool ntfs = !findTool("mkntfs").empty();
  if (ntfs) {
    makeSparse(dir_ / "ntfs.fs", 40960 * 512);
    run({"mkntfs", "-q", "-F", "-Q", (dir_ / "ntfs.fs").string()});
    embed(dir_ / "ntfs.fs", disk, 43008 * 512);
  }
  fs::path vhd = dir_ / "mixed.vhd";
  run({"qemu-img", "convert", "-O", "vpc", disk.string(), vhd.string()});
  auto img = openImageFile(vhd.string());
  ASSERT_TRUE(img && img->guest);
  inspectContents(*img);
  ASSERT_TRUE(img->facts.contents.ok()) << img->facts.contents.error;
  const ImageContents& c = *img->facts.contents.value;
  ASSERT_EQ(c.partitions.size(), 2u);
  EXPECT_EQ(c.partitions[0].filesystem, "ext4");
  EXPECT_NE(std::find(c.partitions[0].features.begin(), c.partitions[0].features.end(), "64bit"),
            c.partitions[0].features.end());
  if (ntfs) {
    EXPECT_EQ(c.partitions[1].filesystem, "ntfs");
  }
}

}  // namespace
}  // namespace guestprep::image

// `guestprep image check` as a user runs it: images made with qemu-img, sfdisk and mkfs at test
// time; exit codes, the text and JSON reports (validated against docs/report-schema.json).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "host/posix_fs.h"
#include "support/run_binary.h"
#include "support/suite_setup.h"

namespace guestprep::testing {
namespace {

namespace fs = std::filesystem;

bool have(const std::string& tool) {
  for (const char* dir : {"/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"}) {
    if (fs::exists(fs::path(dir) / tool)) return true;
  }
  return false;
}

void sh(const std::vector<std::string>& argv) {
  auto r = os_linux::runCommand(argv, std::chrono::seconds(180));
  ASSERT_TRUE(r) << (r ? "" : r.error().message);
  ASSERT_EQ(r->exit_code, 0) << argv[0] << ": " << r->err;
}

class ImageCheck : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    error_ = guardedSetUp([] {
      if (!have("qemu-img") || !have("sfdisk") || !have("mkfs.ext4")) return;
      dir_ = fs::temp_directory_path() / ("guestprep-image-check-" + std::to_string(::getpid()));
      fs::create_directories(dir_);
      // A 40 GiB system disk: MBR, one ext4 partition without 64bit, built sparse in place.
      std::string raw = (dir_ / "disk.raw").string();
      { std::ofstream(raw, std::ios::binary); }
      fs::resize_file(raw, 40ull << 30);
      std::string layout = (dir_ / "layout").string();
      std::ofstream(layout) << "label: dos\nstart=2048, type=83, bootable\n";
      sh({"/bin/sh", "-c", "exec sfdisk -q \"$0\" < \"$1\"", raw, layout});
      sh({"/bin/sh", "-c",
          "exec mkfs.ext4 -q -F -O ^64bit -E offset=1048576,nodiscard \"$0\" 41942016k", raw});
      sh({"qemu-img", "convert", "-O", "vpc", raw, (dir_ / "disk.vhd").string()});
      fs::remove(raw);
    });
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void SetUp() override {
    if (!error_.empty()) FAIL() << "the suite's set-up failed:\n" << error_;
    if (dir_.empty()) GTEST_SKIP() << "qemu-img, sfdisk or mkfs.ext4 missing (setup.sh --test)";
  }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static fs::path dir_;
  static inline std::string error_;
};

fs::path ImageCheck::dir_;

nlohmann::json parse(const CommandResult& r) {
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r.out << r.err;
    return nlohmann::json::object();
  }
}

TEST_F(ImageCheck, ReadyVhdExitsZeroWithTextAndJsonReports) {
  CommandResult text = runGuestprep({"image", "check", path("disk.vhd")});
  EXPECT_EQ(text.exit_code, 0) << text.out << text.err;
  EXPECT_NE(text.out.find("image check of " + path("disk.vhd") +
                          ": VHD (dynamic), virtual size 40.0 GiB"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("IMG-FORMAT"), std::string::npos);
  EXPECT_NE(text.out.find("choose a system disk of 41 GiB at import"), std::string::npos)
      << text.out;

  CommandResult json = runGuestprep({"image", "check", path("disk.vhd"), "--format", "json"});
  EXPECT_EQ(json.exit_code, 0);
  nlohmann::json report = parse(json);
  std::string complaint = validateReportSchema(json.out);
  if (complaint.starts_with("SKIP")) GTEST_SKIP() << complaint;
  EXPECT_EQ(complaint, "");
  EXPECT_EQ(report["image"]["format"], "vhd");
  EXPECT_EQ(report["image"]["contents"]["scheme"], "mbr");
  EXPECT_EQ(report["image"]["contents"]["partitions"][0]["filesystem"], "ext4");
  EXPECT_EQ(report["host"]["target"], "image " + path("disk.vhd"));
  for (const char* id : {"IMG-FORMAT", "IMG-SIZE", "L-FSTYPE", "L-PARTITION", "X-EXT4FEAT"}) {
    nlohmann::json f = findingFor(report, id);
    ASSERT_FALSE(f.is_null()) << id;
    EXPECT_EQ(f["status"], "pass") << id << ": " << f.dump();
  }
  for (const auto& f : report["findings"]) {
    EXPECT_TRUE(f["rule_type"].get<std::string>().starts_with("image.")) << f.dump();
  }
}

TEST_F(ImageCheck, OtherFormatsFailOrWarnWithTheConvertCommand) {
  sh({"qemu-img", "convert", "-O", "vmdk", "-o", "subformat=streamOptimized", path("disk.vhd"),
      path("disk.vmdk")});
  CommandResult vmdk = runGuestprep({"image", "check", path("disk.vmdk"), "--format", "json"});
  EXPECT_EQ(vmdk.exit_code, 1);
  nlohmann::json f = findingFor(parse(vmdk), "IMG-FORMAT");
  EXPECT_EQ(f["status"], "fail");
  EXPECT_NE(f["remediation"].get<std::string>().find("qemu-img convert -p -f vmdk -O vpc"),
            std::string::npos)
      << f.dump();

  sh({"qemu-img", "convert", "-O", "qcow2", path("disk.vhd"), path("disk.qcow2")});
  CommandResult q = runGuestprep({"image", "check", path("disk.qcow2")});
  EXPECT_EQ(q.exit_code, 0) << "qcow2 is a warning: importable on request\n" << q.out;
  EXPECT_NE(q.out.find("WARN  IMG-FORMAT"), std::string::npos) << q.out;
  EXPECT_EQ(runGuestprep({"image", "check", path("disk.qcow2"), "--fail-on", "warn"}).exit_code, 1);
}

TEST_F(ImageCheck, TooLargeAndUnreadableImages) {
  std::string big = path("big.raw");
  { std::ofstream(big, std::ios::binary); }
  fs::resize_file(big, 600ull << 30);
  CommandResult r = runGuestprep({"image", "check", big, "--format", "json"});
  EXPECT_EQ(r.exit_code, 1);
  nlohmann::json report = parse(r);
  EXPECT_EQ(findingFor(report, "IMG-SIZE")["status"], "fail");
  EXPECT_EQ(findingFor(report, "IMG-FORMAT")["status"], "pass");

  std::string empty = path("empty.vhd");
  { std::ofstream(empty, std::ios::binary); }
  CommandResult e = runGuestprep({"image", "check", empty, "--format", "json"});
  EXPECT_EQ(e.exit_code, 1) << "an image that cannot be parsed is not ready";
  nlohmann::json ef = findingFor(parse(e), "IMG-FORMAT");
  EXPECT_EQ(ef["status"], "error");
  EXPECT_NE(ef["message"].get<std::string>().find("the file is empty"), std::string::npos);
  EXPECT_EQ(validateReportSchema(e.out).rfind("SKIP", 0) == 0 ? "" : validateReportSchema(e.out),
            "");

  // A VHD whose BAT points past the end names the file, the structure and the offset.
  std::string lying = path("lying.vhd");
  sh({"qemu-img", "create", "-q", "-f", "vpc", lying, "1G"});
  {
    std::fstream f(lying, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(1536);
    const char entry[4] = {0x00, 0x7F, 0x00, 0x00};
    f.write(entry, 4);
  }
  CommandResult l = runGuestprep({"image", "check", lying});
  EXPECT_EQ(l.exit_code, 1);
  EXPECT_NE(l.out.find(lying + ": VHD BAT at offset 1536: entry 0 points to offset"),
            std::string::npos)
      << l.out;
}

// Writes `bytes` at `offset` of `file` (the LVM2 label and metadata this test lays out itself).
void writeAt(const std::string& file, std::uint64_t offset, const std::string& bytes) {
  std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// `v` as `n` little-endian bytes; bytes past the eighth are zero (le(0, 16) is a 16-byte hole).
std::string le(std::uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(i < 8 ? static_cast<char>((v >> (8 * i)) & 0xff) : '\0');
  return s;
}

// The RHEL/CentOS layout: /boot on partition 1, an LVM2 PV on partition 2 holding the root
// logical volume in two segments (its second half before its first on the PV) and swap. The root
// filesystem is made by mkfs.ext4 (with 64bit, which X-EXT4FEAT warns about) through the PV's
// extents.
TEST_F(ImageCheck, RootOnLvmIsReadThroughTheLogicalVolume) {
  if (!have("mkswap")) GTEST_SKIP() << "mkswap missing (util-linux)";
  constexpr std::uint64_t kMiB = 1 << 20;
  const std::uint64_t p2 = 64 * kMiB;  // partition 2 start
  const std::uint64_t pe_start = p2 + kMiB, extent = 4 * kMiB;
  std::string raw = path("lvm.raw");
  { std::ofstream(raw, std::ios::binary); }
  fs::resize_file(raw, 1024 * kMiB);
  std::string layout = path("lvm.layout");
  std::ofstream(layout) << "label: dos\nstart=2048, size=124928, type=83, bootable\n"
                           "start=131072, type=8e\n";
  sh({"/bin/sh", "-c", "exec sfdisk -q \"$0\" < \"$1\"", raw, layout});
  sh({"/bin/sh", "-c", "exec mkfs.ext4 -q -F -O ^64bit -E offset=1048576,nodiscard \"$0\" 61440k",
      raw});
  // root: LV extents 0-31 at PV extents 64-95, extents 32-63 at PV extents 0-31. mkfs.ext4 can
  // only write one contiguous range, so the filesystem is made 128 MiB (its superblock and the
  // first groups land in the first segment) and the LV is larger than it.
  sh({"/bin/sh", "-c", "exec mkfs.ext4 -q -F -O 64bit -E offset=$1,nodiscard \"$0\" 131072k", raw,
      std::to_string(pe_start + 64 * extent)});
  std::string id =
      "LvmTst"
      "AAAA"
      "BBBB"
      "CCCC"
      "DDDD"
      "EEEE"
      "FFFFFF";
  std::string text =
      "centos {\nid = \"VgTest-0000-0000-0000-0000-0000-000000\"\nseqno = 3\n"
      "format = \"lvm2\"\nstatus = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\nflags = []\n"
      "extent_size = 8192\nphysical_volumes {\npv0 {\nid = \"LvmTst-AAAA-BBBB-CCCC-DDDD-EEEE-"
      "FFFFFF\"\ndevice = \"/dev/sda2\"\nstatus = [\"ALLOCATABLE\"]\npe_start = 2048\n"
      "pe_count = 239\n}\n}\nlogical_volumes {\nroot {\nstatus = [\"READ\", \"WRITE\", "
      "\"VISIBLE\"]\nsegment_count = 2\nsegment1 {\nstart_extent = 0\nextent_count = 32\n"
      "type = \"striped\"\nstripe_count = 1\nstripes = [\n\"pv0\", 64\n]\n}\nsegment2 {\n"
      "start_extent = 32\nextent_count = 32\ntype = \"striped\"\nstripe_count = 1\n"
      "stripes = [\n\"pv0\", 0\n]\n}\n}\nswap {\nstatus = [\"READ\", \"WRITE\", "
      "\"VISIBLE\"]\nsegment_count = 1\nsegment1 {\nstart_extent = 0\nextent_count = 8\n"
      "type = \"striped\"\nstripe_count = 1\nstripes = [\n\"pv0\", 32\n]\n}\n}\n}\n}\n"
      "contents = \"Text Format Volume Group\"\nversion = 1\n";
  writeAt(raw, p2 + 512,
          "LABELONE" + le(1, 8) + le(0, 4) + le(32, 4) + "LVM2 001" + id + le(960 * kMiB, 8) +
              le(kMiB, 8) + le(0, 8) + le(0, 16) + le(4096, 8) + le(kMiB - 4096, 8) + le(0, 16));
  writeAt(raw, p2 + 4096,
          le(0, 4) + " LVM2 x[5A%r0N*>" + le(1, 4) + le(4096, 8) + le(kMiB - 4096, 8) + le(512, 8) +
              le(text.size() + 1, 8) + le(0, 8));
  writeAt(raw, p2 + 4096 + 512, text);
  // The swap LV (PV extent 32) gets mkswap's signature page.
  std::string swap = path("swap.img");
  { std::ofstream(swap, std::ios::binary); }
  fs::resize_file(swap, 4 * kMiB);
  sh({"mkswap", "-q", swap});
  {
    std::ifstream in(swap, std::ios::binary);
    std::string page(4096, '\0');
    in.read(page.data(), 4096);
    writeAt(raw, pe_start + 32 * extent, page);
  }
  fs::remove(swap);

  CommandResult r = runGuestprep({"image", "check", raw, "--format", "json"});
  nlohmann::json report = parse(r);
  std::string complaint = validateReportSchema(r.out);
  if (!complaint.starts_with("SKIP")) {
    EXPECT_EQ(complaint, "");
  }
  nlohmann::json pv = report["image"]["contents"]["partitions"][1];
  EXPECT_EQ(pv["filesystem"], "LVM2_member") << pv.dump();
  ASSERT_EQ(pv["volumes"].size(), 2u) << pv.dump();
  EXPECT_EQ(pv["volumes"][0]["name"], "centos/root");
  EXPECT_EQ(pv["volumes"][0]["size"], 64 * extent);
  EXPECT_EQ(pv["volumes"][0]["filesystem"], "ext4") << pv.dump();
  EXPECT_EQ(pv["volumes"][1]["name"], "centos/swap");
  nlohmann::json fstype;  // L-FSTYPE has two rules here: the partition style and this one
  for (const auto& f : report["findings"]) {
    if (f["rule_type"] == "image.filesystems") fstype = f;
  }
  EXPECT_EQ(fstype["status"], "pass") << fstype.dump();
  EXPECT_NE(fstype["message"].get<std::string>().find("partition 2 LV centos/root ext4"),
            std::string::npos)
      << fstype.dump();
  nlohmann::json feat = findingFor(report, "X-EXT4FEAT");
  EXPECT_EQ(feat["status"], "warn") << "the built-in policy's severity for X-EXT4FEAT\n"
                                    << feat.dump();
  EXPECT_NE(feat["message"].get<std::string>().find("partition 2 LV centos/root (64bit)"),
            std::string::npos)
      << feat.dump();
  fs::remove(raw);
}

TEST_F(ImageCheck, UsageErrorsExitTwo) {
  CommandResult missing = runGuestprep({"image", "check", path("nope.vhd")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find(path("nope.vhd")), std::string::npos) << missing.err;
  EXPECT_TRUE(missing.out.empty());
  EXPECT_EQ(runGuestprep({"image", "check"}).exit_code, 2);
  EXPECT_EQ(runGuestprep({"image"}).exit_code, 2);
  EXPECT_EQ(runGuestprep({"image", "check", path("disk.vhd"), "--format", "xml"}).exit_code, 2);
  EXPECT_EQ(runGuestprep({"image", "check", dir_.string()}).exit_code, 2) << "a directory";
}

}  // namespace
}  // namespace guestprep::testing

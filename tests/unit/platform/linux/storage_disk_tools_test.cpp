// The partition-table and superblock readers on images made by the real tools (mkfs.ext2/3/4,
// mkfs.xfs, mkfs.vfat, mkswap, sfdisk; debugfs to fake errors), compared with what blkid,
// dumpe2fs, xfs_db and sfdisk --json say about the same files. Skipped when a tool is missing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "disk/filesystems.h"
#include "disk/partitions.h"
#include "host/posix_fs.h"

namespace guestprep::os_linux {
namespace {

namespace fs = std::filesystem;

bool haveTool(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && fs::exists(fs::path(dir) / name)) return true;
  }
  for (const char* d : {"/sbin", "/usr/sbin"}) {
    if (fs::exists(fs::path(d) / name)) return true;
  }
  return false;
}

#define REQUIRE_TOOLS(...)                                                                    \
  for (const char* t : {__VA_ARGS__}) {                                                       \
    if (!haveTool(t)) GTEST_SKIP() << t << " is not installed (see scripts/setup.sh --test)"; \
  }

CommandResult run(const std::vector<std::string>& argv) {
  auto r = runCommand(argv, std::chrono::seconds(60));
  if (!r) {
    ADD_FAILURE() << argv.front() << ": " << r.error().message;
    return {-1, "", ""};
  }
  EXPECT_EQ(r->exit_code, 0) << argv.front() << " " << (argv.size() > 1 ? argv[1] : "") << ": "
                             << r->err;
  return *r;
}

// A sparse file of `mib` MiB, fresh for each call.
std::string image(const std::string& name, std::uintmax_t mib) {
  fs::path p = fs::path(::testing::TempDir()) / ("guestprep-disk-" + name + ".img");
  fs::remove(p);
  std::ofstream(p).close();
  fs::resize_file(p, mib * 1024 * 1024);
  return p.string();
}

// `blkid -p -o export FILE` (low-level probe, no cache) as a map.
std::map<std::string, std::string> blkid(const std::string& file, const std::string& offset = "") {
  std::vector<std::string> argv = {"blkid", "-p", "-o", "export"};
  if (!offset.empty()) argv.insert(argv.end(), {"-O", offset});
  argv.push_back(file);
  std::map<std::string, std::string> out;
  std::stringstream lines(run(argv).out);
  std::string line;
  while (std::getline(lines, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

// "Name:   value" lines of `dumpe2fs -h`.
std::map<std::string, std::string> dumpe2fs(const std::string& file) {
  std::map<std::string, std::string> out;
  std::stringstream lines(run({"dumpe2fs", "-h", file}).out);
  std::string line;
  while (std::getline(lines, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    out[line.substr(0, colon)] = value;
  }
  return out;
}

disk::FilesystemInfo probe(const std::string& file) {
  auto host = makeLiveHost();
  auto src = host->openBlockDevice(file);
  EXPECT_TRUE(src) << src.error().message;
  if (!src) return {};
  auto info = disk::probeFilesystem(**src);
  EXPECT_TRUE(info) << info.error().message;
  return info ? *info : disk::FilesystemInfo{};
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

void expectMatchesBlkid(const disk::FilesystemInfo& info, const std::string& file,
                        const std::string& what) {
  auto b = blkid(file);
  EXPECT_EQ(info.type, b["TYPE"]) << what;
  EXPECT_EQ(info.uuid, b["UUID"]) << what;
  EXPECT_EQ(info.label, b["LABEL"]) << what;
  if (b.contains("VERSION")) {
    EXPECT_EQ(info.version, b["VERSION"]) << what;
  }
}

TEST(DiskTools, ExtVariantsMatchBlkidAndDumpe2fs) {
  REQUIRE_TOOLS("mkfs.ext4", "blkid", "dumpe2fs");
  const std::vector<std::vector<std::string>> variants = {
      {"mkfs.ext2"},
      {"mkfs.ext3"},
      {"mkfs.ext4", "-O", "^64bit"},
      {"mkfs.ext4", "-O", "64bit,project,quota"},
      {"mkfs.ext4", "-b", "1024", "-O", "^has_journal"},
  };
  for (const auto& mkfs : variants) {
    std::string what = joined(mkfs);
    std::string file = image("ext", 64);
    std::vector<std::string> argv = mkfs;
    argv.insert(argv.end(), {"-F", "-q", "-L", "guestprep", file});
    run(argv);
    disk::FilesystemInfo info = probe(file);
    expectMatchesBlkid(info, file, what);
    ASSERT_TRUE(info.ext) << what;
    auto d = dumpe2fs(file);
    EXPECT_EQ(joined(info.ext->features), d["Filesystem features"]) << what;
    EXPECT_EQ(d["Filesystem state"], "clean") << what;
    EXPECT_TRUE(info.ext->clean) << what;
    EXPECT_EQ(std::to_string(info.ext->block_count), d["Block count"]) << what;
    EXPECT_EQ(std::to_string(info.ext->block_size), d["Block size"]) << what;
    EXPECT_EQ(std::to_string(info.ext->max_mount_count), d["Maximum mount count"]) << what;
    EXPECT_NE(info.ext->last_check, 0) << what;
  }
}

TEST(DiskTools, ExtErrorsSetWithDebugfs) {
  REQUIRE_TOOLS("mkfs.ext4", "debugfs", "dumpe2fs");
  std::string file = image("ext-errors", 32);
  run({"mkfs.ext4", "-F", "-q", file});
  for (const char* cmd :
       {"ssv state 2", "ssv error_count 3", "ssv last_error_time 20240102030405",
        "ssv last_error_func ext4_lookup", "ssv last_error_line 1855", "ssv lastcheck 20200101"}) {
    run({"debugfs", "-w", "-R", cmd, file});
  }
  disk::FilesystemInfo info = probe(file);
  ASSERT_TRUE(info.ext);
  auto d = dumpe2fs(file);
  EXPECT_EQ(d["Filesystem state"], "not clean with errors");
  EXPECT_FALSE(info.ext->clean);
  EXPECT_TRUE(info.ext->errors);
  EXPECT_EQ(std::to_string(info.ext->error_count), d["FS Error count"]);
  EXPECT_EQ(info.ext->error_count, 3u);
  EXPECT_EQ(info.ext->last_error_time, 1704164645);  // 2024-01-02 03:04:05 UTC
  EXPECT_EQ(info.ext->last_error_func, "ext4_lookup");
  EXPECT_EQ(info.ext->last_error_line, 1855u);
  EXPECT_EQ(d["Last error function"], "ext4_lookup");
  EXPECT_EQ(info.ext->last_check, 1577836800);  // 2020-01-01
}

TEST(DiskTools, XfsMatchesBlkidAndXfsDb) {
  REQUIRE_TOOLS("mkfs.xfs", "blkid", "xfs_db");
  std::string file = image("xfs", 320);  // mkfs.xfs refuses filesystems below 300 MB
  run({"mkfs.xfs", "-f", "-q", "-L", "gpxfs", file});
  disk::FilesystemInfo info = probe(file);
  expectMatchesBlkid(info, file, "mkfs.xfs");
  ASSERT_TRUE(info.xfs);
  EXPECT_EQ(info.xfs->version, 5);
  EXPECT_TRUE(info.xfs->log_clean) << info.xfs->log_state;
  EXPECT_EQ(info.xfs->log_state, "clean");
  // xfs_db's info prints "crc=1 finobt=1, sparse=1, rmapbt=0 reflink=1 bigtime=1 ...".
  std::string out = run({"xfs_db", "-r", "-c", "info", file}).out;
  for (const char* name :
       {"crc", "finobt", "sparse", "rmapbt", "reflink", "bigtime", "inobtcount", "nrext64"}) {
    auto at = out.find(std::string(name) + "=");
    if (at == std::string::npos) continue;
    bool on = out[at + std::string(name).size() + 1] == '1';
    bool ours = std::find(info.xfs->features.begin(), info.xfs->features.end(), name) !=
                info.xfs->features.end();
    EXPECT_EQ(ours, on) << name << " in: " << out;
  }
}

TEST(DiskTools, FatMatchesBlkid) {
  REQUIRE_TOOLS("mkfs.vfat", "blkid");
  const std::vector<std::pair<std::string, int>> variants = {{"12", 4}, {"16", 32}, {"32", 64}};
  for (const auto& [bits, mib] : variants) {
    std::string file = image("fat" + bits, static_cast<std::uintmax_t>(mib));
    run({"mkfs.vfat", "-F", bits, "-n", "GPFAT", "-i", "1234ABCD", file});
    disk::FilesystemInfo info = probe(file);
    expectMatchesBlkid(info, file, "FAT" + bits);
    EXPECT_EQ(info.version, "FAT" + bits);
    EXPECT_EQ(info.uuid, "1234-ABCD");
  }
}

TEST(DiskTools, SwapMatchesBlkid) {
  REQUIRE_TOOLS("mkswap", "blkid");
  std::string file = image("swap", 16);
  run({"mkswap", "-L", "gpswap", "-U", "6b3c0a5e-4f1d-4c2b-9a8e-7d6c5b4a3f21", file});
  disk::FilesystemInfo info = probe(file);
  expectMatchesBlkid(info, file, "mkswap");
  EXPECT_EQ(info.uuid, "6b3c0a5e-4f1d-4c2b-9a8e-7d6c5b4a3f21");
}

// Partitions a file with an sfdisk script (stdin redirected without a shell string).
void sfdisk(const std::string& file, const std::string& script,
            std::vector<std::string> extra = {}) {
  fs::path s = file + ".sfdisk";
  std::ofstream(s) << script;
  std::vector<std::string> argv = {"sh", "-c", "exec sfdisk -q \"$@\" < \"$0\"", s.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(file);
  run(argv);
}

disk::PartitionTable readTable(const std::string& file) {
  auto src = makeLiveHost()->openBlockDevice(file);
  EXPECT_TRUE(src) << src.error().message;
  if (!src) return {};
  auto t = disk::readPartitionTable(**src);
  EXPECT_TRUE(t) << t.error().message;
  return t ? *t : disk::PartitionTable{};
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Compares every partition with `sfdisk --json` of the same file.
void expectMatchesSfdisk(const disk::PartitionTable& t, const std::string& file,
                         std::uint32_t sector) {
  auto j = nlohmann::json::parse(run({"sfdisk", "--json", file}).out)["partitiontable"];
  std::string label = j["label"];
  EXPECT_EQ(label == "dos" ? "mbr" : label, disk::toString(t.scheme));
  EXPECT_EQ(j.value("sectorsize", 512u), t.sector_size);
  const auto& parts = j["partitions"];
  ASSERT_EQ(parts.size(), t.partitions.size()) << j.dump(2);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& p = parts[i];
    const disk::Partition& ours = t.partitions[i];
    std::string node = p["node"];
    EXPECT_EQ(node, file + std::to_string(ours.number));
    EXPECT_EQ(p["start"].get<std::uint64_t>() * sector, ours.start) << node;
    EXPECT_EQ(p["size"].get<std::uint64_t>() * sector, ours.size) << node;
    if (label == "dos") {
      // sfdisk prints the type in hex without a leading zero ("5").
      EXPECT_EQ(std::stoi(p["type"].get<std::string>(), nullptr, 16),
                std::stoi(ours.type.substr(2), nullptr, 16))
          << node;
      EXPECT_EQ(p.value("bootable", false), ours.bootable) << node;
    } else {
      EXPECT_EQ(p["type"].get<std::string>(), ours.type) << node;
      EXPECT_EQ(upper(p["uuid"].get<std::string>()), upper(ours.guid)) << node;
      EXPECT_EQ(p.value("name", std::string()), ours.name) << node;
    }
  }
  if (label == "gpt") {
    EXPECT_EQ(upper(j["id"].get<std::string>()), upper(t.disk_guid));
  }
}

TEST(DiskTools, MbrWithLogicalPartitionsMatchesSfdisk) {
  REQUIRE_TOOLS("sfdisk");
  std::string file = image("mbr", 64);
  sfdisk(file,
         "label: dos\n"
         "label-id: 0x12345678\n"
         ",16MiB,83,*\n"
         ",8MiB,82\n"
         ",,5\n"
         ",4MiB,83\n"
         ",4MiB,8e\n"
         ",,83\n");
  disk::PartitionTable t = readTable(file);
  EXPECT_EQ(t.scheme, disk::PartitionScheme::kMbr);
  EXPECT_EQ(t.mbr_signature, 0x12345678u);
  EXPECT_TRUE(t.problems.empty());
  expectMatchesSfdisk(t, file, 512);
  ASSERT_EQ(t.partitions.size(), 6u);
  EXPECT_EQ(t.partitions.back().number, 7);
}

TEST(DiskTools, GptMatchesSfdisk) {
  REQUIRE_TOOLS("sfdisk");
  std::string file = image("gpt", 64);
  sfdisk(file,
         "label: gpt\n"
         "size=1MiB, type=21686148-6449-6E6F-744E-656564454649, name=\"bios grub\"\n"
         "size=32MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=\"EFI system\"\n"
         "type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=\"root\"\n");
  disk::PartitionTable t = readTable(file);
  EXPECT_EQ(t.scheme, disk::PartitionScheme::kGpt);
  EXPECT_TRUE(t.problems.empty()) << t.problems.front();
  expectMatchesSfdisk(t, file, 512);
  ASSERT_EQ(t.partitions.size(), 3u);
  EXPECT_EQ(t.partitions[0].type_name, "BIOS boot");
  EXPECT_EQ(t.partitions[1].type_name, "EFI System");
  EXPECT_EQ(t.partitions[2].type_name, "Linux filesystem");
}

// sfdisk learnt --sector-size only in util-linux 2.39; fdisk -b has it for long.
TEST(DiskTools, Gpt4096ByteSectorsMatchesFdisk) {
  REQUIRE_TOOLS("fdisk", "sh");
  std::string file = image("gpt4k", 64);
  // g: new GPT; n: a partition of 8 MiB, then one with the rest; w: write.
  run({"sh", "-c", "printf 'g\\nn\\n\\n\\n+8M\\nn\\n\\n\\n\\nw\\n' | fdisk -b 4096 \"$0\"", file});
  disk::PartitionTable t = readTable(file);
  EXPECT_EQ(t.scheme, disk::PartitionScheme::kGpt);
  EXPECT_EQ(t.sector_size, 4096u);
  std::stringstream lines(
      run({"fdisk", "-b", "4096", "-l", "-o", "Device,Start,Sectors,Type-UUID", file}).out);
  std::string line;
  std::size_t seen = 0;
  while (std::getline(lines, line)) {
    if (!line.starts_with(file)) continue;
    std::stringstream fields(line);
    std::string dev, type;
    std::uint64_t start = 0, sectors = 0;
    fields >> dev >> start >> sectors >> type;
    ASSERT_LT(seen, t.partitions.size()) << line;
    EXPECT_EQ(dev, file + std::to_string(t.partitions[seen].number));
    EXPECT_EQ(start * 4096, t.partitions[seen].start) << line;
    EXPECT_EQ(sectors * 4096, t.partitions[seen].size) << line;
    EXPECT_EQ(type, t.partitions[seen].type) << line;
    ++seen;
  }
  EXPECT_EQ(seen, 2u);
  EXPECT_EQ(t.partitions.size(), 2u);
}

TEST(DiskTools, FilesystemInsideAPartitionMatchesBlkidAtItsOffset) {
  REQUIRE_TOOLS("sfdisk", "mkfs.ext4", "blkid");
  std::string file = image("mbr-ext4", 64);
  sfdisk(file, "label: dos\n,,83\n");
  disk::PartitionTable t = readTable(file);
  ASSERT_EQ(t.partitions.size(), 1u);
  const disk::Partition& p = t.partitions[0];
  run({"mkfs.ext4", "-F", "-q", "-E", "offset=" + std::to_string(p.start), file,
       std::to_string(p.size / 1024) + "k"});
  auto src = makeLiveHost()->openBlockDevice(file);
  ASSERT_TRUE(src);
  disk::SliceSource part(**src, p.start, p.size, file + " partition 1");
  auto info = disk::probeFilesystem(part);
  ASSERT_TRUE(info) << info.error().message;
  auto b = blkid(file, std::to_string(p.start));
  EXPECT_EQ(info->type, b["TYPE"]);
  EXPECT_EQ(info->uuid, b["UUID"]);
}

}  // namespace
}  // namespace guestprep::os_linux

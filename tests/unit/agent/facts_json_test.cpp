// Facts survive a JSON round trip exactly; malformed facts are refused with the failing key.
#include <gtest/gtest.h>

#include "facts/facts.h"

namespace guestprep {
namespace {

Facts sample() {
  Facts f;
  f.tool_version = "0.1.0";
  f.collected_at = "2026-11-24T21:00:00Z";
  f.host = "test host";
  f.runtime = true;
  f.os = {"centos",
          "rhel fedora",
          "CentOS Linux",
          "7",
          "CentOS Linux 7 (Core)",
          "/etc/os-release",
          "3.10.0-1160.el7.x86_64",
          "x86_64",
          "web01"};
  NicConfig c;
  c.name = "eth0";
  c.stack = "ifcfg";
  c.source = {"/etc/sysconfig/network-scripts/ifcfg-eth0", 1};
  c.starts_at_boot = true;
  c.kind = "ethernet";
  c.ipv4 = AddrMethod::kDhcp;
  c.ipv6 = AddrMethod::kLinkLocal;
  c.match_mac = "52:54:00:12:34:56";
  c.match_line = 3;
  c.members = {"a", "b"};
  f.network.configs = {c};
  f.network.stacks = {{"ifcfg", true, "network.service enabled"}};
  f.network.problems = {{"/etc/x", 0, "Permission denied"}};
  f.network.persistent_net_rules = {
      {{"/etc/udev/rules.d/70-persistent-net.rules", 2}, "aa", "eth0"}};
  f.network.sysctl = {{{"/etc/sysctl.conf", 4}, "net.ipv6.conf.all.disable_ipv6", "1"}};
  f.network.boot_cmdlines = {{{"/boot/grub2/grub.cfg", 80}, {"ro", "quiet"}}};
  f.network.cloud_init_network = true;
  f.network.cloud_init_evidence = "/usr/bin/cloud-init";
  f.network.runtime_nics = Observed<std::vector<RuntimeNic>>::of({{"eth0", "aa", true, "up"}});
  f.network.runtime_ipv6 = Observed<std::vector<Inet6Addr>>::failed("no /proc");
  f.network.runtime_cmdline = Observed<KernelCmdline>::of({{"/proc/cmdline", 1}, {"ro"}});
  // Storage: the system disk, its partition table and superblocks (with and without ext/xfs).
  f.storage.system_disk = Observed<SystemDisk>::of(
      {"/dev/dm-0", "/dev/vda", 42949672960, {"dm-0 (LVM)"}, true, "dm-0 is LVM on vda2"});
  disk::PartitionTable table;
  table.scheme = disk::PartitionScheme::kGpt;
  table.sector_size = 4096;
  table.partitions = {{1, 1048576, 1048576, "21686148-6449-6E6F-744E-656564454649", "BIOS boot",
                       "aaaaaaaa-0000-0000-0000-000000000001", "bios", true, false}};
  table.mbr_signature = 7;
  table.disk_guid = "11111111-2222-3333-4444-555555555555";
  table.problems = {"the backup GPT header is missing"};
  f.storage.partition_table = Observed<disk::PartitionTable>::of(table);
  disk::FilesystemInfo ext{"ext4", "0a1b", "root", "1.0", disk::ExtInfo{}, std::nullopt};
  ext.ext->features = {"has_journal", "64bit"};
  ext.ext->error_count = 3;
  ext.ext->last_error_time = 0x100000010;
  ext.ext->last_error_func = "ext4_lookup";
  ext.ext->max_mount_count = -1;
  disk::FilesystemInfo xfs{"xfs", "11-22", "", "5", std::nullopt, disk::XfsInfo{}};
  xfs.xfs->features = {"crc", "ftype"};
  xfs.xfs->log_clean = false;
  xfs.xfs->log_state = "dirty";
  f.storage.filesystems = Observed<std::vector<FilesystemCheck>>::of(
      {{"/", "/dev/dm-0", true, Observed<disk::FilesystemInfo>::of(ext)},
       {"/data", "/dev/vdb1", false, Observed<disk::FilesystemInfo>::of(xfs)},
       {"/srv", "/dev/vdc", false, Observed<disk::FilesystemInfo>::failed("EACCES")}});
  return f;
}

TEST(FactsJson, RoundTripIsExact) {
  Facts f = sample();
  nlohmann::json j = f;
  Facts back = factsFromJson(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(back, f);
  EXPECT_EQ(nlohmann::json(back), j);
}

TEST(FactsJson, StorageDiskFactsAreStrict) {
  nlohmann::json j = sample();
  EXPECT_EQ(j["storage"]["partition_table"]["value"]["scheme"], "gpt");
  EXPECT_TRUE(j["storage"]["filesystems"]["value"][0]["fs"]["value"]["xfs"].is_null());
  nlohmann::json no_table = j;
  no_table["storage"].erase("partition_table");
  EXPECT_THROW(factsFromJson(no_table), nlohmann::json::exception);
  nlohmann::json no_ext_key = j;
  no_ext_key["storage"]["filesystems"]["value"][0]["fs"]["value"].erase("ext");
  EXPECT_THROW(factsFromJson(no_ext_key), nlohmann::json::exception);
  nlohmann::json bad_scheme = j;
  bad_scheme["storage"]["partition_table"]["value"]["partitions"][0].erase("start");
  EXPECT_THROW(factsFromJson(bad_scheme), nlohmann::json::exception);
}

TEST(FactsJson, ObservedCarriesValueOrReason) {
  nlohmann::json j = sample();
  EXPECT_EQ(j["network"]["runtime_ipv6"]["error"], "no /proc");
  EXPECT_FALSE(j["network"]["runtime_ipv6"].contains("value"));
  EXPECT_EQ(j["network"]["runtime_nics"]["value"][0]["name"], "eth0");
  EXPECT_EQ(j["network"]["configs"][0]["ipv4"], "dhcp");
}

// Image facts appear only when an image was read, and then round-trip exactly.
TEST(FactsJson, ImageFactsAreOptionalAndRoundTrip) {
  nlohmann::json without = sample();
  EXPECT_FALSE(without.contains("image")) << "an audit's facts are unchanged";
  Facts f = sample();
  ImageFacts img;
  img.file = "disk.vhd";
  img.file_size = 12345;
  img.format = "vhd";
  img.subformat = "dynamic";
  img.virtual_size = 42949672960;
  img.allocated_size = Observed<std::uint64_t>::of(1 << 20);
  img.block_size = 2097152;
  img.problems = {"disk.vhd: VHD footer copy at offset 0: footers not identical"};
  ImagePartition p;
  p.number = 1;
  p.start = 1048576;
  p.size = 42948624384;
  p.type = "0x83";
  p.filesystem = "ext4";
  p.features = {"has_journal", "64bit"};
  img.contents = Observed<ImageContents>::of({"mbr", true, {p}, {}});
  f.image = img;
  nlohmann::json j = f;
  Facts back = factsFromJson(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(back, f);
  EXPECT_EQ(j["image"]["contents"]["value"]["partitions"][0]["features"][1], "64bit");
  nlohmann::json bad = j;
  bad["image"].erase("virtual_size");
  EXPECT_THROW(factsFromJson(bad), nlohmann::json::exception);
}

TEST(FactsJson, MissingKeyAndWrongVersionAreRefused) {
  nlohmann::json j = sample();
  j["network"].erase("configs");
  EXPECT_THROW(factsFromJson(j), nlohmann::json::exception);
  nlohmann::json v = sample();
  v["schema_version"] = 99;
  try {
    factsFromJson(v);
    FAIL() << "version 99 accepted";
  } catch (const nlohmann::json::exception& e) {
    EXPECT_NE(std::string(e.what()).find("schema_version 99"), std::string::npos) << e.what();
  }
  nlohmann::json bad = sample();
  bad["network"]["configs"][0]["name"] = 5;
  EXPECT_THROW(factsFromJson(bad), nlohmann::json::exception);
}

}  // namespace
}  // namespace guestprep

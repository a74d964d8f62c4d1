// The image rule types on ImageFacts literals, and the split between `audit` (system rules) and
// `image check` (image rules) over the shipped policy.
#include <gtest/gtest.h>

#include "audit/audit.h"
#include "policy/policy.h"
#include "rules/image_rules.h"
#include "rules/registry.h"

namespace guestprep {
namespace {

constexpr std::uint64_t kGiB = 1ull << 30;

Params defaults(std::string_view type) {
  const RuleType* t = findRuleType(type);
  EXPECT_NE(t, nullptr) << type;
  std::map<std::string, ParamValue> v;
  for (const auto& p : t->params) v[p.name] = *p.default_value;
  return Params(v);
}

ImagePartition part(int n, std::string fs, std::uint64_t size = 10 * kGiB,
                    std::vector<std::string> features = {}) {
  ImagePartition p;
  p.number = n;
  p.start = 1 << 20;
  p.size = size;
  p.type = "0x83";
  p.type_name = "Linux";
  p.filesystem = std::move(fs);
  p.features = std::move(features);
  return p;
}

Facts imageFacts(std::string format, std::uint64_t vsize, std::vector<ImagePartition> parts = {},
                 std::string scheme = "mbr") {
  Facts f;
  ImageFacts img;
  img.file = "disk.img";
  img.format = std::move(format);
  img.subformat = img.format == "vhd" ? "dynamic" : "";
  img.virtual_size = vsize;
  img.file_size = vsize / 4;
  img.allocated_size = Observed<std::uint64_t>::of(vsize / 4);
  ImageContents c;
  c.scheme = std::move(scheme);
  c.mbr_boot_code = true;
  c.partitions = std::move(parts);
  img.contents = Observed<ImageContents>::of(c);
  f.image = img;
  return f;
}

TEST(ImageRules, FormatAcceptedOnRequestConvertAndUnreadable) {
  Params p = defaults("image.format");
  Outcome vhd = evaluateImageFormat(imageFacts("vhd", 40 * kGiB), p);
  EXPECT_EQ(vhd.status, Status::kPass) << vhd.message;
  EXPECT_EQ(vhd.message, "VHD (dynamic) is imported as it is");

  Outcome qcow2 = evaluateImageFormat(imageFacts("qcow2", 40 * kGiB), p);
  EXPECT_EQ(qcow2.status, Status::kWarn) << qcow2.message;
  EXPECT_NE(qcow2.remediation.find("qemu-img convert -p -f qcow2 -O vpc"), std::string::npos)
      << qcow2.remediation;

  Outcome vmdk = evaluateImageFormat(imageFacts("vmdk", 40 * kGiB), p);
  EXPECT_EQ(vmdk.status, Status::kFail);
  EXPECT_EQ(vmdk.remediation,
            "Convert it: qemu-img convert -p -f vmdk -O vpc -o subformat=dynamic disk.img "
            "disk.vhd");

  Facts broken = imageFacts("qcow2", 0);
  broken.image->error = "disk.img: qcow2 header at offset 20: cluster_bits 40 (9 to 21 expected)";
  Outcome err = evaluateImageFormat(broken, p);
  EXPECT_EQ(err.status, Status::kError);
  EXPECT_NE(err.message.find("cluster_bits 40"), std::string::npos) << err.message;

  Facts chained = imageFacts("qcow2", 40 * kGiB);
  chained.image->backing_file = "base.qcow2";
  EXPECT_EQ(evaluateImageFormat(chained, p).status, Status::kFail);

  Facts odd = imageFacts("vhd", 40 * kGiB);
  odd.image->problems = {"disk.img: VHD footer copy at offset 0: footers not identical"};
  Outcome warn = evaluateImageFormat(odd, p);
  EXPECT_EQ(warn.status, Status::kWarn);
  EXPECT_EQ(warn.evidence.back().text, odd.image->problems[0]);

  Facts gz = imageFacts("gzip", 0);
  gz.image->error = "disk.img: a gzip file, not a disk image the cloud imports";
  EXPECT_EQ(evaluateImageFormat(gz, p).status, Status::kFail);

  Outcome none = evaluateImageFormat(Facts{}, p);
  EXPECT_EQ(none.status, Status::kError);
}

TEST(ImageRules, SizeTellsTheDiskToChoose) {
  Params p = defaults("image.size");
  Outcome small = evaluateImageSize(imageFacts("raw", 20 * kGiB), p);
  EXPECT_EQ(small.status, Status::kPass);
  EXPECT_EQ(small.message,
            "virtual size 20 GiB: choose a system disk of 40 GiB at import (the smallest offered)");
  Outcome odd = evaluateImageSize(imageFacts("raw", 50 * kGiB + 1), p);
  EXPECT_EQ(odd.message, "virtual size 50.0 GiB: choose a system disk of 51 GiB at import");
  EXPECT_EQ(evaluateImageSize(imageFacts("raw", 500 * kGiB), p).status, Status::kPass);
  Outcome big = evaluateImageSize(imageFacts("raw", 500 * kGiB + 512), p);
  EXPECT_EQ(big.status, Status::kFail);
  EXPECT_NE(big.remediation.find("qemu-img resize --shrink"), std::string::npos);
  EXPECT_EQ(evaluateImageSize(imageFacts("raw", 0), p).status, Status::kError);
}

TEST(ImageRules, PartitionStyle) {
  Params p = defaults("image.partition_style");
  EXPECT_EQ(evaluateImagePartitionStyle(imageFacts("raw", kGiB, {part(1, "ext4")}), p).status,
            Status::kPass);
  Outcome gpt = evaluateImagePartitionStyle(imageFacts("raw", kGiB, {part(1, "ext4")}, "gpt"), p);
  EXPECT_EQ(gpt.status, Status::kFail);
  EXPECT_EQ(gpt.message, "the disk has a GPT partition table; supported: mbr");
  Facts unreadable = imageFacts("qcow2", kGiB);
  unreadable.image->contents = Observed<ImageContents>::failed("a backing file");
  Outcome err = evaluateImagePartitionStyle(unreadable, p);
  EXPECT_EQ(err.status, Status::kError);
  EXPECT_NE(err.message.find("a backing file"), std::string::npos);
}

TEST(ImageRules, Filesystems) {
  Params p = defaults("image.filesystems");
  EXPECT_EQ(evaluateImageFilesystems(imageFacts("raw", kGiB, {part(1, "xfs"), part(2, "swap")}), p)
                .status,
            Status::kPass);
  Outcome btrfs = evaluateImageFilesystems(imageFacts("raw", kGiB, {part(1, "btrfs")}), p);
  EXPECT_EQ(btrfs.status, Status::kFail);
  EXPECT_EQ(btrfs.message,
            "unsupported filesystems: partition 1 (btrfs); supported: xfs, ext3, ext4");
  // An LVM PV: its logical volumes' filesystems are judged; one it cannot read is an error.
  ImagePartition pv = part(2, "LVM2_member");
  pv.volumes = {{"centos/root", 8 * kGiB, "xfs", "", "", {"crc"}, ""},
                {"centos/swap", kGiB, "swap", "", "", {}, ""}};
  Outcome lvm = evaluateImageFilesystems(imageFacts("raw", kGiB, {part(1, "xfs"), pv}), p);
  EXPECT_EQ(lvm.status, Status::kPass) << lvm.message;
  EXPECT_EQ(lvm.message, "supported filesystems: partition 1 xfs, partition 2 LV centos/root xfs");
  bool named = false;
  for (const auto& e : lvm.evidence) {
    named = named || e.text.find("partition 2 LVM logical volume centos/root") != std::string::npos;
  }
  EXPECT_TRUE(named);
  pv.volumes.push_back({"centos/data", kGiB, "btrfs", "", "", {}, ""});
  Outcome bad = evaluateImageFilesystems(imageFacts("raw", kGiB, {pv}), p);
  EXPECT_EQ(bad.status, Status::kFail);
  EXPECT_NE(bad.message.find("partition 2 LV centos/data (btrfs)"), std::string::npos)
      << bad.message;
  pv.volumes.back() = {"centos/home", kGiB, "", "", "", {}, "not read: segment1 is of type thin"};
  Outcome thin = evaluateImageFilesystems(imageFacts("raw", kGiB, {pv}), p);
  EXPECT_EQ(thin.status, Status::kError);
  EXPECT_NE(thin.message.find("partition 2 LV centos/home"), std::string::npos) << thin.message;
  ImagePartition broken = part(2, "LVM2_member");
  broken.volumes_error =
      "disk.raw partition 2: LVM2 metadata area header at offset 4096: bad magic";
  Outcome unread = evaluateImageFilesystems(imageFacts("raw", kGiB, {broken}), p);
  EXPECT_EQ(unread.status, Status::kError);
  EXPECT_NE(unread.message.find("partition 2 (LVM)"), std::string::npos) << unread.message;
  EXPECT_EQ(evaluateImageFilesystems(imageFacts("raw", kGiB, {}), p).status, Status::kFail);
  ImagePartition ext = part(5, "", kGiB);
  ext.extended = true;
  EXPECT_EQ(evaluateImageFilesystems(imageFacts("raw", kGiB, {part(1, "ext4"), ext}), p).status,
            Status::kPass)
      << "an extended container holds no filesystem of its own";
}

TEST(ImageRules, SingleRootPartition) {
  Params p = defaults("image.partitions");
  EXPECT_EQ(evaluateImagePartitions(imageFacts("raw", kGiB, {part(1, "ext4"), part(2, "swap")}), p)
                .status,
            Status::kPass);
  Outcome two =
      evaluateImagePartitions(imageFacts("raw", kGiB, {part(1, "ext4"), part(2, "xfs")}), p);
  EXPECT_EQ(two.status, Status::kFail);
  EXPECT_EQ(two.evidence.size(), 2u);
}

TEST(ImageRules, Ext4Features) {
  Params p = defaults("image.ext4_features");
  EXPECT_EQ(evaluateImageExt4Features(imageFacts("raw", kGiB, {part(1, "xfs")}), p).status,
            Status::kNotApplicable);
  EXPECT_EQ(evaluateImageExt4Features(
                imageFacts("raw", kGiB, {part(1, "ext4", kGiB, {"has_journal", "extent"})}), p)
                .status,
            Status::kPass);
  Outcome b64 = evaluateImageExt4Features(
      imageFacts("raw", kGiB, {part(1, "ext4", kGiB, {"has_journal", "64bit"})}), p);
  EXPECT_EQ(b64.status, Status::kFail);
  EXPECT_EQ(b64.message, "ext4 features the cloud cannot resize: partition 1 (64bit)");
  Outcome pq = evaluateImageExt4Features(
      imageFacts("raw", kGiB, {part(1, "ext4", kGiB, {"project", "quota"})}), p);
  EXPECT_EQ(pq.message,
            "ext4 features the cloud cannot resize: partition 1 (project, quota together)");
  EXPECT_EQ(
      evaluateImageExt4Features(imageFacts("raw", kGiB, {part(1, "ext4", kGiB, {"project"})}), p)
          .status,
      Status::kPass);
  ImagePartition pv = part(2, "LVM2_member");
  pv.volumes = {{"vg/root", 8 * kGiB, "ext4", "", "", {"has_journal", "64bit"}, ""}};
  Outcome lv = evaluateImageExt4Features(imageFacts("raw", kGiB, {part(1, "xfs"), pv}), p);
  EXPECT_EQ(lv.status, Status::kFail);
  EXPECT_EQ(lv.message, "ext4 features the cloud cannot resize: partition 2 LV vg/root (64bit)");
}

// One policy serves both commands: audit evaluates no image rule, image check only image rules.
TEST(ImageRules, AuditAndImageCheckSplitThePolicy) {
  auto policy = builtinPolicy(kDefaultLinuxPolicy);
  ASSERT_TRUE(policy) << policy.error().message;
  Facts facts = imageFacts("vhd", 40 * kGiB, {part(1, "ext4")});
  auto image_findings = evaluatePolicy(*policy, facts, FactSource::kImage);
  ASSERT_FALSE(image_findings.empty());
  for (const Finding& f : image_findings) {
    EXPECT_TRUE(f.rule_type.starts_with("image.")) << f.rule_type;
  }
  std::set<std::string> ids;
  for (const Finding& f : image_findings) ids.insert(f.requirement);
  for (const char* id : {"IMG-FORMAT", "IMG-SIZE", "L-FSTYPE", "L-PARTITION", "X-EXT4FEAT"}) {
    EXPECT_TRUE(ids.contains(id)) << id;
  }
  for (const Finding& f : evaluatePolicy(*policy, Facts{})) {
    EXPECT_FALSE(f.rule_type.starts_with("image.")) << f.rule_type;
  }
}

}  // namespace
}  // namespace guestprep

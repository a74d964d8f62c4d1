// The image rule types: what the cloud's import says about the image file (format, size) and the
// disk inside it (partition table, filesystems, ext4 features).
#include "rules/image_rules.h"

#include <algorithm>

#include <fmt/format.h>

#include "image/bytes.h"
#include "image/image.h"
#include "rules/registry.h"

namespace guestprep {

namespace {

constexpr std::uint64_t kGiB = 1ull << 30;

bool contains(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

std::string join(const std::vector<std::string>& list) {
  std::string s;
  for (const auto& v : list) s += (s.empty() ? "" : ", ") + v;
  return s;
}

/// The image facts, or an error outcome when no image was read (the rule ran outside
/// `image check`, or from facts without an image).
const ImageFacts* imageOf(const Facts& facts, Outcome& out) {
  if (!facts.image) {
    out.status = Status::kError;
    out.message = "no disk image was read: this rule is evaluated by `guestprep image check FILE`";
    return nullptr;
  }
  return &*facts.image;
}

/// The disk inside the image, or an error outcome saying why it could not be read.
const ImageContents* contentsOf(const Facts& facts, Outcome& out) {
  const ImageFacts* img = imageOf(facts, out);
  if (!img) return nullptr;
  if (!img->contents.ok()) {
    out.status = Status::kError;
    out.message = "the disk inside the image could not be read: " + img->contents.error;
    out.remediation =
        "Make the image readable as one file (see IMG-FORMAT), or check the disk "
        "inside by hand (`virt-filesystems -a FILE --all --long`).";
    out.evidence.push_back(Evidence{img->file, 0, image::formatDisplayName(*img)});
    return nullptr;
  }
  return &*img->contents.value;
}

std::string describePartition(const ImagePartition& p) {
  std::string what =
      p.number == 0 ? std::string("whole disk") : fmt::format("partition {}", p.number);
  std::string type = p.type.empty() ? "" : " " + p.type;
  if (!p.type_name.empty()) type += " " + p.type_name;
  std::string fs = !p.error.empty()       ? "unreadable (" + p.error + ")"
                   : p.filesystem.empty() ? std::string("no filesystem recognised")
                                          : p.filesystem;
  return fmt::format("{} ({}{}): {}", what, image::humanSize(p.size), type, fs);
}

Evidence partitionEvidence(const ImageFacts& img, const ImagePartition& p,
                           const std::string& note = "") {
  return Evidence{img.file, 0, describePartition(p) + (note.empty() ? "" : " — " + note)};
}

/// One logical volume of an LVM partition, as evidence.
Evidence volumeEvidence(const ImageFacts& img, const ImagePartition& p, const ImageVolume& v,
                        const std::string& note = "") {
  std::string fs = !v.error.empty()       ? "unreadable (" + v.error + ")"
                   : v.filesystem.empty() ? std::string("no filesystem recognised")
                                          : v.filesystem;
  std::string where =
      p.number == 0 ? std::string("whole disk") : fmt::format("partition {}", p.number);
  return Evidence{img.file, 0,
                  fmt::format("{} LVM logical volume {} ({}): {}{}", where, v.name,
                              image::humanSize(v.size), fs, note.empty() ? "" : " — " + note)};
}

/// Whether a partition is left out of the filesystem and partition-count rules.
bool ignored(const ImagePartition& p, const std::vector<std::string>& ignore) {
  return p.extended || contains(ignore, p.filesystem) || contains(ignore, p.type_name);
}

}  // namespace

std::vector<ParamSpec> imageFormatParams() {
  return {
      {"accepted",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"raw", "vhd"}},
       "formats the import takes as they are (raw, vhd, vhdx, qcow2, vmdk, vdi)",
       {}},
      {"on_request",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"qcow2"}},
       "formats the import takes only on request (a support ticket)",
       {}},
      {"on_request_status",
       ParamKind::kString,
       ParamValue{std::string("warn")},
       "what an on-request format counts as",
       {"warn", "fail"}},
      {"convert_to",
       ParamKind::kString,
       ParamValue{std::string("vpc")},
       "qemu-img output format the conversion advice names (vpc is VHD)",
       {"vpc", "raw"}},
  };
}

Outcome evaluateImageFormat(const Facts& facts, const Params& params) {
  Outcome out;
  const ImageFacts* img = imageOf(facts, out);
  if (!img) return out;
  std::string name = image::formatDisplayName(*img);
  std::string convert = image::convertCommand(*img, params.getString("convert_to"));
  out.evidence.push_back(
      Evidence{img->file, 0,
               fmt::format("{}, virtual size {}, file size {}{}", name,
                           image::humanSize(img->virtual_size), image::humanSize(img->file_size),
                           img->allocated_size.ok()
                               ? ", allocated " + image::humanSize(*img->allocated_size.value)
                               : std::string())});
  for (const std::string& p : img->problems) out.evidence.push_back(Evidence{img->file, 0, p});
  static const std::vector<std::string> kArchives = {"gzip", "xz", "bzip2", "zstd", "zip", "tar"};
  if (contains(kArchives, img->format)) {
    out.status = Status::kFail;
    out.message = fmt::format("{} is a {} archive, not a disk image", img->file, img->format);
    out.remediation = "Unpack the archive and check the disk image inside it.";
    return out;
  }
  static const std::vector<std::string> kConvertible = {"qed", "vmdk3"};
  if (contains(kConvertible, img->format)) {
    out.status = Status::kFail;
    out.message =
        fmt::format("{} is a {} image, which the import does not take", img->file, img->format);
    out.remediation = "Convert it: " + convert;
    return out;
  }
  if (!img->error.empty()) {
    out.status = Status::kError;
    out.message = (img->format.empty() ? std::string("the image") : "the " + name + " image") +
                  " could not be read: " + img->error;
    out.remediation =
        "Export the disk again; `qemu-img check` and `qemu-img info` on the file "
        "tell more.";
    return out;
  }
  if (!img->backing_file.empty()) {
    out.status = Status::kFail;
    out.message = fmt::format(
        "{} depends on a parent image ('{}'): the import takes one "
        "self-contained file",
        name, img->backing_file);
    out.remediation = "Merge the chain into one file (qemu-img reads the parent): " + convert;
    return out;
  }
  if (img->encrypted) {
    out.status = Status::kFail;
    out.message = name + " is encrypted: the import cannot read it";
    out.remediation =
        "Write a decrypted copy (qemu-img convert with --object secret,...): " + convert;
    return out;
  }
  if (contains(params.getList("accepted"), img->format)) {
    if (!img->problems.empty()) {
      out.status = Status::kWarn;
      out.message = fmt::format("{} is accepted, but the file has {} problem{}", name,
                                img->problems.size(), img->problems.size() == 1 ? "" : "s");
      out.remediation = "Rewrite the image so its structures are consistent: " + convert;
      return out;
    }
    out.status = Status::kPass;
    out.message = name + " is imported as it is";
    return out;
  }
  if (contains(params.getList("on_request"), img->format)) {
    out.status = params.getString("on_request_status") == "fail" ? Status::kFail : Status::kWarn;
    out.message = name +
                  " is imported only on request (a support ticket); RAW and VHD are "
                  "taken as they are";
    out.remediation =
        "Open a support ticket for " + img->format + " import, or convert: " + convert;
    return out;
  }
  out.status = Status::kFail;
  out.message =
      fmt::format("{} is not imported; accepted: {}", name, join(params.getList("accepted")));
  out.remediation = "Convert it: " + convert;
  return out;
}

std::vector<ParamSpec> imageSizeParams() {
  return {
      {"min_gib",
       ParamKind::kInt,
       ParamValue{std::int64_t{40}},
       "smallest system disk the import offers (GiB)",
       {}},
      {"max_gib",
       ParamKind::kInt,
       ParamValue{std::int64_t{500}},
       "largest system disk the import offers (GiB)",
       {}},
  };
}

Outcome evaluateImageSize(const Facts& facts, const Params& params) {
  Outcome out;
  const ImageFacts* img = imageOf(facts, out);
  if (!img) return out;
  if (!img->error.empty() || img->virtual_size == 0) {
    out.status = Status::kError;
    out.message = "the virtual size is unknown: " +
                  (img->error.empty() ? std::string("the image says 0 bytes") : img->error);
    out.remediation =
        "Read the virtual size with `qemu-img info FILE` and choose at least that "
        "at import.";
    return out;
  }
  auto min_gib = static_cast<std::uint64_t>(std::max<std::int64_t>(0, params.getInt("min_gib")));
  auto max_gib = static_cast<std::uint64_t>(std::max<std::int64_t>(0, params.getInt("max_gib")));
  std::uint64_t v = img->virtual_size;
  std::uint64_t gib = v / kGiB + (v % kGiB ? 1 : 0);
  out.evidence.push_back(Evidence{
      img->file, 0,
      fmt::format("virtual size {} bytes ({}){}", v, image::humanSize(v),
                  img->allocated_size.ok()
                      ? ", of which " + image::humanSize(*img->allocated_size.value) + " allocated"
                      : std::string())});
  if (gib > max_gib) {
    out.status = Status::kFail;
    out.message = fmt::format(
        "the virtual size {} is larger than the largest system disk ({} "
        "GiB)",
        image::humanSize(v), max_gib);
    out.remediation = fmt::format(
        "Shrink the filesystems and the last partition inside the "
        "image, then the image itself (`qemu-img resize --shrink`) to "
        "at most {} GiB.",
        max_gib);
    return out;
  }
  std::uint64_t choose = std::max(gib, min_gib);
  out.status = Status::kPass;
  out.message = fmt::format("virtual size {}: choose a system disk of {} GiB at import{}",
                            image::humanSize(v), choose,
                            gib < min_gib ? fmt::format(" (the smallest offered)") : "");
  return out;
}

std::vector<ParamSpec> imagePartitionStyleParams() {
  return {
      {"allowed",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"mbr"}},
       "partition tables the import supports (mbr, gpt, hybrid, none)",
       {}},
  };
}

Outcome evaluateImagePartitionStyle(const Facts& facts, const Params& params) {
  Outcome out;
  const ImageContents* c = contentsOf(facts, out);
  if (!c) return out;
  const ImageFacts& img = *facts.image;
  std::string shown = c->scheme == "none" ? std::string("no partition table")
                      : c->scheme == "hybrid"
                          ? std::string("a hybrid MBR/GPT table")
                          : "a" + std::string(c->scheme == "mbr" ? "n" : "") + " " +
                                (c->scheme == "mbr" ? "MBR" : "GPT") + " partition table";
  out.evidence.push_back(Evidence{
      img.file, 0,
      fmt::format("{}, {} partition{}{}", shown, c->partitions.size(),
                  c->partitions.size() == 1 ? "" : "s",
                  c->scheme == "none" ? ""
                  : c->mbr_boot_code  ? ", boot code in the MBR"
                                      : ", no boot code in the MBR (BIOS cannot boot it)")});
  for (const std::string& p : c->problems) out.evidence.push_back(Evidence{img.file, 0, p});
  if (contains(params.getList("allowed"), c->scheme)) {
    out.status = Status::kPass;
    out.message = "the disk has " + shown;
    return out;
  }
  out.status = Status::kFail;
  out.message = "the disk has " + shown + "; supported: " + join(params.getList("allowed"));
  out.remediation = c->scheme == "none"
                        ? "Export the whole disk (with its partition table), not one filesystem."
                        : "Convert the partition table to MBR (`gdisk` recovery menu, or "
                          "`sgdisk --gpttombr`) and switch the boot loader to BIOS, or import "
                          "where GPT is supported.";
  return out;
}

std::vector<ParamSpec> imageFilesystemsParams() {
  return {
      {"allowed",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"xfs", "ext3", "ext4"}},
       "filesystem types the disk's partitions may hold",
       {}},
      {"ignore",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"swap", "BIOS boot"}},
       "filesystem types and partition type names left out (swap, BIOS boot, EFI System)",
       {}},
  };
}

Outcome evaluateImageFilesystems(const Facts& facts, const Params& params) {
  Outcome out;
  const ImageContents* c = contentsOf(facts, out);
  if (!c) return out;
  const ImageFacts& img = *facts.image;
  const auto& allowed = params.getList("allowed");
  const auto& ignore = params.getList("ignore");
  std::vector<std::string> bad, unreadable, seen;
  for (const ImagePartition& p : c->partitions) {
    if (ignored(p, ignore)) continue;
    std::string what = p.number == 0 ? "the whole disk" : fmt::format("partition {}", p.number);
    if (!p.error.empty()) {
      unreadable.push_back(what);
      out.evidence.push_back(partitionEvidence(img, p));
    } else if (p.filesystem == "LVM2_member") {
      if (!p.volumes_error.empty()) {
        unreadable.push_back(what + " (LVM)");
        out.evidence.push_back(partitionEvidence(img, p, p.volumes_error));
        continue;
      }
      if (p.volumes.empty()) {
        out.evidence.push_back(partitionEvidence(img, p, "a PV with no logical volume"));
      }
      for (const ImageVolume& v : p.volumes) {
        if (contains(ignore, v.filesystem)) continue;
        std::string vwhat = what + " LV " + v.name;
        if (!v.error.empty()) {
          unreadable.push_back(vwhat);
          out.evidence.push_back(volumeEvidence(img, p, v));
        } else if (!contains(allowed, v.filesystem)) {
          bad.push_back(vwhat + " (" + (v.filesystem.empty() ? "unknown" : v.filesystem) + ")");
          out.evidence.push_back(volumeEvidence(img, p, v, "not supported"));
        } else {
          seen.push_back(vwhat + " " + v.filesystem);
          out.evidence.push_back(volumeEvidence(img, p, v));
        }
      }
    } else if (!contains(allowed, p.filesystem)) {
      bad.push_back(what + " (" + (p.filesystem.empty() ? "unknown" : p.filesystem) + ")");
      out.evidence.push_back(partitionEvidence(img, p, "not supported"));
    } else {
      seen.push_back(what + " " + p.filesystem);
      out.evidence.push_back(partitionEvidence(img, p));
    }
  }
  if (!bad.empty()) {
    out.status = Status::kFail;
    out.message = "unsupported filesystems: " + join(bad) + "; supported: " + join(allowed);
    return out;
  }
  if (!unreadable.empty()) {
    out.status = Status::kError;
    out.message = "the filesystem of " + join(unreadable) + " could not be checked";
    out.remediation = "Check the filesystem types by hand (`blkid` on the source system).";
    return out;
  }
  if (seen.empty()) {
    out.status = Status::kFail;
    out.message = "no filesystem was found on the disk";
    out.remediation = "Check that the image holds the system disk.";
    return out;
  }
  out.status = Status::kPass;
  out.message = "supported filesystems: " + join(seen);
  return out;
}

std::vector<ParamSpec> imagePartitionsParams() {
  return {
      {"max_partitions",
       ParamKind::kInt,
       ParamValue{std::int64_t{1}},
       "how many partitions (not counting ignored ones) the system disk may have",
       {}},
      {"ignore",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"swap", "BIOS boot", "EFI System"}},
       "filesystem types and partition type names not counted",
       {}},
  };
}

Outcome evaluateImagePartitions(const Facts& facts, const Params& params) {
  Outcome out;
  const ImageContents* c = contentsOf(facts, out);
  if (!c) return out;
  const ImageFacts& img = *facts.image;
  std::int64_t counted = 0;
  for (const ImagePartition& p : c->partitions) {
    if (ignored(p, params.getList("ignore"))) continue;
    ++counted;
    out.evidence.push_back(partitionEvidence(img, p));
  }
  std::int64_t max = params.getInt("max_partitions");
  if (counted > max) {
    out.status = Status::kFail;
    out.message = fmt::format(
        "the system disk has {} partitions; the import supports {} (a "
        "single root partition)",
        counted, max);
    out.remediation =
        "Move the data of the extra partitions into the root filesystem, or import "
        "them as data disks.";
    return out;
  }
  if (counted == 0) {
    out.status = Status::kFail;
    out.message = "the disk has no partition that could hold the root filesystem";
    out.remediation = "Check that the image holds the system disk.";
    return out;
  }
  out.status = Status::kPass;
  out.message = fmt::format("the system disk has {} partition{} (not counting {})", counted,
                            counted == 1 ? "" : "s", join(params.getList("ignore")));
  return out;
}

std::vector<ParamSpec> imageExt4FeaturesParams() {
  return {
      {"forbidden",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"64bit"}},
       "ext4 features that alone keep the cloud from resizing the filesystem",
       {}},
      {"forbidden_together",
       ParamKind::kStringList,
       ParamValue{std::vector<std::string>{"project", "quota"}},
       "ext4 features that together keep the cloud from resizing it (all of them present)",
       {}},
  };
}

Outcome evaluateImageExt4Features(const Facts& facts, const Params& params) {
  Outcome out;
  const ImageContents* c = contentsOf(facts, out);
  if (!c) return out;
  const ImageFacts& img = *facts.image;
  const auto& forbidden = params.getList("forbidden");
  const auto& together = params.getList("forbidden_together");
  std::vector<std::string> bad;
  int ext4 = 0;
  // The forbidden features an ext4 filesystem has, or none.
  auto forbiddenIn = [&](const std::vector<std::string>& features) {
    std::vector<std::string> found;
    for (const auto& feat : forbidden) {
      if (contains(features, feat)) found.push_back(feat);
    }
    bool all = !together.empty() &&
               std::all_of(together.begin(), together.end(),
                           [&](const std::string& t) { return contains(features, t); });
    if (all) found.push_back(join(together) + " together");
    return found;
  };
  for (const ImagePartition& p : c->partitions) {
    std::string what = p.number == 0 ? "the whole disk" : fmt::format("partition {}", p.number);
    for (const ImageVolume& v : p.volumes) {
      if (v.filesystem != "ext4") continue;
      ++ext4;
      if (auto found = forbiddenIn(v.features); !found.empty()) {
        bad.push_back(what + " LV " + v.name + " (" + join(found) + ")");
        out.evidence.push_back(volumeEvidence(img, p, v, "features: " + join(v.features)));
      }
    }
    if (p.filesystem != "ext4") continue;
    ++ext4;
    if (auto found = forbiddenIn(p.features); !found.empty()) {
      bad.push_back(what + " (" + join(found) + ")");
      out.evidence.push_back(partitionEvidence(img, p, "features: " + join(p.features)));
    }
  }
  if (ext4 == 0) {
    out.status = Status::kNotApplicable;
    out.message = "no ext4 filesystem on the disk";
    return out;
  }
  if (!bad.empty()) {
    out.status = Status::kFail;
    out.message = "ext4 features the cloud cannot resize: " + join(bad);
    out.remediation =
        "Recreate the filesystem without them (`mkfs.ext4 -O ^64bit`), or choose "
        "the final system disk size at import so no resize is needed.";
    return out;
  }
  out.status = Status::kPass;
  out.message = fmt::format("{} ext4 filesystem{} without {}", ext4, ext4 == 1 ? "" : "s",
                            join(forbidden) + (together.empty() ? "" : " or " + join(together)));
  return out;
}

std::vector<RuleType> imageRuleTypes() {
  return {
      {"image.format", "the image file's format is one the import takes", imageFormatParams(),
       &evaluateImageFormat, "Convert the image with `qemu-img convert -O vpc`.",
       FactSource::kImage},
      {"image.size", "the image's virtual size fits the system disk sizes the import offers",
       imageSizeParams(), &evaluateImageSize, "Resize the image.", FactSource::kImage},
      {"image.partition_style", "the disk inside the image has an allowed partition table",
       imagePartitionStyleParams(), &evaluateImagePartitionStyle, "Convert the partition table.",
       FactSource::kImage},
      {"image.filesystems", "the disk inside the image holds only allowed filesystems",
       imageFilesystemsParams(), &evaluateImageFilesystems, "Migrate to a supported filesystem.",
       FactSource::kImage},
      {"image.partitions", "the disk inside the image has a single root partition",
       imagePartitionsParams(), &evaluateImagePartitions,
       "Merge the extra partitions into the root filesystem.", FactSource::kImage},
      {"image.ext4_features", "ext4 filesystems inside the image can be resized by the cloud",
       imageExt4FeaturesParams(), &evaluateImageExt4Features,
       "Recreate the filesystem without the features named.", FactSource::kImage},
  };
}

}  // namespace guestprep

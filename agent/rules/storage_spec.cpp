// Classification of fstab entries shared by the storage probe and rules.
#include "rules/storage_spec.h"

#include <algorithm>
#include <array>

namespace guestprep {

namespace {

// Network filesystems (mount.nfs(8), mount.cifs(8) and the FUSE/cluster ones seen in fstabs).
constexpr std::array<std::string_view, 14> kNetworkTypes = {
    "nfs",   "nfs4",       "cifs",  "smbfs", "smb3",  "glusterfs", "ceph",
    "sshfs", "fuse.sshfs", "davfs", "afs",   "ncpfs", "lustre",    "fuse.glusterfs"};

}  // namespace

SpecKind specKind(const FstabEntry& e) {
  const std::string& s = e.spec;
  if (std::find(kNetworkTypes.begin(), kNetworkTypes.end(), e.vfstype) != kNetworkTypes.end())
    return SpecKind::kNetwork;
  if (s.starts_with("//")) return SpecKind::kNetwork;
  for (std::string_view tag : {"UUID=", "LABEL=", "PARTUUID=", "PARTLABEL=", "ID="}) {
    if (s.starts_with(tag)) return SpecKind::kTag;
  }
  if (hasOption(e, "bind") || hasOption(e, "rbind")) return SpecKind::kFile;
  if (s.starts_with("/dev/")) return SpecKind::kDevicePath;
  if (s.starts_with("/")) return SpecKind::kFile;
  // "server:/export" (NFS written with type auto or an unknown type).
  if (s.find(":/") != std::string::npos) return SpecKind::kNetwork;
  return SpecKind::kPseudo;
}

bool hasOption(const FstabEntry& e, std::string_view name) {
  return std::find(e.options.begin(), e.options.end(), name) != e.options.end();
}

bool bootToleratesFailure(const FstabEntry& e) {
  return hasOption(e, "nofail") || hasOption(e, "noauto");
}

bool isSwap(const FstabEntry& e) { return e.vfstype == "swap"; }

bool isKernelDeviceName(std::string_view spec, const std::vector<std::string>& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string& p) { return spec.starts_with(p); });
}

}  // namespace guestprep

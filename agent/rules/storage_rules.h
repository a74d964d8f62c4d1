// The storage rule types: fstab.resolves (L-FSTAB), fstab.device_names (X-DEVNAMES),
// fstab.external (X-FSTABRESOLVE), disk.free (L-DISKFREE), disk.inodes (X-INODES),
// fs.root_type (L-FSTYPE), disk.layout (L-PARTITION), boot.mode (X-BOOTMODE), fs.integrity
// (L-FSCHECK) and fs.ext4_features (X-EXT4FEAT).
#pragma once

#include <vector>

#include "facts/facts.h"
#include "policy/params.h"
#include "rules/finding.h"

namespace guestprep {

std::vector<ParamSpec> fstabResolvesParams();
Outcome evaluateFstabResolves(const Facts& facts, const Params& params);

std::vector<ParamSpec> fstabDeviceNamesParams();
Outcome evaluateFstabDeviceNames(const Facts& facts, const Params& params);

std::vector<ParamSpec> fstabExternalParams();
Outcome evaluateFstabExternal(const Facts& facts, const Params& params);

std::vector<ParamSpec> diskFreeParams();
Outcome evaluateDiskFree(const Facts& facts, const Params& params);

std::vector<ParamSpec> diskInodesParams();
Outcome evaluateDiskInodes(const Facts& facts, const Params& params);

std::vector<ParamSpec> fsRootTypeParams();
Outcome evaluateFsRootType(const Facts& facts, const Params& params);

std::vector<ParamSpec> diskLayoutParams();
Outcome evaluateDiskLayout(const Facts& facts, const Params& params);

std::vector<ParamSpec> bootModeParams();
Outcome evaluateBootMode(const Facts& facts, const Params& params);

std::vector<ParamSpec> fsIntegrityParams();
Outcome evaluateFsIntegrity(const Facts& facts, const Params& params);

std::vector<ParamSpec> fsExt4FeaturesParams();
Outcome evaluateFsExt4Features(const Facts& facts, const Params& params);

/// Evidence naming an fstab entry: its file and line and the entry as read.
Evidence fstabEvidence(const FstabEntry& e, const std::string& note = "");

/// The problem that kept /etc/fstab from being read, or nullptr when it was read (or absent).
const ConfigProblem* fstabUnreadable(const StorageFacts& s);

}  // namespace guestprep

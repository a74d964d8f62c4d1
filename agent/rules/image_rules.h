// The image rule types, evaluated by `guestprep image check` over the ImageFacts of a disk image
// file (FactSource::kImage; `audit` skips them): image.format (IMG-FORMAT), image.size
// (IMG-SIZE), image.partition_style and image.filesystems (L-FSTYPE, W-FSTYPE), image.partitions
// (L-PARTITION) and image.ext4_features (X-EXT4FEAT).
#pragma once

#include <vector>

#include "facts/facts.h"
#include "policy/params.h"
#include "rules/finding.h"

namespace guestprep {

std::vector<ParamSpec> imageFormatParams();
Outcome evaluateImageFormat(const Facts& facts, const Params& params);

std::vector<ParamSpec> imageSizeParams();
Outcome evaluateImageSize(const Facts& facts, const Params& params);

std::vector<ParamSpec> imagePartitionStyleParams();
Outcome evaluateImagePartitionStyle(const Facts& facts, const Params& params);

std::vector<ParamSpec> imageFilesystemsParams();
Outcome evaluateImageFilesystems(const Facts& facts, const Params& params);

std::vector<ParamSpec> imagePartitionsParams();
Outcome evaluateImagePartitions(const Facts& facts, const Params& params);

std::vector<ParamSpec> imageExt4FeaturesParams();
Outcome evaluateImageExt4Features(const Facts& facts, const Params& params);

}  // namespace guestprep

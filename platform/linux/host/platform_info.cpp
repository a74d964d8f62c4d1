// What this build audits: Linux (the portable CLI asks the platform layer, see core/platform.h).
#include "core/platform.h"

namespace guestprep {

const PlatformInfo& thisPlatform() {
  static const PlatformInfo kLinux{"linux", "aliyun-ecs-linux"};
  return kLinux;
}

}  // namespace guestprep

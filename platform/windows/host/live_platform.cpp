// The Windows platform layer's entry points for the portable core: collectFacts, the live host,
// and what this build audits.
#include "audit/audit.h"
#include "core/platform.h"
#include "host/live_api.h"
#include "host/windows_host.h"
#include "probes/windows_probes.h"

namespace guestprep {

const PlatformInfo& thisPlatform() {
  static const PlatformInfo kWindows{"windows", "aliyun-ecs-windows"};
  return kWindows;
}

Facts collectFacts(const Host& host, const CollectOptions&) {
  Facts facts;
  os_windows::LiveWindowsApi api;
  os_windows::collectWindowsFacts(host, api, facts);
  return facts;
}

std::unique_ptr<Host> makeLiveHost() { return std::make_unique<os_windows::WindowsHost>(); }

Result<std::unique_ptr<Host>> makeRootHost(const std::string& dir) {
  // An offline Windows disk keeps its registry in hive files (config\SYSTEM, SOFTWARE), which
  // need a regf reader this build does not have yet.
  return fail(ErrorCode::kUnsupported, "'" + dir +
                                           "': auditing an offline Windows disk is not supported "
                                           "yet; run guestprep.exe on the system itself");
}

}  // namespace guestprep

// The Windows platform layer's entry points for the portable core: collectFacts, the live host,
// and what this build audits.
#include "audit/audit.h"
#include "core/platform.h"
#include "host/live_api.h"
#include "host/offline_files.h"
#include "host/offline_windows.h"
#include "host/windows_host.h"
#include "probes/windows_probes.h"

namespace guestprep {

const PlatformInfo& thisPlatform() {
  static const PlatformInfo kWindows{"windows", "aliyun-ecs-windows"};
  return kWindows;
}

// No Windows probe computes a result worth keeping across runs (the hives are read in
// milliseconds), so there is no cache to configure.
void configureResultCache(bool, const std::optional<std::string>&) {}
std::optional<std::string> defaultResultCacheDirectory() { return std::nullopt; }

Facts collectFacts(const Host& host, const CollectOptions& options) {
  Facts facts;
  if (const auto* offline = dynamic_cast<const os_windows::OfflineWindows*>(&host)) {
    os_windows::collectWindowsFacts(host, *offline, facts, options);
    for (ConfigProblem& p : offline->problems()) facts.windows.problems.push_back(std::move(p));
    return facts;
  }
  os_windows::LiveWindowsApi api;
  os_windows::collectWindowsFacts(host, api, facts, options);
  return facts;
}

std::unique_ptr<Host> makeLiveHost() { return std::make_unique<os_windows::WindowsHost>(); }

Result<std::unique_ptr<Host>> makeRootHost(const std::string& dir) {
  // An offline Windows disk (attached to this machine as another drive): its registry from the
  // hive files, its files inside DIR.
  auto files =
      std::make_unique<os_windows::OfflineFiles>(std::make_unique<os_windows::WindowsHost>(), dir);
  auto top = files->stat("/");
  if (!top || top->type != FileStat::Type::kDirectory) {
    return fail(ErrorCode::kNotFound, "'" + dir + "' is not a directory");
  }
  auto windows = os_windows::findWindowsDirectory(*files);
  if (!windows) {
    return fail(ErrorCode::kInvalidInput, "'" + dir + "' holds no Windows system (" +
                                              windows.error().message +
                                              "); guestprep.exe audits offline Windows disks only");
  }
  return std::unique_ptr<Host>(
      std::make_unique<os_windows::OfflineWindows>(std::move(files), *windows));
}

}  // namespace guestprep

// The software family's rule types, listed for the registry.
#include "rules/software_rules.h"

#include "rules/registry.h"

namespace guestprep {

std::vector<RuleType> softwareRuleTypes() {
  return {
      {"cloudinit.present",
       "cloud-init is installed, started at boot, and may use the cloud's datasource",
       cloudInitPresentParams(), &evaluateCloudInitPresent,
       "Install cloud-init from the distribution, enable its four boot stages, and leave "
       "datasource_list unset or include the cloud's datasource."},
      {"cloudinit.datasource",
       "cloud-init is not restricted to other clouds and holds no earlier instance's state",
       cloudInitDatasourceParams(), &evaluateCloudInitDatasource,
       "Run `cloud-init clean` before capture, and remove or extend datasource_list."},
      {"agent.absent", "the listed agents are not installed, or at least not started at boot",
       agentAbsentParams(), &evaluateAgentAbsent,
       "Remove the agent's package, or disable its service at boot."},
      {"files.unmodified", "files match the package manager's record", filesUnmodifiedParams(),
       &evaluateFilesUnmodified, "Restore the files from their packages (reinstall them)."},
  };
}

}  // namespace guestprep

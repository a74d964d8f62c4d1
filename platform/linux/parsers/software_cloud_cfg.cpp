// Reads datasource_list from a cloud-config file with yaml-cpp, as the network family's
// cloud.cfg reader does for network.config.
#include "parsers/software_cloud_cfg.h"

#include <yaml-cpp/yaml.h>

namespace guestprep::os_linux {

CloudCfgDatasources parseCloudCfgDatasources(std::string_view text) {
  CloudCfgDatasources out;
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (!root || root.IsNull()) return out;
    if (!root.IsMap()) {
      // cloud-init ignores a configuration file that is not a mapping.
      out.problem = ConfigProblem{"", root.Mark().line + 1, "top level is not a mapping"};
      return out;
    }
    for (const auto& kv : root) {
      if (!kv.first.IsScalar() || kv.first.Scalar() != "datasource_list") continue;
      out.line = kv.first.Mark().line + 1;
      const YAML::Node& v = kv.second;
      std::vector<std::string> names;
      if (v.IsSequence()) {
        for (const auto& item : v) {
          if (item.IsScalar()) {
            names.push_back(item.Scalar());
          } else {
            out.problem = ConfigProblem{"", item.Mark().line + 1,
                                        "datasource_list item is not a name; ignored"};
          }
        }
      } else if (v.IsScalar()) {
        // Not a list: cloud-init's ds-identify and Python code expect a list; record it as
        // written so the rule can show it, and say it is malformed.
        names.push_back(v.Scalar());
        out.problem = ConfigProblem{"", out.line, "datasource_list is not a list"};
      } else if (!v.IsNull()) {
        out.problem = ConfigProblem{"", out.line, "datasource_list is not a list"};
        continue;
      }
      out.list = std::move(names);
    }
  } catch (const YAML::Exception& e) {
    out.problem = ConfigProblem{"", e.mark.is_null() ? 0 : e.mark.line + 1, e.msg};
  }
  return out;
}

}  // namespace guestprep::os_linux

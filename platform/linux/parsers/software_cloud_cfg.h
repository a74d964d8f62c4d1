// Pure reader of cloud-init's datasource_list from one cloud.cfg / cloud.cfg.d file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/common.h"

namespace guestprep::os_linux {

/// What one file says about datasource_list.
struct CloudCfgDatasources {
  std::optional<std::vector<std::string>> list;  ///< set when the file sets datasource_list
  int line = 0;                                  ///< line of the datasource_list key
  std::optional<ConfigProblem> problem;          ///< file left empty: the caller fills it in
};

/// Parses one cloud-config file (YAML; JSON is YAML too) for its top-level `datasource_list`.
CloudCfgDatasources parseCloudCfgDatasources(std::string_view text);

}  // namespace guestprep::os_linux

#include "cli/cli_common.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/platform.h"

namespace guestprep {

namespace {

bool looksLikeFile(const std::string& s) {
  return s.find('/') != std::string::npos || s.ends_with(".yaml") || s.ends_with(".yml");
}

}  // namespace

std::string readInputFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(std::string("cannot read ") + what + " '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeOutput(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw UsageError("cannot write the report to '" + path + "'");
}

Policy loadPolicy(const std::string& name_or_file, std::string_view platform) {
  std::string name = name_or_file.empty() ? std::string(defaultPolicyFor(platform)) : name_or_file;
  Result<Policy> p = looksLikeFile(name) ? parsePolicy(readInputFile(name, "policy file"), name)
                                         : builtinPolicy(name);
  if (!p) throw UsageError(p.error().message);
  if (p->platform != platform) {
    throw UsageError("policy '" + p->id + "' is for " + p->platform + " systems; " +
                     (platform == thisPlatform().name
                          ? "this guestprep audits " + std::string(platform)
                          : "the audited system is " + std::string(platform)));
  }
  return *p;
}

std::unique_ptr<Host> openHost(const std::string& root) {
  if (root.empty()) return makeLiveHost();
  auto h = makeRootHost(root);
  if (!h) throw UsageError("--root: " + h.error().message);
  return std::move(*h);
}

bool useColour(const std::string& output) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return (output.empty() || output == "-") && ::isatty(STDOUT_FILENO);
}

}  // namespace guestprep

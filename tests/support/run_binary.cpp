// Runs the built guestprep binary for integration tests.
#include "support/run_binary.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "host/posix_fs.h"

namespace guestprep::testing {

std::string testCacheDir() {
  if (const char* dir = std::getenv("GUESTPREP_CACHE_DIR")) return dir;
  return ::testing::TempDir() + "/guestprep-test-cache";
}

CommandResult runGuestprep(const std::vector<std::string>& args) {
  // runCommand gives the child a clean environment: the cache directory is passed through env.
  std::vector<std::string> argv = {"env", "GUESTPREP_CACHE_DIR=" + testCacheDir(),
                                   GUESTPREP_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = os_linux::runCommand(argv, std::chrono::seconds(120));
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : CommandResult{-1, "", ""};
}

nlohmann::json auditJson(const std::vector<std::string>& extra_args, int* exit_code) {
  std::vector<std::string> args = {"audit", "--format", "json"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  CommandResult r = runGuestprep(args);
  if (exit_code) *exit_code = r.exit_code;
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "audit output is not JSON (" << e.what() << "), exit " << r.exit_code
                  << ", stderr: " << r.err;
    return nlohmann::json::object();
  }
}

nlohmann::json findingFor(const nlohmann::json& report, const std::string& requirement) {
  if (!report.contains("findings")) return nullptr;
  for (const auto& f : report["findings"]) {
    if (f.value("requirement", "") == requirement) return f;
  }
  return nullptr;
}

std::string validateReportSchema(const std::string& json_text) {
  const std::string python = "/usr/bin/python3";
  auto check = os_linux::runCommand({python, "-c", "import jsonschema"}, std::chrono::seconds(30));
  if (!check || check->exit_code != 0) {
    return "SKIP: python3-jsonschema is not installed (apt-get install python3-jsonschema)";
  }
  std::string path = (std::filesystem::temp_directory_path() /
                      ("guestprep-report-" + std::to_string(::getpid()) + ".json"))
                         .string();
  {
    std::ofstream out(path, std::ios::binary);
    out << json_text;
  }
  std::string schema = std::string(GUESTPREP_SOURCE_DIR) + "/docs/report-schema.json";
  auto r = os_linux::runCommand({python, "-c",
                                 "import json,sys,jsonschema\n"
                                 "schema=json.load(open(sys.argv[1]))\n"
                                 "doc=json.load(open(sys.argv[2]))\n"
                                 "v=jsonschema.Draft202012Validator(schema)\n"
                                 "errs=sorted(v.iter_errors(doc), key=lambda e: list(e.path))\n"
                                 "[print(list(e.path), e.message) for e in errs]\n"
                                 "sys.exit(1 if errs else 0)\n",
                                 schema, path},
                                std::chrono::seconds(60));
  std::remove(path.c_str());
  if (!r) return "validator did not run: " + r.error().message;
  if (r->exit_code != 0) return r->out + r->err;
  return "";
}

std::string networkPolicy() {
  return std::string(GUESTPREP_FIXTURES_DIR) + "/policies/network-only.yaml";
}

std::string fixtureRoot(const std::string& name) {
  return std::string(GUESTPREP_FIXTURES_DIR) + "/roots/" + name;
}

}  // namespace guestprep::testing

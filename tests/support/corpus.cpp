// Access to the shared parser-test corpus for tests.
#include "support/corpus.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace guestprep::testing {

std::optional<std::filesystem::path> corpusDir() {
  if (const char* env = std::getenv("GUESTPREP_CORPUS"); env && *env) {
    if (std::filesystem::is_directory(env)) return std::filesystem::path(env);
    return std::nullopt;
  }
  std::filesystem::path p(GUESTPREP_CORPUS_DEFAULT);
  if (std::filesystem::is_directory(p)) return p;
  return std::nullopt;
}

std::vector<std::filesystem::path> corpusFiles(const std::string& category) {
  std::vector<std::filesystem::path> out;
  auto root = corpusDir();
  if (!root) return out;
  std::filesystem::path dir = *root / category;
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != "PROVENANCE.md") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string readTestFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path fixturesDir() { return GUESTPREP_FIXTURES_DIR; }

}  // namespace guestprep::testing

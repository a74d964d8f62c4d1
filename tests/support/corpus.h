// Access to the shared parser-test corpus (../shared/corpus or $GUESTPREP_CORPUS) for tests.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace guestprep::testing {

/// The corpus root, or nothing when it is absent.
std::optional<std::filesystem::path> corpusDir();

/// Every data file under corpus/<category> (PROVENANCE.md excluded), sorted.
std::vector<std::filesystem::path> corpusFiles(const std::string& category);

/// Reads a whole file in binary mode; fails the test when it cannot.
std::string readTestFile(const std::filesystem::path& path);

/// The project's own fixtures directory (tests/fixtures).
std::filesystem::path fixturesDir();

}  // namespace guestprep::testing

/// Skips the current test with a message when the corpus is absent.
#define GUESTPREP_REQUIRE_CORPUS()                                                            \
  do {                                                                                        \
    if (!::guestprep::testing::corpusDir()) {                                                 \
      GTEST_SKIP() << "corpus not found: set GUESTPREP_CORPUS or check out ../shared/corpus"; \
    }                                                                                         \
  } while (0)

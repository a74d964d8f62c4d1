#include "support/suite_setup.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <exception>

namespace guestprep::testing {

std::string guardedSetUp(const std::function<void()>& body) {
  std::string error;
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    try {
      body();
    } catch (const std::exception& e) {
      error = std::string("exception: ") + e.what() + "\n";
    }
  }
  for (int i = 0; i < results.size(); ++i) {
    const ::testing::TestPartResult& r = results.GetTestPartResult(i);
    if (!r.failed()) continue;
    error += std::string(r.file_name() ? r.file_name() : "?") + ":" +
             std::to_string(r.line_number()) + ": " + r.message() + "\n";
  }
  return error;
}

}  // namespace guestprep::testing

// guardedSetUp: a failing suite set-up must come back as text (for each test to fail with), not
// reach gtest, which would skip the suite's tests and let ctest count them as passed.
#include <gtest/gtest.h>

#include <stdexcept>

#include "support/suite_setup.h"

namespace guestprep::testing {
namespace {

TEST(GuardedSetUp, NothingFailedGivesNothing) {
  EXPECT_EQ(guardedSetUp([] { EXPECT_EQ(1, 1); }), "");
}

TEST(GuardedSetUp, FailuresAndExceptionsAreCapturedNotReported) {
  std::string error = guardedSetUp([] {
    EXPECT_EQ(1, 2) << "first";
    ADD_FAILURE() << "second";
  });
  EXPECT_NE(error.find("first"), std::string::npos) << error;
  EXPECT_NE(error.find("second"), std::string::npos) << error;
  EXPECT_NE(error.find("suite_setup_test.cpp:"), std::string::npos) << error;

  error = guardedSetUp([] {
    ASSERT_TRUE(false) << "fatal";
    ADD_FAILURE() << "not reached";
  });
  EXPECT_NE(error.find("fatal"), std::string::npos) << error;
  EXPECT_EQ(error.find("not reached"), std::string::npos) << error;

  error = guardedSetUp([] { throw std::runtime_error("cannot create symlink"); });
  EXPECT_EQ(error, "exception: cannot create symlink\n");
  // None of the failures above reached this test's result.
  EXPECT_FALSE(HasFailure());
}

}  // namespace
}  // namespace guestprep::testing

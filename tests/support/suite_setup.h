// Set-up of a test suite that must fail loudly. gtest skips every test of a suite whose
// SetUpTestSuite reported a failure or threw, and ctest counts skipped tests as not failed: a
// broken set-up (a tool that failed in the chroot, a file the package no longer ships) would pass
// CI silently. guardedSetUp() keeps the failures out of gtest and hands them back as text, which
// each test's SetUp() then turns into a failure of its own.
#pragma once

#include <functional>
#include <string>

namespace guestprep::testing {

/// Runs `body` with gtest's failures intercepted; returns what failed (file:line: message per
/// failure, or the exception), "" when nothing did.
std::string guardedSetUp(const std::function<void()>& body);

}  // namespace guestprep::testing

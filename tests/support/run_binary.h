// Runs the built guestprep binary for integration tests and parses its JSON output.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/host.h"

namespace guestprep::testing {

/// Runs `guestprep ARGS...` (the binary built with the tests) with a generous timeout, in the
/// clean environment of os_linux::runCommand plus GUESTPREP_CACHE_DIR=testCacheDir().
CommandResult runGuestprep(const std::vector<std::string>& args);

/// The result cache directory of the guestprep the tests run: $GUESTPREP_CACHE_DIR (ctest sets
/// it to the build tree), else one under the test temporary directory; never the machine's
/// /var/cache/guestprep.
std::string testCacheDir();

/// Runs an audit and returns the parsed JSON report; fails the test on unparsable output.
nlohmann::json auditJson(const std::vector<std::string>& extra_args, int* exit_code = nullptr);

/// The finding of a requirement in a JSON report, or null.
nlohmann::json findingFor(const nlohmann::json& report, const std::string& requirement);

/// Validates a JSON document against docs/report-schema.json with python3-jsonschema; returns
/// the validator's complaint, or "" when valid. "SKIP: ..." when the validator is not installed.
std::string validateReportSchema(const std::string& json_text);

/// tests/fixtures/policies/network-only.yaml: the network rules of the default policy alone.
std::string networkPolicy();

/// The fixture roots directory (tests/fixtures/roots).
std::string fixtureRoot(const std::string& name);

}  // namespace guestprep::testing

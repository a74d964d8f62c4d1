// Fuzz target for parsePolicy (policy YAML, validated with file:line:col messages).
#include <set>

#include "fuzz_util.h"
#include "parsers/text.h"
#include "policy/policy.h"

namespace gf = guestprep::fuzz;

namespace {

// Every message line is "origin[:line:col]: message" with line and column inside the input.
void checkErrorMessage(const std::string& message, const std::string& origin, int lines) {
  gf::check(!message.empty(), "a failure without a message");
  for (const std::string& line : guestprep::os_linux::split(message, '\n')) {
    gf::check(line.starts_with(origin + ":"), "an error line does not start with the origin");
    std::string_view rest = std::string_view(line).substr(origin.size() + 1);
    if (rest.empty() || rest.front() < '0' || rest.front() > '9') continue;
    int number = 0;
    std::size_t i = 0;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && number < 1'000'000) {
      number = number * 10 + (rest[i++] - '0');
    }
    gf::check(number >= 1 && number <= lines, "an error line number outside the input");
    gf::check(i < rest.size() && rest[i] == ':', "an error line number without a column");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string origin = "fuzz-policy.yaml";
  std::string_view text = gf::inputText(data, size);
  int lines = gf::yamlLineCount(text);
  // parsePolicy documents no exception: every failure is a Result error.
  guestprep::Result<guestprep::Policy> policy = guestprep::parsePolicy(text, origin);
  if (!policy) {
    gf::check(policy.error().code == guestprep::ErrorCode::kInvalidInput,
              "a bad policy is not kInvalidInput");
    checkErrorMessage(policy.error().message, origin, lines);
    return 0;
  }
  gf::check(policy->origin == origin, "policy without its origin");
  gf::check(policy->platform == "linux" || policy->platform == "windows", "unknown platform");
  std::set<std::string> ids;
  for (const guestprep::PolicyRule& r : policy->rules) {
    gf::check(r.rule_type != nullptr, "an accepted rule without a rule type");
    gf::check(r.severity == "fail" || r.severity == "warn", "an accepted rule with bad severity");
    gf::check(ids.insert(r.id).second, "an accepted policy with duplicate rule ids");
    gf::check(r.line >= 1 && r.line <= lines, "rule line outside the input");
  }
  return 0;
}

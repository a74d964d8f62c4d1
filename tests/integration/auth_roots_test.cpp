// The auth family (L-PASSWD, L-SHADOW) on the fixture roots, through the built binary.
#include <gtest/gtest.h>

#include "support/run_binary.h"

namespace guestprep::testing {
namespace {

TEST(AuthRoots, ExpectedStatusPerRoot) {
  struct Case {
    const char* root;
    const char* passwd;
    const char* shadow;
  };
  const Case cases[] = {
      {"rhel6", "fail", "pass"},  // pam_cracklib minlen=12 ucredit=-2
      {"rhel7", "pass", "pass"},  // pam_pwquality defaults
  };
  for (const Case& c : cases) {
    nlohmann::json report = auditJson({"--root", fixtureRoot(c.root)});
    nlohmann::json p = findingFor(report, "L-PASSWD");
    nlohmann::json s = findingFor(report, "L-SHADOW");
    ASSERT_FALSE(p.is_null()) << c.root;
    EXPECT_EQ(p["status"], c.passwd) << c.root << ": " << p.dump(2);
    EXPECT_EQ(s["status"], c.shadow) << c.root << ": " << s.dump(2);
  }
  nlohmann::json rhel6 = findingFor(auditJson({"--root", fixtureRoot("rhel6")}), "L-PASSWD");
  EXPECT_NE(rhel6["message"].get<std::string>().find("pam_cracklib"), std::string::npos);
  EXPECT_EQ(rhel6["evidence"][0]["source"], "/etc/pam.d/system-auth");
  EXPECT_EQ(rhel6["evidence"][0]["line"], 14);
}

}  // namespace
}  // namespace guestprep::testing

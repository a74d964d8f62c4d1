// The live machine audited read-only: every probe runs for real and the facts are well formed.
#include <gtest/gtest.h>

#include "facts/facts.h"
#include "host/posix_fs.h"
#include "support/run_binary.h"

namespace guestprep::testing {
namespace {

TEST(LiveMachine, FactsAreWellFormed) {
  CommandResult r = runGuestprep({"facts"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Facts f = factsFromJson(nlohmann::json::parse(r.out));
  EXPECT_TRUE(f.runtime);
  EXPECT_EQ(f.host, "live system");
  EXPECT_FALSE(f.os.id.empty());
  auto uname = os_linux::runCommand({"uname", "-r"}, std::chrono::seconds(10));
  ASSERT_TRUE(uname);
  EXPECT_EQ(f.os.kernel + "\n", uname->out);
  ASSERT_TRUE(f.network.runtime_nics.ok()) << f.network.runtime_nics.error;
  bool lo = false;
  for (const auto& nic : *f.network.runtime_nics.value) {
    EXPECT_FALSE(nic.name.empty());
    if (nic.name == "lo") {
      lo = true;
      EXPECT_FALSE(nic.physical);
    }
  }
  EXPECT_TRUE(lo) << "every Linux system has lo";
  ASSERT_TRUE(f.network.runtime_ipv6.ok()) << f.network.runtime_ipv6.error;
  for (const auto& a : *f.network.runtime_ipv6.value) {
    EXPECT_FALSE(a.ifname.empty());
    EXPECT_NE(a.address.find(':'), std::string::npos) << a.address;
    EXPECT_TRUE(a.prefix_len >= 0 && a.prefix_len <= 128);
  }
  ASSERT_TRUE(f.network.runtime_cmdline.ok()) << f.network.runtime_cmdline.error;
  EXPECT_FALSE(f.network.runtime_cmdline.value->args.empty());
  for (const auto& c : f.network.configs) {
    EXPECT_FALSE(c.stack.empty());
    EXPECT_EQ(c.source.file.front(), '/') << c.source.file;
  }
}

TEST(LiveMachine, AuditRunsAndItsReportMatchesTheSchema) {
  int exit_code = -1;
  nlohmann::json report = auditJson({}, &exit_code);
  EXPECT_TRUE(exit_code == 0 || exit_code == 1) << exit_code;
  EXPECT_EQ(report["verdict"]["ready"], exit_code == 0);
  for (const char* req : {"L-NIC", "L-IPV6", "L-DHCP", "X-NETPIN"}) {
    EXPECT_FALSE(findingFor(report, req).is_null()) << req;
  }
  for (const auto& f : report["findings"]) {
    EXPECT_EQ(f["message"].get<std::string>().find("could not run"), std::string::npos)
        << "a check crashed on the live machine: " << f.dump(2);
  }
  std::string complaint = validateReportSchema(report.dump());
  if (complaint.starts_with("SKIP")) GTEST_SKIP() << complaint;
  EXPECT_EQ(complaint, "");
}

}  // namespace
}  // namespace guestprep::testing

// The network fixers' whole cycle through the built binary on copies of the fixture roots: the
// audit fails, `guestprep fix --only ID --yes` reports "verified", the audit passes, a second fix
// plans nothing, and `guestprep rollback` leaves the copy byte for byte (and metadata) as it was.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "support/run_binary.h"
#include "support/tree_snapshot.h"

namespace guestprep::testing {
namespace {

nlohmann::json parse(const CommandResult& r) {
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON (" << e.what() << "), exit " << r.exit_code << "\nstdout: " << r.out
                  << "\nstderr: " << r.err;
    return nlohmann::json::object();
  }
}

std::string readText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The tree after rollback, without the directories the journal itself needed: on a root with no
/// /var (coreos) the journal creates var/ and var/lib/ for var/lib/guestprep, and keeps them with
/// the record of the run.
TreeSnapshot afterRollback(const TreeSnapshot& before, const std::filesystem::path& root) {
  TreeSnapshot after = snapshotTree(root);
  for (const char* dir : {"var", "var/lib"}) {
    auto it = after.find(dir);
    if (it != after.end() && !before.contains(dir) && it->second.starts_with("dir ")) {
      after.erase(it);
    }
  }
  return after;
}

struct Case {
  std::string root;
  std::string id;
  std::string changed_file;  ///< a file the fix must change (relative to the root)
  std::string expect_text;   ///< text the changed file must then contain
};

class FixNetworkCycle : public ::testing::TestWithParam<Case> {};

TEST_P(FixNetworkCycle, FixVerifyAgainRollback) {
  const Case& c = GetParam();
  TempCopy copy(fixtureRoot(c.root));
  const TreeSnapshot before = snapshotTree(copy.path());

  nlohmann::json audit = auditJson({"--root", copy.str()});
  nlohmann::json finding = findingFor(audit, c.id);
  ASSERT_FALSE(finding.is_null()) << c.id;
  ASSERT_NE(finding.value("status", ""), "pass") << c.id << " already passes on " << c.root;

  CommandResult fix =
      runGuestprep({"fix", "--root", copy.str(), "--only", c.id, "--yes", "--format", "json"});
  nlohmann::json report = parse(fix);
  EXPECT_EQ(fix.exit_code, 0) << fix.out << fix.err;
  ASSERT_TRUE(report.contains("result")) << fix.out;
  bool verified = false;
  for (const auto& r : report["result"]["results"]) {
    if (r.value("requirement", "") == c.id) verified = r.value("outcome", "") == "verified";
  }
  EXPECT_TRUE(verified) << report["result"].dump(2);
  EXPECT_NE(readText(copy.path() / c.changed_file).find(c.expect_text), std::string::npos)
      << c.changed_file << ":\n"
      << readText(copy.path() / c.changed_file);

  audit = auditJson({"--root", copy.str()});
  EXPECT_EQ(findingFor(audit, c.id).value("status", ""), "pass") << findingFor(audit, c.id).dump(2);

  CommandResult again =
      runGuestprep({"fix", "--root", copy.str(), "--only", c.id, "--dry-run", "--format", "json"});
  nlohmann::json plan = parse(again);
  EXPECT_EQ(again.exit_code, 0);
  for (const auto& item : plan["plan"]["items"]) {
    EXPECT_NE(item.value("requirement", ""), c.id) << "a second fix plans again: " << item.dump(2);
  }

  CommandResult rb = runGuestprep({"rollback", "--root", copy.str()});
  EXPECT_EQ(rb.exit_code, 0) << rb.out << rb.err;
  EXPECT_EQ(diffSnapshots(before, afterRollback(before, copy.path())), "");
}

INSTANTIATE_TEST_SUITE_P(
    Roots, FixNetworkCycle,
    ::testing::Values(
        Case{"rhel6", "L-NIC", "etc/sysconfig/network-scripts/ifcfg-eth1", "ONBOOT=no"},
        Case{"sles12", "L-NIC", "etc/sysconfig/network/ifcfg-eth1", "STARTMODE='off'"},
        Case{"rhel6", "L-DHCP", "etc/udev/rules.d/70-persistent-net.rules",
             ": L-DHCP: the name was bound to the old NIC's MAC 00:50:56:a1:2b:3c: SUBSYSTEM"},
        Case{"ubuntu14", "L-DHCP", "etc/network/interfaces", "iface eth0 inet dhcp"},
        Case{"debian7", "X-NETPIN", "etc/udev/rules.d/70-persistent-net.rules",
             ": X-NETPIN: the name was bound to the old NIC's MAC"},
        Case{"rhel6", "X-NETPIN", "etc/sysconfig/network-scripts/ifcfg-eth1",
             ": X-NETPIN: the new instance's NIC has another MAC: HWADDR="},
        Case{"ubuntu14", "L-IPV6", "etc/network/interfaces",
             ": L-IPV6: IPv6 is not supported by the target cloud: iface eth0 inet6 static"},
        Case{"rhel6", "L-IPV6", "etc/sysctl.conf", "net.ipv6.conf.all.disable_ipv6 = 1"},
        Case{"coreos", "L-IPV6", "etc/systemd/network/zz-default.network", "DHCP=ipv4"}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      std::string id = param_info.param.id;
      for (char& ch : id) {
        if (ch == '-') ch = '_';
      }
      return param_info.param.root + "_" + id;
    });

// One fix run of every network requirement on a root that fails them all: the fixers see each
// other's edits (L-DHCP and X-NETPIN both remove MAC bindings, without editing twice).
TEST(FixNetwork, AllNetworkFixesTogetherOnRhel6) {
  TempCopy copy(fixtureRoot("rhel6"));
  const TreeSnapshot before = snapshotTree(copy.path());
  CommandResult fix = runGuestprep({"fix", "--root", copy.str(), "--only",
                                    "L-NIC,L-IPV6,L-DHCP,X-NETPIN", "--yes", "--format", "json"});
  nlohmann::json report = parse(fix);
  EXPECT_EQ(fix.exit_code, 0) << fix.out << fix.err;
  int verified = 0;
  for (const auto& r : report["result"]["results"]) {
    EXPECT_EQ(r.value("outcome", ""), "verified") << r.dump(2);
    if (r.value("outcome", "") == "verified") ++verified;
  }
  EXPECT_EQ(verified, 4);
  nlohmann::json audit = auditJson({"--root", copy.str()});
  for (const char* id : {"L-NIC", "L-IPV6", "L-DHCP", "X-NETPIN"}) {
    EXPECT_EQ(findingFor(audit, id).value("status", ""), "pass") << id;
  }
  EXPECT_EQ(runGuestprep({"rollback", "--root", copy.str()}).exit_code, 0);
  EXPECT_EQ(diffSnapshots(before, afterRollback(before, copy.path())), "");
}

// The dry run shows the diff and changes nothing.
TEST(FixNetwork, DryRunShowsTheDiffAndTouchesNothing) {
  TempCopy copy(fixtureRoot("ubuntu14"));
  const TreeSnapshot before = snapshotTree(copy.path());
  CommandResult r = runGuestprep({"fix", "--root", copy.str(), "--only", "L-DHCP", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("+iface eth0 inet dhcp"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--- a/etc/network/interfaces"), std::string::npos) << r.out;
  EXPECT_EQ(diffSnapshots(before, snapshotTree(copy.path(), "")), "");
}

}  // namespace
}  // namespace guestprep::testing

// Service fixers (L-FIREWALL, L-SSH, L-QEMUGA, X-AGENTS, L-CLOUDINIT) on literal trees: facts
// from the real probes, the built-in policy, buildPlan with the platform's fixers; the exact
// actions and new contents, then the plan applied through the journal and planned again (empty).
#include <gtest/gtest.h>

#include <algorithm>

#include "audit/audit.h"
#include "fix/fix.h"
#include "fix/journal.h"
#include "fixers/edit.h"
#include "fixers/service_boot.h"
#include "policy/policy.h"
#include "support/test_host.h"

namespace guestprep::os_linux {
namespace {

using testing::TestHost;

struct Planned {
  Plan plan;
  std::vector<Finding> findings;
  Facts facts;
};

Planned planFor(const TestHost& host, const std::string& requirement, FixOptions options = {}) {
  auto policy = builtinPolicy("aliyun-ecs-linux");
  EXPECT_TRUE(policy.has_value());
  Planned p;
  p.facts = collectFacts(host, collectOptionsFor(*policy));
  p.findings = evaluatePolicy(*policy, p.facts);
  options.only = {requirement};
  p.plan = buildPlan(*policy, p.findings, p.facts, host, options, platformFixers());
  return p;
}

const Finding* findingOf(const std::vector<Finding>& findings, const std::string& req) {
  for (const auto& f : findings) {
    if (f.requirement == req) return &f;
  }
  return nullptr;
}

/// Applies every action of the plan to the test host's tree through the journal.
void applyToTree(const TestHost& host, const Plan& plan) {
  auto mh = makeRootMutableHost(host.hostPath("/").string());
  ASSERT_TRUE(mh.has_value()) << mh.error().message;
  auto journal = Journal::begin(**mh, "unit test");
  ASSERT_TRUE(journal.has_value()) << journal.error().message;
  for (const auto& item : plan.items) {
    for (const auto& a : item.actions) {
      auto r = journal->apply(a, item.requirement);
      ASSERT_TRUE(r.has_value()) << r.error().message;
    }
  }
  ASSERT_TRUE(journal->finish(true).has_value());
}

/// The requirement passes after the plan is applied, and a second plan has no action for it.
void expectFixedAndIdempotent(const TestHost& host, const Plan& plan,
                              const std::string& requirement) {
  applyToTree(host, plan);
  Planned again = planFor(host, requirement);
  const Finding* f = findingOf(again.findings, requirement);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, Status::kPass) << f->message;
  EXPECT_EQ(again.plan.actionCount(), 0u) << renderPlanText(again.plan, host);
}

std::string kindsAndPaths(const FixItem& item) {
  std::string out;
  for (const auto& a : item.actions) {
    out += toString(a.kind) + " " + (a.kind == ActionKind::kRunCommand ? a.argv.front() : a.path);
    if (a.kind == ActionKind::kSymlink) out += " -> " + a.target;
    out += "\n";
  }
  return out;
}

const Action* writeOf(const FixItem& item, const std::string& path) {
  for (const auto& a : item.actions) {
    if (a.kind == ActionKind::kWriteFile && a.path == path) return &a;
  }
  return nullptr;
}

/// Replaces the date-stamped marker by a fixed word so expected texts can be literal.
std::string unmarked(std::string text) {
  const std::string marker = editMarker();
  for (std::size_t at; (at = text.find(marker)) != std::string::npos;) {
    text.replace(at, marker.size(), "MARK");
  }
  return text;
}

/// A systemd machine's skeleton: /sbin/init is systemd's, sshd installed and enabled.
void systemdBase(TestHost& h) {
  h.addFile("/lib/systemd/systemd", "", 0755);
  h.addSymlink("/sbin/init", "/lib/systemd/systemd");
  h.addFile("/usr/sbin/sshd", "", 0755);
  h.addFile("/etc/ssh/sshd_config", "PermitRootLogin yes\n");
  h.addFile("/lib/systemd/system/ssh.service",
            "[Unit]\nDescription=OpenBSD Secure Shell server\n[Service]\nExecStart=/usr/sbin/sshd "
            "-D\n[Install]\nWantedBy=multi-user.target\nAlias=sshd.service\n");
  h.addSymlink("/etc/systemd/system/multi-user.target.wants/ssh.service",
               "/lib/systemd/system/ssh.service");
  h.addSymlink("/etc/systemd/system/sshd.service", "/lib/systemd/system/ssh.service");
}

/// A RHEL 6 skeleton: SysV init, rc.d layout with the /etc/rcN.d links.
void rhel6Base(TestHost& h) {
  h.addFile("/sbin/init", "", 0755);
  h.addFile("/etc/redhat-release", "CentOS release 6.10 (Final)\n");
  h.addSymlink("/etc/init.d", "rc.d/init.d");
  for (int l = 0; l <= 6; ++l) {
    h.addDir("/etc/rc.d/rc" + std::to_string(l) + ".d");
    h.addSymlink("/etc/rc" + std::to_string(l) + ".d", "rc.d/rc" + std::to_string(l) + ".d");
  }
  h.addFile("/usr/sbin/sshd", "", 0755);
  h.addFile("/etc/ssh/sshd_config", "Protocol 2\n");
  h.addFile("/etc/rc.d/init.d/sshd", "#!/bin/sh\n# chkconfig: 2345 55 25\n", 0755);
  for (int l : {2, 3, 4, 5}) {
    h.addSymlink("/etc/rc.d/rc" + std::to_string(l) + ".d/S55sshd", "../init.d/sshd");
  }
}

// --- the parsers of the helper ------------------------------------------------------------------

TEST(ServiceBootParsers, UnitInstallSection) {
  UnitInstall i = parseUnitInstall(
      "[Unit]\nWantedBy=not-here.target\n[Install]\n# comment\nWantedBy=multi-user.target "
      "graphical.target\nWantedBy=multi-user.target\nAlias=dbus-org.fedoraproject.FirewallD1."
      "service\nRequiredBy=a.target \\\n b.target\nAlso=x.socket\nAlias=../../etc/passwd\n");
  EXPECT_EQ(i.wanted_by, (std::vector<std::string>{"multi-user.target", "graphical.target"}));
  EXPECT_EQ(i.required_by, (std::vector<std::string>{"a.target", "b.target"}));
  EXPECT_EQ(i.alias, std::vector<std::string>{"dbus-org.fedoraproject.FirewallD1.service"})
      << "a name with a slash would put a link outside its directory";
  EXPECT_EQ(i.also, std::vector<std::string>{"x.socket"});
  EXPECT_TRUE(parseUnitInstall("[Install]\nWantedBy=a.target\nWantedBy=\n").empty())
      << "an empty assignment resets the list";
  EXPECT_TRUE(parseUnitInstall("[Service]\nExecStart=/bin/true\n").empty());
}

TEST(ServiceBootParsers, SysvHeaders) {
  SysvHeader h = parseSysvHeader("#!/bin/sh\n# chkconfig: 2345 08 92\n# description: x\n");
  EXPECT_EQ(h.chkconfig_levels, "2345");
  EXPECT_EQ(h.start, 8);
  EXPECT_EQ(h.stop, 92);
  SysvHeader lsb = parseSysvHeader(
      "### BEGIN INIT INFO\n# Provides: ssh\n# Default-Start:     2 3 4 5\n"
      "# Default-Stop:\n### END INIT INFO\n");
  EXPECT_EQ(lsb.chkconfig_levels, "");
  EXPECT_EQ(lsb.default_start, (std::vector<std::string>{"2", "3", "4", "5"}));
  EXPECT_EQ(parseSysvHeader("# chkconfig: 2x45 10 90\n").start, -1) << "bad levels are ignored";
}

// --- L-FIREWALL ---------------------------------------------------------------------------------

TEST(FirewallFixer, FirewalldLinksAndAliasRemoved) {
  TestHost h;
  h.setRuntime(false);
  systemdBase(h);
  h.addFile("/usr/lib/systemd/system/firewalld.service",
            "[Service]\nExecStart=/usr/sbin/firewalld\n[Install]\nWantedBy=multi-user.target\n"
            "Alias=dbus-org.fedoraproject.FirewallD1.service\n");
  h.addSymlink("/etc/systemd/system/multi-user.target.wants/firewalld.service",
               "/usr/lib/systemd/system/firewalld.service");
  h.addSymlink("/etc/systemd/system/dbus-org.fedoraproject.FirewallD1.service",
               "/usr/lib/systemd/system/firewalld.service");
  h.addFile("/usr/lib/firewalld/zones/public.xml", "<zone><service name=\"dhcp\"/></zone>\n");
  Planned p = planFor(h, "L-FIREWALL");
  ASSERT_EQ(p.plan.items.size(), 1u) << renderPlanText(p.plan, h);
  EXPECT_EQ(kindsAndPaths(p.plan.items[0]),
            "remove /etc/systemd/system/multi-user.target.wants/firewalld.service\n"
            "remove /etc/systemd/system/dbus-org.fedoraproject.FirewallD1.service\n");
  EXPECT_NE(p.plan.items[0].summary.find("firewalld"), std::string::npos);
  expectFixedAndIdempotent(h, p.plan, "L-FIREWALL");
}

TEST(FirewallFixer, VendorLinkIsMasked) {
  TestHost h;
  h.setRuntime(false);
  systemdBase(h);
  h.addFile("/usr/lib/systemd/system/nftables.service", "[Install]\nWantedBy=sysinit.target\n");
  h.addSymlink("/usr/lib/systemd/system/sysinit.target.wants/nftables.service",
               "../nftables.service");
  h.addFile("/etc/nftables.conf",
            "table inet filter {\n chain input {\n  type filter hook input "
            "priority 0; policy drop;\n }\n}\n");
  Planned p = planFor(h, "L-FIREWALL");
  ASSERT_EQ(p.plan.items.size(), 1u);
  EXPECT_EQ(kindsAndPaths(p.plan.items[0]),
            "symlink /etc/systemd/system/nftables.service -> /dev/null\n")
      << "a link under /usr/lib belongs to the package: masking is the way to stop it";
  expectFixedAndIdempotent(h, p.plan, "L-FIREWALL");
}

TEST(FirewallFixer, RhelIptablesLinksRenamedAsChkconfigOff) {
  TestHost h;
  h.setRuntime(false);
  rhel6Base(h);
  h.addFile("/etc/rc.d/init.d/iptables", "#!/bin/sh\n# chkconfig: 2345 08 92\n", 0755);
  h.addFile("/etc/rc.d/init.d/ip6tables", "#!/bin/sh\n# chkconfig: 2345 08 92\n", 0755);
  h.addFile("/etc/sysconfig/iptables", "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n");
  for (int l : {3, 5}) {
    std::string d = "/etc/rc.d/rc" + std::to_string(l) + ".d/";
    h.addSymlink(d + "S08iptables", "../init.d/iptables");
    h.addSymlink(d + "S08ip6tables", "../init.d/ip6tables");
    h.addSymlink(d + "K92other", "../init.d/other");
  }
  Planned p = planFor(h, "L-FIREWALL");
  ASSERT_EQ(p.plan.items.size(), 1u);
  EXPECT_EQ(kindsAndPaths(p.plan.items[0]),
            "remove /etc/rc.d/rc3.d/S08iptables\n"
            "symlink /etc/rc.d/rc3.d/K92iptables -> ../init.d/iptables\n"
            "remove /etc/rc.d/rc5.d/S08iptables\n"
            "symlink /etc/rc.d/rc5.d/K92iptables -> ../init.d/iptables\n"
            "remove /etc/rc.d/rc3.d/S08ip6tables\n"
            "symlink /etc/rc.d/rc3.d/K92ip6tables -> ../init.d/ip6tables\n"
            "remove /etc/rc.d/rc5.d/S08ip6tables\n"
            "symlink /etc/rc.d/rc5.d/K92ip6tables -> ../init.d/ip6tables\n")
      << "each rc directory once, though /etc/rc3.d links to it";
  expectFixedAndIdempotent(h, p.plan, "L-FIREWALL");
}

TEST(FirewallFixer, DebianLegacyLinksGetHundredMinus) {
  TestHost h;
  h.setRuntime(false);
  h.addFile("/sbin/init", "", 0755);
  h.addFile("/etc/debian_version", "7.11\n");
  h.addFile("/etc/init.d/iptables-persistent",
            "#!/bin/sh\n### BEGIN INIT INFO\n# Default-Start: 2 3 4 5\n### END INIT INFO\n", 0755);
  h.addFile("/etc/iptables/rules.v4", "*filter\n:INPUT DROP [0:0]\nCOMMIT\n");
  h.addSymlink("/etc/rc2.d/S01iptables-persistent", "../init.d/iptables-persistent");
  h.addSymlink("/etc/rcS.d/S05iptables-persistent", "../init.d/iptables-persistent");
  Planned p = planFor(h, "L-FIREWALL");
  ASSERT_EQ(p.plan.items.size(), 1u) << renderPlanText(p.plan, h);
  EXPECT_EQ(kindsAndPaths(p.plan.items[0]),
            "remove /etc/rc2.d/S01iptables-persistent\n"
            "symlink /etc/rc2.d/K99iptables-persistent -> ../init.d/iptables-persistent\n"
            "remove /etc/rcS.d/S05iptables-persistent\n"
            "symlink /etc/rcS.d/K95iptables-persistent -> ../init.d/iptables-persistent\n");
  expectFixedAndIdempotent(h, p.plan, "L-FIREWALL");
}

TEST(FirewallFixer, SuseBootScriptsToo) {
  TestHost h;
  h.setRuntime(false);
  h.addFile("/sbin/init", "", 0755);
  h.addFile("/etc/SuSE-release", "SUSE Linux Enterprise Server 11 (x86_64)\n");
  h.addFile("/etc/init.d/SuSEfirewall2_setup", "#!/bin/sh\n", 0755);
  h.addFile("/etc/init.d/SuSEfirewall2_init", "#!/bin/sh\n", 0755);
  h.addSymlink("/etc/init.d/rc3.d/S12SuSEfirewall2_setup", "../SuSEfirewall2_setup");
  h.addSymlink("/etc/init.d/boot.d/S01SuSEfirewall2_init", "../SuSEfirewall2_init");
  h.addFile("/etc/sysconfig/SuSEfirewall2", "FW_SERVICES_EXT_TCP=\"\"\n");
  Planned p = planFor(h, "L-FIREWALL");
  ASSERT_EQ(p.plan.items.size(), 1u) << renderPlanText(p.plan, h);
  EXPECT_EQ(kindsAndPaths(p.plan.items[0]),
            "remove /etc/init.d/rc3.d/S12SuSEfirewall2_setup\n"
            "symlink /etc/init.d/rc3.d/K88SuSEfirewall2_setup -> ../SuSEfirewall2_setup\n"
            "remove /etc/init.d/boot.d/S01SuSEfirewall2_init\n"
            "symlink /etc/init.d/boot.d/K99SuSEfirewall2_init -> ../SuSEfirewall2_init\n");
  expectFixedAndIdempotent(h, p.plan, "L-FIREWALL");
}

TEST(FirewallFixer, UfwEnabledSetToNoKeepingQuotesAndCrlf) {
  TestHost h;
  h.setRuntime(false);
  systemdBase(h);
  h.addFile("/etc/ufw/ufw.conf", "# /etc/ufw/ufw.conf\r\nENABLED=\"yes\"\r\nLOGLEVEL=low");
  Planned p = planFor(h, "L-FIREWALL");
  ASSERT_EQ(p.plan.items.size(), 1u);
  const Action* w = writeOf(p.plan.items[0], "/etc/ufw/ufw.conf");
  ASSERT_NE(w, nullptr) << kindsAndPaths(p.plan.items[0]);
  EXPECT_EQ(w->content, "# /etc/ufw/ufw.conf\r\nENABLED=\"no\"\r\nLOGLEVEL=low");
  expectFixedAndIdempotent(h, p.plan, "L-FIREWALL");
}

TEST(FirewallFixer, LiveStopsOnlyWhenSshdListensOn22) {
  TestHost h;  // a running system: /proc/net/tcp is read
  systemdBase(h);
  h.addDir("/run/systemd/system");  // systemd runs now
  h.addFile("/usr/lib/systemd/system/firewalld.service", "[Install]\nWantedBy=multi-user.target\n");
  h.addSymlink("/etc/systemd/system/multi-user.target.wants/firewalld.service",
               "/usr/lib/systemd/system/firewalld.service");
  const std::string header =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
      "timeout inode\n";
  h.addFile("/proc/net/tcp",
            header +
                "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 "
                "00000000     0        0 1 1 0000000000000000 100 0 0 10 0\n");
  FixOptions live;
  live.live = true;
  Planned p = planFor(h, "L-FIREWALL", live);
  ASSERT_EQ(p.plan.items.size(), 1u);
  const auto& actions = p.plan.items[0].actions;
  ASSERT_EQ(actions.size(), 2u) << kindsAndPaths(p.plan.items[0]);
  EXPECT_EQ(actions[1].argv, (std::vector<std::string>{"systemctl", "stop", "firewalld.service"}));
  EXPECT_EQ(actions[1].undo_argv,
            (std::vector<std::string>{"systemctl", "start", "firewalld.service"}));

  h.addFile("/proc/net/tcp", header);  // nothing listens on 22 now
  Planned q = planFor(h, "L-FIREWALL", live);
  ASSERT_EQ(q.plan.items.size(), 1u);
  EXPECT_EQ(kindsAndPaths(q.plan.items[0]),
            "remove /etc/systemd/system/multi-user.target.wants/firewalld.service\n");
  ASSERT_FALSE(q.plan.items[0].notes.empty());
  EXPECT_NE(q.plan.items[0].notes[0].find("sshd does not listen on port 22"), std::string::npos);

  Planned quiet = planFor(h, "L-FIREWALL");
  EXPECT_EQ(quiet.plan.items[0].actions.size(), 1u) << "without --live nothing runs";
}

// --- L-SSH --------------------------------------------------------------------------------------

TEST(SshdFixer, PortAddedAfterTheOtherOneBeforeMatch) {
  TestHost h;
  h.setRuntime(false);
  systemdBase(h);
  h.addFile("/etc/ssh/sshd_config",
            "# custom\nPort 2222\nPermitRootLogin yes\nMatch User backup\n  X11Forwarding no");
  Planned p = planFor(h, "L-SSH");
  ASSERT_EQ(p.plan.items.size(), 1u) << renderPlanText(p.plan, h);
  const Action* w = writeOf(p.plan.items[0], "/etc/ssh/sshd_config");
  ASSERT_NE(w, nullptr) << kindsAndPaths(p.plan.items[0]);
  EXPECT_EQ(unmarked(w->content),
            "# custom\nPort 2222\n# MARK: for the cloud's port 22\nPort 22\nPermitRootLogin "
            "yes\nMatch User backup\n  X11Forwarding no")
      << "the other port stays: the session running the fix may use it";
  expectFixedAndIdempotent(h, p.plan, "L-SSH");
}

TEST(SshdFixer, PortInAnIncludedFileWithCrlf) {
  TestHost h;
  h.setRuntime(false);
  systemdBase(h);
  h.addFile("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\n");
  h.addFile("/etc/ssh/sshd_config.d/10-port.conf", "Port 2200\r\n");
  Planned p = planFor(h, "L-SSH");
  ASSERT_EQ(p.plan.items.size(), 1u);
  const Action* w = writeOf(p.plan.items[0], "/etc/ssh/sshd_config.d/10-port.conf");
  ASSERT_NE(w, nullptr) << kindsAndPaths(p.plan.items[0]);
  EXPECT_EQ(unmarked(w->content), "Port 2200\r\n# MARK: for the cloud's port 22\r\nPort 22\r\n");
  EXPECT_EQ(writeOf(p.plan.items[0], "/etc/ssh/sshd_config"), nullptr);
  expectFixedAndIdempotent(h, p.plan, "L-SSH");
}

TEST(SshdFixer, SpecificListenAddressesCoveredByAnyAddress) {
  TestHost h;
  h.setRuntime(false);
  systemdBase(h);
  h.addFile("/etc/ssh/sshd_config",
            "Port 22\nListenAddress 10.0.0.5\nListenAddress 10.0.0.6:2222\nListenAddress ::1\n");
  Planned p = planFor(h, "L-SSH");
  ASSERT_EQ(p.plan.items.size(), 1u);
  const Action* w = writeOf(p.plan.items[0], "/etc/ssh/sshd_config");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(unmarked(w->content),
            "Port 22\n# MARK: covered by ListenAddress 0.0.0.0: ListenAddress 10.0.0.5\n"
            "ListenAddress 10.0.0.6:2222\nListenAddress ::1\n# MARK: for the cloud's port 22\n"
            "ListenAddress 0.0.0.0\n")
      << "10.0.0.6:2222 is not on a Port, so 0.0.0.0 does not bind it: it stays";
  expectFixedAndIdempotent(h, p.plan, "L-SSH");
}

TEST(SshdFixer, InetSixOnlyBecomesAny) {
  TestHost h;
  h.setRuntime(false);
  systemdBase(h);
  h.addFile("/etc/ssh/sshd_config", "AddressFamily inet6\nUsePAM yes\n");
  Planned p = planFor(h, "L-SSH");
  ASSERT_EQ(p.plan.items.size(), 1u);
  const Action* w = writeOf(p.plan.items[0], "/etc/ssh/sshd_config");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(unmarked(w->content),
            "# MARK: IPv4 too, for the cloud: AddressFamily inet6\n# MARK: for the cloud's port "
            "22\nAddressFamily any\nUsePAM yes\n");
  expectFixedAndIdempotent(h, p.plan, "L-SSH");
}

TEST(SshdFixer, DisabledAndMaskedUnitEnabledWithAlias) {
  TestHost h;
  h.setRuntime(false);
  h.addFile("/lib/systemd/systemd", "", 0755);
  h.addSymlink("/sbin/init", "/lib/systemd/systemd");
  h.addFile("/usr/sbin/sshd", "", 0755);
  h.addFile("/etc/ssh/sshd_config", "UsePAM yes\n");
  h.addFile("/lib/systemd/system/ssh.service",
            "[Service]\nExecStart=/usr/sbin/sshd -D\n[Install]\nWantedBy=multi-user.target\n"
            "Alias=sshd.service\n");
  h.addSymlink("/etc/systemd/system/ssh.service", "/dev/null");
  h.addDir("/etc/systemd/system");
  Planned p = planFor(h, "L-SSH");
  ASSERT_EQ(p.plan.items.size(), 1u) << renderPlanText(p.plan, h);
  EXPECT_EQ(kindsAndPaths(p.plan.items[0]),
            "remove /etc/systemd/system/ssh.service\n"
            "mkdir /etc/systemd/system/multi-user.target.wants\n"
            "symlink /etc/systemd/system/multi-user.target.wants/ssh.service -> "
            "/lib/systemd/system/ssh.service\n"
            "symlink /etc/systemd/system/sshd.service -> /lib/systemd/system/ssh.service\n");
  expectFixedAndIdempotent(h, p.plan, "L-SSH");
}

TEST(SshdFixer, RhelKLinksBackToChkconfigStart) {
  TestHost h;
  h.setRuntime(false);
  rhel6Base(h);
  for (int l : {2, 3, 4, 5}) {
    std::string d = "/etc/rc.d/rc" + std::to_string(l) + ".d/";
    ASSERT_TRUE(std::filesystem::remove(h.hostPath(d + "S55sshd")));
    h.addSymlink(d + "K25sshd", "../init.d/sshd");
  }
  Planned p = planFor(h, "L-SSH");
  ASSERT_EQ(p.plan.items.size(), 1u) << renderPlanText(p.plan, h);
  EXPECT_EQ(kindsAndPaths(p.plan.items[0]),
            "remove /etc/rc.d/rc2.d/K25sshd\nsymlink /etc/rc.d/rc2.d/S55sshd -> ../init.d/sshd\n"
            "remove /etc/rc.d/rc3.d/K25sshd\nsymlink /etc/rc.d/rc3.d/S55sshd -> ../init.d/sshd\n"
            "remove /etc/rc.d/rc4.d/K25sshd\nsymlink /etc/rc.d/rc4.d/S55sshd -> ../init.d/sshd\n"
            "remove /etc/rc.d/rc5.d/K25sshd\nsymlink /etc/rc.d/rc5.d/S55sshd -> ../init.d/sshd\n");
  expectFixedAndIdempotent(h, p.plan, "L-SSH");
}

TEST(SshdFixer, UpstartManualOverrideCommentedOut) {
  TestHost h;
  h.setRuntime(false);
  h.addFile("/sbin/init", "", 0755);
  h.addFile("/usr/sbin/sshd", "", 0755);
  h.addFile("/etc/ssh/sshd_config", "UsePAM yes\n");
  h.addFile("/etc/init/ssh.conf", "start on runlevel [2345]\nexec /usr/sbin/sshd -D\n");
  h.addFile("/etc/init/ssh.override", "manual\n");
  Planned p = planFor(h, "L-SSH");
  ASSERT_EQ(p.plan.items.size(), 1u);
  const Action* w = writeOf(p.plan.items[0], "/etc/init/ssh.override");
  ASSERT_NE(w, nullptr) << kindsAndPaths(p.plan.items[0]);
  EXPECT_EQ(unmarked(w->content), "# MARK: started at boot again: manual\n");
  expectFixedAndIdempotent(h, p.plan, "L-SSH");
}

/// sshd listens on port 2222 now (/proc/net/tcp of a running system).
void sshdListensOn2222(TestHost& h) {
  h.addFile("/proc/net/tcp",
            "  sl  local_address rem_address   st\n"
            "   0: 00000000:08AE 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0   "
            "     0 1 1 0000000000000000 100 0 0 10 0\n");
}

TEST(SshdFixer, LiveChecksThenReloadsNeverRestarts) {
  TestHost h;
  systemdBase(h);
  h.addDir("/run/systemd/system");  // systemd runs now
  h.addFile("/etc/ssh/sshd_config", "Port 2222\n");
  sshdListensOn2222(h);
  FixOptions live;
  live.live = true;
  Planned p = planFor(h, "L-SSH", live);
  ASSERT_EQ(p.plan.items.size(), 1u);
  EXPECT_EQ(kindsAndPaths(p.plan.items[0]),
            "write /etc/ssh/sshd_config\nrun /usr/sbin/sshd\nrun systemctl\n");
  EXPECT_EQ(p.plan.items[0].actions[2].argv,
            (std::vector<std::string>{"systemctl", "reload", "ssh.service"}));
  // The reload takes a moment to show: the verdict waits for it.
  EXPECT_TRUE(p.plan.items[0].settles);
  // Without --live nothing runs, and there is nothing to wait for.
  EXPECT_FALSE(planFor(h, "L-SSH").plan.items[0].settles);
}

// The next boot uses systemd but systemd does not run now (a chroot, a container started
// without it): systemctl would refuse, so the running system gets service(8).
TEST(SshdFixer, LiveUsesTheInitThatRunsNow) {
  TestHost h;
  systemdBase(h);
  h.addFile("/etc/init.d/ssh", "#!/bin/sh\n", 0755);
  h.addFile("/etc/ssh/sshd_config", "Port 2222\n");
  sshdListensOn2222(h);
  FixOptions live;
  live.live = true;
  Planned p = planFor(h, "L-SSH", live);
  ASSERT_EQ(p.plan.items.size(), 1u);
  ASSERT_EQ(p.plan.items[0].actions.size(), 3u) << kindsAndPaths(p.plan.items[0]);
  EXPECT_EQ(p.plan.items[0].actions[2].argv,
            (std::vector<std::string>{"service", "ssh", "reload"}));
}

TEST(SshdFixer, NotInstalledIsNotFixed) {
  TestHost h;
  h.setRuntime(false);
  h.addFile("/sbin/init", "", 0755);
  Planned p = planFor(h, "L-SSH");
  EXPECT_TRUE(p.plan.items.empty());
  ASSERT_EQ(p.plan.skipped.size(), 1u);
  EXPECT_NE(p.plan.skipped[0].reason.find("not installed"), std::string::npos);
}

// --- L-QEMUGA / X-AGENTS ------------------------------------------------------------------------

void qemuGa(TestHost& h) {
  systemdBase(h);
  h.addFile("/lib/systemd/system/qemu-guest-agent.service",
            "[Service]\nExecStart=/usr/sbin/qemu-ga\n[Install]\nWantedBy=multi-user.target\n");
  h.addSymlink("/etc/systemd/system/multi-user.target.wants/qemu-guest-agent.service",
               "/lib/systemd/system/qemu-guest-agent.service");
  h.addFile("/usr/bin/apt-get", "", 0755);
  h.addFile("/var/lib/dpkg/status",
            "Package: qemu-guest-agent\nStatus: install ok installed\nVersion: 1:2.11\n"
            "Architecture: amd64\n\nPackage: openssh-server\nStatus: install ok installed\n"
            "Version: 1:7.6\nArchitecture: amd64\n");
}

TEST(AgentFixer, DisabledAndMaskedWithoutPackageChanges) {
  TestHost h;
  h.setRuntime(false);
  qemuGa(h);
  Planned p = planFor(h, "L-QEMUGA");
  ASSERT_EQ(p.plan.items.size(), 1u);
  EXPECT_EQ(kindsAndPaths(p.plan.items[0]),
            "remove /etc/systemd/system/multi-user.target.wants/qemu-guest-agent.service\n"
            "symlink /etc/systemd/system/qemu-guest-agent.service -> /dev/null\n");
  ASSERT_FALSE(p.plan.items[0].notes.empty());
  EXPECT_NE(p.plan.items[0].notes.back().find("--allow-package-changes"), std::string::npos);
  applyToTree(h, p.plan);
  Planned again = planFor(h, "L-QEMUGA");
  const Finding* f = findingOf(again.findings, "L-QEMUGA");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, Status::kWarn) << "installed but not started: the policy's warning";
  EXPECT_EQ(again.plan.actionCount(), 0u);
}

TEST(AgentFixer, RemovedWithPackageChanges) {
  TestHost h;
  h.setRuntime(false);
  qemuGa(h);
  FixOptions allow;
  allow.allow_package_changes = true;
  Planned p = planFor(h, "L-QEMUGA", allow);
  ASSERT_EQ(p.plan.items.size(), 1u);
  const auto& item = p.plan.items[0];
  EXPECT_EQ(kindsAndPaths(item),
            "remove /etc/systemd/system/multi-user.target.wants/qemu-guest-agent.service\n"
            "run env\n")
      << "no mask when the package goes";
  EXPECT_EQ(item.actions[1].argv,
            (std::vector<std::string>{"env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-y",
                                      "remove", "qemu-guest-agent"}));
  EXPECT_TRUE(item.actions[1].touches.empty());
  EXPECT_NE(item.actions[1].why.find("rollback does not restore"), std::string::npos);
}

// --- L-CLOUDINIT --------------------------------------------------------------------------------

void cloudInit(TestHost& h) {
  systemdBase(h);
  h.addFile("/usr/bin/cloud-init", "", 0755);
  for (std::string unit : {"cloud-init-local", "cloud-init", "cloud-config", "cloud-final"}) {
    h.addFile("/lib/systemd/system/" + unit + ".service",
              "[Install]\nWantedBy=cloud-init.target\n");
  }
}

TEST(CloudInitFixer, UnitsEnabledDisabledFileRemovedDatasourceAfterDpkgCfg) {
  TestHost h;
  h.setRuntime(false);
  cloudInit(h);
  h.addSymlink("/etc/systemd/system/cloud-init.target.wants/cloud-init.service",
               "/lib/systemd/system/cloud-init.service");
  h.addFile("/etc/cloud/cloud-init.disabled", "");
  h.addFile("/etc/cloud/cloud.cfg", "datasource_list: [ Ec2 ]\n");
  h.addFile("/etc/cloud/cloud.cfg.d/90_dpkg.cfg", "datasource_list: [ NoCloud, None ]\n");
  Planned p = planFor(h, "L-CLOUDINIT");
  ASSERT_EQ(p.plan.items.size(), 1u) << renderPlanText(p.plan, h);
  const auto& item = p.plan.items[0];
  EXPECT_EQ(kindsAndPaths(item),
            "remove /etc/cloud/cloud-init.disabled\n"
            "symlink /etc/systemd/system/cloud-init.target.wants/cloud-init-local.service -> "
            "/lib/systemd/system/cloud-init-local.service\n"
            "symlink /etc/systemd/system/cloud-init.target.wants/cloud-config.service -> "
            "/lib/systemd/system/cloud-config.service\n"
            "symlink /etc/systemd/system/cloud-init.target.wants/cloud-final.service -> "
            "/lib/systemd/system/cloud-final.service\n"
            "write /etc/cloud/cloud.cfg.d/99-guestprep-datasource.cfg\n")
      << "90_dpkg.cfg sorts after 90-guestprep-datasource.cfg, so the drop-in is 99-";
  EXPECT_EQ(unmarked(item.actions.back().content),
            "# MARK: the cloud's datasource first; /etc/cloud/cloud.cfg.d/90_dpkg.cfg set "
            "datasource_list: [NoCloud, None]\ndatasource_list: [ AliYun, NoCloud, None ]\n");
  expectFixedAndIdempotent(h, p.plan, "L-CLOUDINIT");
}

TEST(CloudInitFixer, DropInNinetyWhenCloudCfgDecides) {
  TestHost h;
  h.setRuntime(false);
  cloudInit(h);
  for (std::string unit : {"cloud-init-local", "cloud-init", "cloud-config", "cloud-final"}) {
    h.addSymlink("/etc/systemd/system/cloud-init.target.wants/" + unit + ".service",
                 "/lib/systemd/system/" + unit + ".service");
  }
  h.addFile("/etc/cloud/cloud.cfg", "datasource_list:\n  - Ec2\n");
  Planned p = planFor(h, "L-CLOUDINIT");
  ASSERT_EQ(p.plan.items.size(), 1u);
  EXPECT_EQ(
      kindsAndPaths(p.plan.items[0]),
      "mkdir /etc/cloud/cloud.cfg.d\nwrite /etc/cloud/cloud.cfg.d/90-guestprep-datasource.cfg\n");
  expectFixedAndIdempotent(h, p.plan, "L-CLOUDINIT");
}

TEST(CloudInitFixer, NotInstalledOnlyANote) {
  TestHost h;
  h.setRuntime(false);
  systemdBase(h);
  h.addFile("/var/lib/dpkg/status", "");
  Planned p = planFor(h, "L-CLOUDINIT");
  ASSERT_EQ(p.plan.items.size(), 1u);
  EXPECT_TRUE(p.plan.items[0].actions.empty());
  ASSERT_FALSE(p.plan.items[0].notes.empty());
  EXPECT_NE(p.plan.items[0].notes[0].find("--allow-package-changes"), std::string::npos);
  FixOptions allow;
  allow.allow_package_changes = true;
  Planned q = planFor(h, "L-CLOUDINIT", allow);
  ASSERT_EQ(q.plan.items.size(), 1u);
  EXPECT_TRUE(q.plan.items[0].actions.empty()) << "an offline root has no network to install";
  EXPECT_NE(q.plan.items[0].notes[0].find("offline root"), std::string::npos);
}

}  // namespace
}  // namespace guestprep::os_linux

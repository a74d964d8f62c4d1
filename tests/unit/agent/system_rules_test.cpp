// The system family's rules (platform.standard, accounts.root, links.relative,
// selinux.not_enforcing, machine_id.generalised, resolv.managed) over Facts literals, and the
// JSON round trip of SystemFacts.
#include <gtest/gtest.h>

#include "host/host.h"
#include "rules/registry.h"
#include "rules/system_rules.h"

namespace guestprep {
namespace {

Params withDefaults(const std::vector<ParamSpec>& specs,
                    std::map<std::string, ParamValue> overrides = {}) {
  std::map<std::string, ParamValue> v;
  for (const auto& s : specs)
    v[s.name] = overrides.contains(s.name) ? overrides[s.name] : *s.default_value;
  return Params(v);
}

ReleaseInfo release(std::string file, std::string id, std::string version, std::string pretty,
                    std::string like = "") {
  return ReleaseInfo{{std::move(file), 1}, id, id, std::move(like), std::move(version),
                     std::move(pretty)};
}

// A healthy CentOS 7 system: every rule of the family passes on it.
Facts healthy() {
  Facts f;
  SystemFacts& s = f.system;
  s.platform.releases = {
      release("/etc/os-release", "centos", "7", "CentOS Linux 7 (Core)", "redhat fedora")};
  s.platform.arch = Observed<std::string>::of("x86_64");
  s.platform.arch_source = "uname -m";
  s.platform.root_fs_bytes = Observed<std::uint64_t>::of(40ull << 30);
  s.root = {true, 1, 0, "/bin/bash", true, true, 1, {"/usr/bin/passwd"}};
  s.top_links = {{"/lib", "symlink", "usr/lib"}, {"/lib64", "symlink", "usr/lib64"},
                 {"/bin", "symlink", "usr/bin"}, {"/sbin", "symlink", "usr/sbin"},
                 {"/lib32", "absent", ""},       {"/libx32", "absent", ""}};
  s.selinux.config_present = true;
  s.selinux.mode = "disabled";
  s.selinux.mode_source = {"/etc/selinux/config", 7};
  s.selinux.boot_entries = {{"/boot/grub2/grub.cfg", 90}};
  s.machine_id.machine_id_state = "empty";
  s.machine_id.dbus_state = "absent";
  s.resolv.kind = "file";
  s.resolv.inode_flags = Observed<std::uint32_t>::of(0);
  s.resolv.generated_by = "NetworkManager";
  s.resolv.nameservers = {{{"/etc/resolv.conf", 2}, "100.100.2.136"}};
  s.resolv.managers = {"NetworkManager (x)"};
  return f;
}

Outcome run(const char* type, const Facts& f, std::map<std::string, ParamValue> over = {}) {
  const RuleType* t = findRuleType(type);
  EXPECT_NE(t, nullptr) << type;
  if (!t) return {};
  return t->evaluate(f, withDefaults(t->params, std::move(over)));
}

TEST(SystemRules, HealthySystemPassesEveryRule) {
  Facts f = healthy();
  for (const char* type : {"platform.standard", "accounts.root", "links.relative",
                           "selinux.not_enforcing", "machine_id.generalised", "resolv.managed"}) {
    Outcome o = run(type, f);
    EXPECT_EQ(o.status, Status::kPass) << type << ": " << o.message;
    EXPECT_FALSE(o.message.empty()) << type;
  }
}

TEST(StandardPlatformTable, ParsesAndRejectsEntries) {
  std::string error;
  auto p = parseStandardPlatform("coreos:681.2+:CoreOS", &error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->id, "coreos");
  EXPECT_EQ(p->versions, std::vector<std::string>{"681.2+"});
  EXPECT_EQ(p->display, "CoreOS");
  auto q = parseStandardPlatform("ubuntu:10,12,13,14", &error);
  ASSERT_TRUE(q) << error;
  EXPECT_EQ(q->display, "Ubuntu") << "id capitalised when no name is given";
  EXPECT_EQ(q->versions.size(), 4u);
  for (const char* bad : {"centos", ":7", "centos:", "centos:7,", "centos:seven", "Cent OS:7",
                          "centos:7:", "centos:7.+", "centos:+7"}) {
    error.clear();
    EXPECT_FALSE(parseStandardPlatform(bad, &error)) << bad;
    EXPECT_NE(error.find(bad), std::string::npos) << bad << ": " << error;
  }
}

TEST(StandardPlatformTable, VersionMatching) {
  struct Case {
    const char* spec;
    const char* version;
    bool match;
  } cases[] = {
      {"7", "7", true},
      {"7", "7.2.1511", true},
      {"7", "70", false},
      {"7", "6.10", false},
      {"14", "14.04", true},
      {"13.1", "13.1", true},
      {"13.1", "13.2", false},
      {"13.1", "13", false},
      {"681.2+", "976.0.0", true},
      {"681.2+", "681.2", true},
      {"681.2+", "681.1.9", false},
      {"681.2+", "681.2.0", true},
      {"*", "", true},
      {"7", "", false},
      {"10", "V10", false},
      {"7", "7.5-0.14", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(versionMatches(c.spec, c.version), c.match) << c.spec << " vs " << c.version;
  }
}

TEST(PlatformStandard, StandardPlatformNamesTheChoiceAndTheForm) {
  Outcome o = run("platform.standard", healthy());
  EXPECT_EQ(o.status, Status::kPass);
  EXPECT_NE(o.message.find("choose CentOS 7 at import"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("architecture x86_64"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("at least 40 GiB"), std::string::npos) << o.message;
  ASSERT_FALSE(o.evidence.empty());
  EXPECT_EQ(o.evidence.front().source, "/etc/os-release");
}

TEST(PlatformStandard, NonStandardVersionOfAKnownKindIsCustomized) {
  Facts f = healthy();
  f.system.platform.releases = {
      release("/etc/os-release", "centos", "8", "CentOS Linux 8", "redhat fedora")};
  Outcome o = run("platform.standard", f);
  EXPECT_EQ(o.status, Status::kWarn);
  EXPECT_NE(o.message.find("Customized Linux"), std::string::npos) << o.message;
  // A distribution known only through ID_LIKE is of that kind.
  f.system.platform.releases = {
      release("/etc/os-release", "tencentos", "3.1", "TencentOS Server 3.1", "redhat fedora")};
  o = run("platform.standard", f);
  EXPECT_NE(o.message.find("Customized Linux"), std::string::npos) << o.message;
}

TEST(PlatformStandard, UnknownKindIsOthersLinux) {
  Facts f = healthy();
  f.system.platform.releases = {release("/etc/os-release", "kylin", "V10", "Kylin V10")};
  Outcome o = run("platform.standard", f);
  EXPECT_EQ(o.status, Status::kWarn);
  EXPECT_NE(o.message.find("Others Linux"), std::string::npos) << o.message;
}

TEST(PlatformStandard, VersionFromALaterFileAndTableFromThePolicy) {
  Facts f = healthy();
  f.system.platform.releases = {release("/etc/os-release", "debian", "", "Debian GNU/Linux"),
                                release("/etc/debian_version", "debian", "7.9", "Debian 7.9")};
  Outcome o = run("platform.standard", f);
  EXPECT_EQ(o.status, Status::kPass) << o.message;
  EXPECT_NE(o.message.find("Debian 7.9"), std::string::npos) << o.message;
  o = run("platform.standard", f, {{"standard", std::vector<std::string>{"debian:8+:Debian"}}});
  EXPECT_EQ(o.status, Status::kWarn) << o.message;
}

TEST(PlatformStandard, MalformedTableOrNoIdentityIsAnError) {
  Outcome o = run("platform.standard", healthy(),
                  {{"standard", std::vector<std::string>{"centos:7", "ubuntu=14"}}});
  EXPECT_EQ(o.status, Status::kError);
  EXPECT_NE(o.message.find("ubuntu=14"), std::string::npos) << o.message;
  Facts f = healthy();
  f.system.platform.releases.clear();
  f.system.problems = {{"/etc/os-release", 0, "Permission denied"}};
  o = run("platform.standard", f);
  EXPECT_EQ(o.status, Status::kError);
  ASSERT_EQ(o.evidence.size(), 1u);
  EXPECT_EQ(o.evidence[0].text, "Permission denied");
}

TEST(PlatformStandard, UnknownArchitectureIsNotAPass) {
  Facts f = healthy();
  f.system.platform.arch = Observed<std::string>::failed("cannot read /bin/sh");
  Outcome o = run("platform.standard", f);
  EXPECT_EQ(o.status, Status::kWarn) << o.message;
}

TEST(RootAccount, FailsForEachMissingPiece) {
  struct Case {
    const char* name;
    void (*change)(RootAccountFacts&);
    const char* says;
  } cases[] = {
      {"no passwd entry", [](RootAccountFacts& r) { r.passwd_line = 0; }, "no root entry"},
      {"uid not 0", [](RootAccountFacts& r) { r.uid = 1000; }, "UID is not 0"},
      {"shell missing", [](RootAccountFacts& r) { r.shell_exists = false; }, "does not exist"},
      {"nologin", [](RootAccountFacts& r) { r.shell = "/sbin/nologin"; }, "refuses logins"},
      {"no shadow", [](RootAccountFacts& r) { r.shadow_read = false; }, "/etc/shadow is missing"},
      {"no shadow entry", [](RootAccountFacts& r) { r.shadow_line = 0; }, "/etc/shadow has no"},
      {"no passwd", [](RootAccountFacts& r) { r.passwd_commands.clear(); }, "passwd command"},
  };
  for (const Case& c : cases) {
    Facts f = healthy();
    c.change(f.system.root);
    Outcome o = run("accounts.root", f);
    EXPECT_EQ(o.status, Status::kFail) << c.name;
    EXPECT_NE(o.message.find(c.says), std::string::npos) << c.name << ": " << o.message;
  }
}

TEST(RootAccount, UnreadableShadowIsAnError) {
  Facts f = healthy();
  f.system.root.shadow_read = false;
  f.system.problems = {{"/etc/shadow", 0, "Permission denied"}};
  EXPECT_EQ(run("accounts.root", f).status, Status::kError);
}

TEST(RelativeLinks, AbsoluteLinkFailsUnknownIsError) {
  Facts f = healthy();
  f.system.top_links[1].target = "/usr/lib64";
  Outcome o = run("links.relative", f);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("/lib64 -> /usr/lib64"), std::string::npos) << o.message;
  f = healthy();
  f.system.problems = {{"/lib", 0, "Input/output error"}};
  EXPECT_EQ(run("links.relative", f).status, Status::kError);
  f = healthy();
  for (auto& l : f.system.top_links) l = {l.path, "directory", ""};
  o = run("links.relative", f);
  EXPECT_EQ(o.status, Status::kPass);
  EXPECT_NE(o.message.find("no top-level"), std::string::npos) << o.message;
}

TEST(SelinuxNotEnforcing, ModesAndBootParameters) {
  struct Case {
    const char* name;
    const char* mode;
    std::vector<SelinuxSetting> args;
    Status want;
  } cases[] = {
      {"disabled", "disabled", {}, Status::kPass},
      {"permissive", "permissive", {}, Status::kPass},
      {"enforcing", "enforcing", {}, Status::kFail},
      {"enforcing but selinux=0",
       "enforcing",
       {{{"/boot/grub2/grub.cfg", 90}, "selinux=0"}},
       Status::kPass},
      {"enforcing but enforcing=0",
       "enforcing",
       {{{"/boot/grub2/grub.cfg", 90}, "enforcing=0"}},
       Status::kPass},
      {"permissive but enforcing=1",
       "permissive",
       {{{"/boot/grub2/grub.cfg", 90}, "enforcing=1"}},
       Status::kFail},
      {"disabled and enforcing=1",
       "disabled",
       {{{"/boot/grub2/grub.cfg", 90}, "enforcing=1"}},
       Status::kPass},
      {"later selinux=1 wins",
       "enforcing",
       {{{"/boot/grub2/grub.cfg", 90}, "selinux=0"}, {{"/boot/grub2/grub.cfg", 90}, "selinux=1"}},
       Status::kFail},
  };
  for (const Case& c : cases) {
    Facts f = healthy();
    f.system.selinux.mode = c.mode;
    f.system.selinux.boot_args = c.args;
    Outcome o = run("selinux.not_enforcing", f);
    EXPECT_EQ(o.status, c.want) << c.name << ": " << o.message;
  }
}

TEST(SelinuxNotEnforcing, OneEnforcingEntryOfTwoFails) {
  Facts f = healthy();
  f.system.selinux.mode = "enforcing";
  f.system.selinux.boot_entries = {{"/boot/grub2/grub.cfg", 90}, {"/boot/grub2/grub.cfg", 110}};
  f.system.selinux.boot_args = {{{"/boot/grub2/grub.cfg", 90}, "selinux=0"}};
  Outcome o = run("selinux.not_enforcing", f);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("enforcing"), std::string::npos) << o.message;
}

TEST(SelinuxNotEnforcing, InvalidMissingAndUnreadable) {
  Facts f = healthy();
  f.system.selinux.mode = "";
  f.system.selinux.invalid = {{{"/etc/selinux/config", 6}, "SELINUX=enabled"}};
  Outcome o = run("selinux.not_enforcing", f);
  EXPECT_EQ(o.status, Status::kError) << "an invalid value is never a pass";
  EXPECT_NE(o.message.find("SELINUX=enabled"), std::string::npos) << o.message;
  ASSERT_FALSE(o.evidence.empty());
  EXPECT_EQ(o.evidence[0].line, 6);
  f.system.selinux.invalid.clear();
  EXPECT_EQ(run("selinux.not_enforcing", f).status, Status::kError);
  f = healthy();
  f.system.problems = {{"/etc/selinux/config", 0, "Permission denied"}};
  EXPECT_EQ(run("selinux.not_enforcing", f).status, Status::kError);
  f = healthy();
  f.system.selinux = {};
  o = run("selinux.not_enforcing", f);
  EXPECT_EQ(o.status, Status::kPass) << "no config: SELinux is not set up";
  o = run("selinux.not_enforcing", healthy(), {{"allowed", std::vector<std::string>{"off"}}});
  EXPECT_EQ(o.status, Status::kError);
  o = run("selinux.not_enforcing", healthy(),
          {{"allowed", std::vector<std::string>{"permissive"}}});
  EXPECT_EQ(o.status, Status::kFail) << "disabled is not allowed by this policy";
}

TEST(MachineId, SharedIdentityIsAdvised) {
  Facts f = healthy();
  f.system.machine_id.machine_id_state = "set";
  f.system.machine_id.machine_id = "0123456789abcdef0123456789abcdef";
  Outcome o = run("machine_id.generalised", f);
  EXPECT_EQ(o.status, Status::kWarn);
  EXPECT_NE(o.message.find("/etc/machine-id"), std::string::npos) << o.message;
  f = healthy();
  f.system.machine_id.ssh_host_keys = {"/etc/ssh/ssh_host_rsa_key",
                                       "/etc/ssh/ssh_host_ed25519_key"};
  o = run("machine_id.generalised", f);
  EXPECT_EQ(o.status, Status::kWarn);
  EXPECT_NE(o.message.find("2 SSH host key"), std::string::npos) << o.message;
  f = healthy();
  f.system.machine_id.machine_id_state = "uninitialized";
  EXPECT_EQ(run("machine_id.generalised", f).status, Status::kPass);
  f.system.problems = {{"/etc/machine-id", 0, "Permission denied"}};
  EXPECT_EQ(run("machine_id.generalised", f).status, Status::kError);
}

TEST(ResolvManaged, ImmutableStaticAndUnknown) {
  Facts f = healthy();
  f.system.resolv.inode_flags = Observed<std::uint32_t>::of(kInodeImmutable);
  Outcome o = run("resolv.managed", f);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("immutable"), std::string::npos) << o.message;
  f = healthy();
  f.system.resolv.managers.clear();
  f.system.resolv.generated_by.clear();
  o = run("resolv.managed", f);
  EXPECT_EQ(o.status, Status::kWarn);
  EXPECT_NE(o.message.find("static nameserver"), std::string::npos) << o.message;
  EXPECT_EQ(run("resolv.managed", f, {{"static_nameservers", std::string("pass")}}).status,
            Status::kPass);
  f.system.resolv.inode_flags = Observed<std::uint32_t>::failed("Inappropriate ioctl");
  EXPECT_EQ(run("resolv.managed", f).status, Status::kError);
  f = healthy();
  f.system.resolv = {"absent", "", "", {}, Observed<std::uint32_t>::failed("absent"), {}};
  EXPECT_EQ(run("resolv.managed", f).status, Status::kPass);
  f.system.problems = {{"/etc/resolv.conf", 0, "Permission denied"}};
  EXPECT_EQ(run("resolv.managed", f).status, Status::kError);
}

TEST(SystemFactsJson, RoundTripIsExactAndStrict) {
  Facts f = healthy();
  f.system.selinux.invalid = {{{"/etc/selinux/config", 6}, "SELINUX=enabled"}};
  f.system.selinux.boot_args = {{{"/boot/grub2/grub.cfg", 90}, "selinux=0"}};
  f.system.machine_id = {"set", "abc", "symlink", {"/etc/ssh/ssh_host_rsa_key"}};
  f.system.problems = {{"/etc/shadow", 0, "Permission denied"}};
  f.system.platform.root_fs_bytes = Observed<std::uint64_t>::failed("statvfs failed");
  nlohmann::json j = f.system;
  SystemFacts back = nlohmann::json::parse(j.dump()).get<SystemFacts>();
  EXPECT_EQ(back, f.system);
  EXPECT_EQ(nlohmann::json(back), j);
  nlohmann::json missing = j;
  missing["selinux"].erase("boot_entries");
  EXPECT_THROW(missing.get<SystemFacts>(), nlohmann::json::exception);
  missing = j;
  missing.erase("resolv");
  EXPECT_THROW(missing.get<SystemFacts>(), nlohmann::json::exception);
}

}  // namespace
}  // namespace guestprep

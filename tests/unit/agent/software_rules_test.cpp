// The software rules (cloudinit.present, cloudinit.datasource, agent.absent, files.unmodified)
// over Facts literals, and the JSON round trip of SoftwareFacts.
#include <gtest/gtest.h>

#include "rules/registry.h"
#include "rules/software_rules.h"

namespace guestprep {
namespace {

Params withDefaults(const std::vector<ParamSpec>& specs,
                    std::map<std::string, ParamValue> overrides = {}) {
  std::map<std::string, ParamValue> v;
  for (const auto& s : specs) {
    if (overrides.contains(s.name)) {
      v[s.name] = overrides[s.name];
    } else if (s.default_value) {
      v[s.name] = *s.default_value;
    }
  }
  return Params(v);
}

using Pkgs = std::vector<InstalledPackage>;

Facts debianWithCloudInit() {
  Facts f;
  SoftwareFacts& sw = f.software;
  sw.packages = {"dpkg", "/var/lib/dpkg/status",
                 Observed<Pkgs>::of({{"cloud-init", "22.4.2-1", "all"}, {"bash", "5.2", "amd64"}})};
  for (const char* u : {"cloud-init-local", "cloud-init", "cloud-config", "cloud-final"}) {
    sw.services.push_back(
        {u, true, true,
         std::string("/etc/systemd/system/cloud-init.target.wants/") + u + ".service"});
  }
  sw.services.push_back({"qemu-guest-agent", false, false, "no unit"});
  sw.services.push_back({"qemu-ga", false, false, "no script"});
  sw.services.push_back({"vmtoolsd", false, false, "no unit"});
  sw.cloud_init.installed = true;
  sw.cloud_init.installed_evidence = "package cloud-init 22.4.2-1";
  return f;
}

Outcome present(const Facts& f) {
  return evaluateCloudInitPresent(f, withDefaults(cloudInitPresentParams()));
}
Outcome datasource(const Facts& f) {
  return evaluateCloudInitDatasource(f, withDefaults(cloudInitDatasourceParams()));
}
Outcome qemuga(const Facts& f) {
  return evaluateAgentAbsent(
      f, withDefaults(agentAbsentParams(),
                      {{"packages", std::vector<std::string>{"qemu-guest-agent"}},
                       {"services", std::vector<std::string>{"qemu-guest-agent", "qemu-ga"}}}));
}
Outcome verify(const Facts& f, const char* scope) {
  return evaluateFilesUnmodified(
      f, withDefaults(filesUnmodifiedParams(), {{"scope", std::string(scope)}}));
}

TEST(CloudInitPresent, Statuses) {
  Facts ok = debianWithCloudInit();
  EXPECT_EQ(present(ok).status, Status::kPass) << present(ok).message;
  EXPECT_NE(present(ok).message.find("datasource_list unset"), std::string::npos);

  Facts listed = ok;
  listed.software.cloud_init.datasource_list_set = true;
  listed.software.cloud_init.datasource_list = {"NoCloud", "aliyun", "None"};
  listed.software.cloud_init.datasource_source = {"/etc/cloud/cloud.cfg.d/90_dpkg.cfg", 2};
  EXPECT_EQ(present(listed).status, Status::kPass) << "names compare case-insensitively";

  Facts other = listed;
  other.software.cloud_init.datasource_list = {"Ec2", "None"};
  Outcome o = present(other);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("AliYun"), std::string::npos) << o.message;
  bool cites = false;
  for (const auto& e : o.evidence)
    cites |= e.source == "/etc/cloud/cloud.cfg.d/90_dpkg.cfg" && e.line == 2;
  EXPECT_TRUE(cites);

  Facts absent;
  absent.software.packages = {"dpkg", "/var/lib/dpkg/status", Observed<Pkgs>::of({})};
  absent.software.cloud_init.installed_evidence = "no cloud-init package or program";
  EXPECT_EQ(present(absent).status, Status::kFail);

  Facts disabled = ok;
  disabled.software.cloud_init.disabled_by_file = true;
  EXPECT_EQ(present(disabled).status, Status::kFail);

  Facts off = ok;
  off.software.services[3].enabled = false;
  o = present(off);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("cloud-final"), std::string::npos) << o.message;

  Facts unread = ok;
  unread.software.problems.push_back({"/etc/cloud/cloud.cfg", 0, "Permission denied"});
  EXPECT_EQ(present(unread).status, Status::kError);

  Facts unknown = ok;
  unknown.software.services.erase(unknown.software.services.begin());
  EXPECT_EQ(present(unknown).status, Status::kError) << "a unit not collected is not a pass";
}

TEST(CloudInitDatasource, Statuses) {
  Facts ok = debianWithCloudInit();
  EXPECT_EQ(datasource(ok).status, Status::kPass);

  Facts none;
  none.software.cloud_init.installed = false;
  EXPECT_EQ(datasource(none).status, Status::kNotApplicable);

  Facts other = ok;
  other.software.cloud_init.datasource_list_set = true;
  other.software.cloud_init.datasource_list = {"Azure"};
  Outcome o = datasource(other);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("Azure"), std::string::npos) << o.message;

  Facts only_none = ok;
  only_none.software.cloud_init.datasource_list_set = true;
  only_none.software.cloud_init.datasource_list = {"None"};
  EXPECT_NE(datasource(only_none).message.find("names no cloud"), std::string::npos);

  Facts stale = ok;
  stale.software.cloud_init.instance_state = {"/var/lib/cloud/instance"};
  o = datasource(stale);
  EXPECT_EQ(o.status, Status::kFail);
  ASSERT_FALSE(o.evidence.empty());
  EXPECT_EQ(o.evidence.back().source, "/var/lib/cloud/instance");
  EXPECT_EQ(evaluateCloudInitDatasource(
                stale, withDefaults(cloudInitDatasourceParams(), {{"stale_state", false}}))
                .status,
            Status::kPass);

  Facts unread = ok;
  unread.software.problems.push_back({"/etc/cloud/cloud.cfg.d", 0, "I/O error"});
  EXPECT_EQ(datasource(unread).status, Status::kError);
}

TEST(AgentAbsent, Statuses) {
  Facts clean = debianWithCloudInit();
  EXPECT_EQ(qemuga(clean).status, Status::kPass);

  Facts enabled = clean;
  enabled.software.services[4] = {"qemu-guest-agent", true, true,
                                  "/etc/systemd/system/multi-user.target.wants/"
                                  "qemu-guest-agent.service"};
  Outcome o = qemuga(enabled);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("qemu-guest-agent"), std::string::npos);

  Facts pkg_only = clean;
  pkg_only.software.packages.installed.value->push_back({"qemu-guest-agent", "1:7.2", "amd64"});
  o = qemuga(pkg_only);
  EXPECT_EQ(o.status, Status::kWarn) << o.message;
  EXPECT_EQ(evaluateAgentAbsent(
                pkg_only, withDefaults(agentAbsentParams(),
                                       {{"packages", std::vector<std::string>{"qemu-guest-agent"}},
                                        {"services", std::vector<std::string>{"qemu-ga"}},
                                        {"installed_not_started", std::string("pass")}}))
                .status,
            Status::kPass);

  Facts sysv = clean;
  sysv.software.packages.installed =
      Observed<Pkgs>::failed("not checked: offline root without rpm");
  sysv.software.services[5] = {"qemu-ga", true, false, "/etc/rc.d/init.d/qemu-ga"};
  o = qemuga(sysv);
  EXPECT_EQ(o.status, Status::kWarn) << "installed script, no S link";

  Facts unknown_db = clean;
  unknown_db.software.packages.installed = Observed<Pkgs>::failed("offline");
  o = qemuga(unknown_db);
  EXPECT_EQ(o.status, Status::kPass);
  EXPECT_NE(o.message.find("package database not read"), std::string::npos) << o.message;

  Facts not_collected = clean;
  not_collected.software.services.clear();
  EXPECT_EQ(qemuga(not_collected).status, Status::kError);
}

PackageVerification verification(std::vector<FileVerification> files, int checked) {
  PackageVerification v;
  v.method = "dpkg md5sums";
  v.files = Observed<std::vector<FileVerification>>::of(std::move(files));
  v.checked = v.total = checked;
  return v;
}

TEST(FilesUnmodified, Statuses) {
  Facts f;
  f.software.issue = verification({{"/etc/issue", "base-files", FileState::kOk, "md5 a"}}, 1);
  EXPECT_EQ(verify(f, "issue").status, Status::kPass);

  f.software.issue = verification(
      {{"/etc/issue", "base-files", FileState::kChanged, "md5 b, base-files recorded a"}}, 1);
  Outcome o = verify(f, "issue");
  EXPECT_EQ(o.status, Status::kFail);
  ASSERT_EQ(o.evidence.size(), 1u);
  EXPECT_EQ(o.evidence[0].source, "/etc/issue");
  EXPECT_NE(o.evidence[0].text.find("changed (base-files)"), std::string::npos);

  f.software.grub_menu = verification({}, 0);
  EXPECT_EQ(verify(f, "grub_menu").status, Status::kNotApplicable);
  f.software.grub_menu =
      verification({{"/boot/grub/menu.lst", "", FileState::kUnowned, "not owned"}}, 0);
  o = verify(f, "grub_menu");
  EXPECT_EQ(o.status, Status::kNotApplicable);
  EXPECT_NE(o.message.find("not owned"), std::string::npos);

  f.software.sysdirs.files =
      Observed<std::vector<FileVerification>>::failed("not checked: offline root without rpm");
  o = verify(f, "system_dirs");
  EXPECT_EQ(o.status, Status::kError);
  EXPECT_NE(o.message.find("offline root without rpm"), std::string::npos);

  f.software.sysdirs = verification({}, 4977);
  EXPECT_EQ(verify(f, "system_dirs").status, Status::kPass);
  f.software.sysdirs = verification({}, 0);
  EXPECT_EQ(verify(f, "system_dirs").status, Status::kError) << "nothing compared is no pass";

  std::vector<FileVerification> many;
  for (int i = 0; i < 25; ++i) {
    many.push_back({"/usr/bin/f" + std::to_string(i), "coreutils", FileState::kChanged, "md5"});
  }
  f.software.sysdirs = verification(many, 100);
  o = verify(f, "system_dirs");
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_EQ(o.evidence.size(), 21u) << "20 listed plus 'and 5 more'";

  f.software.sysdirs = verification({{"/usr/bin/x", "p", FileState::kUnreadable, "EACCES"}}, 3);
  EXPECT_EQ(verify(f, "system_dirs").status, Status::kError);

  f.software.sysdirs = verification({}, 10);
  f.software.sysdirs.total = 20;
  f.software.sysdirs.truncated = true;
  EXPECT_EQ(verify(f, "system_dirs").status, Status::kWarn);
}

TEST(SoftwareRules, RegisteredWithTheirParameters) {
  for (const char* name :
       {"cloudinit.present", "cloudinit.datasource", "agent.absent", "files.unmodified"}) {
    const RuleType* t = findRuleType(name);
    ASSERT_NE(t, nullptr) << name;
    EXPECT_NE(t->evaluate, nullptr) << name;
    EXPECT_FALSE(t->remediation.empty()) << name;
  }
}

TEST(SoftwareFactsJson, RoundTripIsExact) {
  Facts f = debianWithCloudInit();
  SoftwareFacts& sw = f.software;
  sw.cloud_init.datasource_list_set = true;
  sw.cloud_init.datasource_list = {"AliYun", "None"};
  sw.cloud_init.datasource_source = {"/etc/cloud/cloud.cfg", 3};
  sw.cloud_init.instance_state = {"/var/lib/cloud/instance"};
  sw.cloud_init.disabled_by_file = true;
  sw.issue = verification({{"/etc/issue", "base-files", FileState::kChanged, "md5 x"},
                           {"/etc/issue.net", "", FileState::kUnowned, "none"}},
                          1);
  sw.grub_menu.method = "rpm -V";
  sw.grub_menu.files = Observed<std::vector<FileVerification>>::failed("offline");
  sw.sysdirs = verification({{"/bin/ls", "coreutils", FileState::kMissing, "gone"},
                             {"/bin/x", "p", FileState::kUnreadable, "EIO"}},
                            7);
  sw.sysdirs.truncated = true;
  sw.sysdirs.total = 9;
  sw.problems = {{"/var/lib/dpkg/status", 4, "malformed"}};
  nlohmann::json j = sw;
  SoftwareFacts back = j.get<SoftwareFacts>();
  EXPECT_EQ(back, sw);
  EXPECT_EQ(nlohmann::json(back), j);
  // Strict: a missing field is an error, not a default.
  for (const char* key :
       {"packages", "services", "cloud_init", "issue", "grub_menu", "sysdirs", "problems"}) {
    nlohmann::json broken = j;
    broken.erase(key);
    EXPECT_THROW(broken.get<SoftwareFacts>(), nlohmann::json::exception) << key;
  }
  nlohmann::json broken = j;
  broken["cloud_init"].erase("instance_state");
  EXPECT_THROW(broken.get<SoftwareFacts>(), nlohmann::json::exception);
  broken = j;
  broken["issue"]["files"]["value"][0]["state"] = "weird";
  EXPECT_THROW(broken.get<SoftwareFacts>(), nlohmann::json::exception)
      << "an unknown file state must not read as ok";
  EXPECT_EQ(j["issue"]["files"]["value"][0]["state"], "changed");
}

}  // namespace
}  // namespace guestprep

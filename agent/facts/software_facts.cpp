// JSON mapping of SoftwareFacts (strict: every field is required when reading).
#include "facts/software_facts.h"

#include <utility>

namespace guestprep {

namespace {

constexpr std::pair<FileState, const char*> kFileStates[] = {
    {FileState::kOk, "ok"},
    {FileState::kChanged, "changed"},
    {FileState::kMissing, "missing"},
    {FileState::kUnowned, "unowned"},
    {FileState::kUnreadable, "unreadable"},
};

}  // namespace

// Written out rather than with NLOHMANN_JSON_SERIALIZE_ENUM, which reads an unknown name as the
// first value ("ok"): a changed file must never come back as unmodified.
void to_json(nlohmann::json& j, const FileState& s) {
  for (const auto& [v, name] : kFileStates) {
    if (v == s) {
      j = name;
      return;
    }
  }
  j = "unknown";
}

void from_json(const nlohmann::json& j, FileState& s) {
  const std::string name = j.get<std::string>();
  for (const auto& [v, n] : kFileStates) {
    if (name == n) {
      s = v;
      return;
    }
  }
  throw nlohmann::json::type_error::create(302, "unknown file state '" + name + "'", &j);
}

std::string toString(FileState s) { return nlohmann::json(s).get<std::string>(); }

void to_json(nlohmann::json& j, const InstalledPackage& p) {
  j = {{"name", p.name}, {"version", p.version}, {"arch", p.arch}};
}
void from_json(const nlohmann::json& j, InstalledPackage& p) {
  j.at("name").get_to(p.name);
  j.at("version").get_to(p.version);
  j.at("arch").get_to(p.arch);
}
void to_json(nlohmann::json& j, const PackageDatabase& d) {
  j = {{"kind", d.kind}, {"source", d.source}, {"installed", d.installed}};
}
void from_json(const nlohmann::json& j, PackageDatabase& d) {
  j.at("kind").get_to(d.kind);
  j.at("source").get_to(d.source);
  j.at("installed").get_to(d.installed);
}
void to_json(nlohmann::json& j, const ServiceState& s) {
  j = {{"name", s.name},
       {"installed", s.installed},
       {"enabled", s.enabled},
       {"evidence", s.evidence}};
}
void from_json(const nlohmann::json& j, ServiceState& s) {
  j.at("name").get_to(s.name);
  j.at("installed").get_to(s.installed);
  j.at("enabled").get_to(s.enabled);
  j.at("evidence").get_to(s.evidence);
}
void to_json(nlohmann::json& j, const CloudInitState& c) {
  j = {{"installed", c.installed},
       {"installed_evidence", c.installed_evidence},
       {"disabled_by_file", c.disabled_by_file},
       {"datasource_list_set", c.datasource_list_set},
       {"datasource_list", c.datasource_list},
       {"datasource_source", c.datasource_source},
       {"instance_state", c.instance_state}};
}
void from_json(const nlohmann::json& j, CloudInitState& c) {
  j.at("installed").get_to(c.installed);
  j.at("installed_evidence").get_to(c.installed_evidence);
  j.at("disabled_by_file").get_to(c.disabled_by_file);
  j.at("datasource_list_set").get_to(c.datasource_list_set);
  j.at("datasource_list").get_to(c.datasource_list);
  j.at("datasource_source").get_to(c.datasource_source);
  j.at("instance_state").get_to(c.instance_state);
}
void to_json(nlohmann::json& j, const FileVerification& v) {
  j = {{"path", v.path}, {"package", v.package}, {"state", v.state}, {"detail", v.detail}};
}
void from_json(const nlohmann::json& j, FileVerification& v) {
  j.at("path").get_to(v.path);
  j.at("package").get_to(v.package);
  j.at("state").get_to(v.state);
  j.at("detail").get_to(v.detail);
}
void to_json(nlohmann::json& j, const PackageVerification& v) {
  j = {{"method", v.method},
       {"files", v.files},
       {"checked", v.checked},
       {"total", v.total},
       {"truncated", v.truncated}};
}
void from_json(const nlohmann::json& j, PackageVerification& v) {
  j.at("method").get_to(v.method);
  j.at("files").get_to(v.files);
  j.at("checked").get_to(v.checked);
  j.at("total").get_to(v.total);
  j.at("truncated").get_to(v.truncated);
}

void to_json(nlohmann::json& j, const SoftwareFacts& f) {
  j = {{"packages", f.packages}, {"services", f.services},   {"cloud_init", f.cloud_init},
       {"issue", f.issue},       {"grub_menu", f.grub_menu}, {"sysdirs", f.sysdirs},
       {"problems", f.problems}};
}

void from_json(const nlohmann::json& j, SoftwareFacts& f) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "software facts must be an object", &j);
  j.at("packages").get_to(f.packages);
  j.at("services").get_to(f.services);
  j.at("cloud_init").get_to(f.cloud_init);
  j.at("issue").get_to(f.issue);
  j.at("grub_menu").get_to(f.grub_menu);
  j.at("sysdirs").get_to(f.sysdirs);
  j.at("problems").get_to(f.problems);
}

}  // namespace guestprep

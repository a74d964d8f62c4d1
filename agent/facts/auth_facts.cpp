// JSON mapping of AuthFacts (strict: every field is required when reading).
#include "facts/auth_facts.h"

namespace guestprep {

namespace {

using nlohmann::json;

void toJson(json& j, const PamLine& l) {
  j = json{{"source", l.source},
           {"control", l.control},
           {"module", l.module},
           {"args", l.args},
           {"ignore_missing", l.ignore_missing}};
}

void fromJson(const json& j, PamLine& l) {
  j.at("source").get_to(l.source);
  j.at("control").get_to(l.control);
  j.at("module").get_to(l.module);
  j.at("args").get_to(l.args);
  j.at("ignore_missing").get_to(l.ignore_missing);
}

json settingsToJson(const std::vector<ConfigSetting>& v) {
  json a = json::array();
  for (const auto& s : v)
    a.push_back(json{{"source", s.source}, {"key", s.key}, {"value", s.value}});
  return a;
}

std::vector<ConfigSetting> settingsFromJson(const json& a) {
  std::vector<ConfigSetting> v;
  for (const auto& j : a) {
    ConfigSetting s;
    j.at("source").get_to(s.source);
    j.at("key").get_to(s.key);
    j.at("value").get_to(s.value);
    v.push_back(std::move(s));
  }
  return v;
}

}  // namespace

void to_json(json& j, const ShadowMount& m) {
  j = json{{"mount_point", m.mount_point},
           {"fs_type", m.fs_type},
           {"options", m.options},
           {"read_only", m.read_only}};
}

void from_json(const json& j, ShadowMount& m) {
  j.at("mount_point").get_to(m.mount_point);
  j.at("fs_type").get_to(m.fs_type);
  j.at("options").get_to(m.options);
  j.at("read_only").get_to(m.read_only);
}

void to_json(json& j, const AuthFacts& f) {
  json stacks = json::array();
  for (const auto& s : f.stacks) {
    json lines = json::array();
    for (const auto& l : s.lines) {
      json jl;
      toJson(jl, l);
      lines.push_back(jl);
    }
    stacks.push_back(json{{"service", s.service}, {"file", s.file}, {"lines", lines}});
  }
  j = json{{"stacks", stacks},
           {"pwquality", settingsToJson(f.pwquality)},
           {"passwdqc", settingsToJson(f.passwdqc)},
           {"login_defs", settingsToJson(f.login_defs)},
           {"problems", f.problems},
           {"shadow", json{{"present", f.shadow.present},
                           {"mode", f.shadow.mode},
                           {"inode_flags", f.shadow.inode_flags},
                           {"mount", f.shadow.mount}}}};
}

void from_json(const json& j, AuthFacts& f) {
  if (!j.is_object()) throw json::type_error::create(302, "auth facts must be an object", &j);
  f = AuthFacts{};
  for (const auto& js : j.at("stacks")) {
    PasswordStack s;
    js.at("service").get_to(s.service);
    js.at("file").get_to(s.file);
    for (const auto& jl : js.at("lines")) {
      PamLine l;
      fromJson(jl, l);
      s.lines.push_back(std::move(l));
    }
    f.stacks.push_back(std::move(s));
  }
  f.pwquality = settingsFromJson(j.at("pwquality"));
  f.passwdqc = settingsFromJson(j.at("passwdqc"));
  f.login_defs = settingsFromJson(j.at("login_defs"));
  j.at("problems").get_to(f.problems);
  const json& sh = j.at("shadow");
  sh.at("present").get_to(f.shadow.present);
  sh.at("mode").get_to(f.shadow.mode);
  sh.at("inode_flags").get_to(f.shadow.inode_flags);
  sh.at("mount").get_to(f.shadow.mount);
}

}  // namespace guestprep

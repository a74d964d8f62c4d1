// JSON mapping of Facts (the `guestprep facts` output and `audit --facts` input).
#include "facts/facts.h"

namespace guestprep {

NLOHMANN_JSON_SERIALIZE_ENUM(AddrMethod, {
                                             {AddrMethod::kUnknown, "unknown"},
                                             {AddrMethod::kNone, "none"},
                                             {AddrMethod::kDhcp, "dhcp"},
                                             {AddrMethod::kStatic, "static"},
                                             {AddrMethod::kAuto, "auto"},
                                             {AddrMethod::kLinkLocal, "link-local"},
                                             {AddrMethod::kDisabled, "disabled"},
                                         })

std::string toString(AddrMethod m) { return nlohmann::json(m).get<std::string>(); }

void to_json(nlohmann::json& j, const SourceRef& r) {
  j = nlohmann::json{{"file", r.file}, {"line", r.line}};
}
void from_json(const nlohmann::json& j, SourceRef& r) {
  j.at("file").get_to(r.file);
  j.at("line").get_to(r.line);
}
void to_json(nlohmann::json& j, const ConfigProblem& p) {
  j = nlohmann::json{{"file", p.file}, {"line", p.line}, {"message", p.message}};
}
void from_json(const nlohmann::json& j, ConfigProblem& p) {
  j.at("file").get_to(p.file);
  j.at("line").get_to(p.line);
  j.at("message").get_to(p.message);
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(OsInfo, id, id_like, name, version_id, pretty_name, source,
                                   kernel, arch, hostname)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(NicConfig, name, stack, source, starts_at_boot, kind, members,
                                   parent, master, ipv4, ipv6, match_mac, set_mac, set_name,
                                   match_line)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(NetworkStack, name, in_use, evidence)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PersistentNetRule, source, mac, name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SysctlSetting, source, key, value)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(KernelCmdline, source, args)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RuntimeNic, name, mac, physical, operstate)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Inet6Addr, address, ifname, prefix_len, scope)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(NetworkFacts, stacks, configs, problems, persistent_net_rules,
                                   sysctl, boot_cmdlines, boot_problems, cloud_init_network,
                                   cloud_init_evidence, runtime_nics, runtime_ipv6, runtime_cmdline)

void to_json(nlohmann::json& j, const Facts& f) {
  j = nlohmann::json{{"schema_version", f.schema_version},
                     {"tool_version", f.tool_version},
                     {"collected_at", f.collected_at},
                     {"host", f.host},
                     {"runtime", f.runtime},
                     {"os", f.os},
                     {"network", f.network},
                     {"system", f.system},
                     {"firewall", f.firewall},
                     {"boot", f.boot},
                     {"auth", f.auth},
                     {"storage", f.storage},
                     {"software", f.software},
                     {"windows", f.windows}};
  if (f.image) j["image"] = *f.image;
}

void from_json(const nlohmann::json& j, Facts& f) {
  j.at("schema_version").get_to(f.schema_version);
  if (f.schema_version != kFactsSchemaVersion) {
    throw nlohmann::json::other_error::create(
        501,
        "facts schema_version " + std::to_string(f.schema_version) + " is not supported (this " +
            "guestprep reads version " + std::to_string(kFactsSchemaVersion) + ")",
        &j);
  }
  j.at("tool_version").get_to(f.tool_version);
  j.at("collected_at").get_to(f.collected_at);
  j.at("host").get_to(f.host);
  j.at("runtime").get_to(f.runtime);
  j.at("os").get_to(f.os);
  j.at("network").get_to(f.network);
  j.at("system").get_to(f.system);
  j.at("firewall").get_to(f.firewall);
  j.at("boot").get_to(f.boot);
  j.at("auth").get_to(f.auth);
  j.at("storage").get_to(f.storage);
  j.at("software").get_to(f.software);
  j.at("windows").get_to(f.windows);
  if (j.contains("image")) {
    f.image = j.at("image").get<ImageFacts>();
  } else {
    f.image.reset();
  }
}

Facts factsFromJson(const nlohmann::json& j) { return j.get<Facts>(); }

}  // namespace guestprep

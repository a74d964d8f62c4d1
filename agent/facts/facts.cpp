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

template <class T>
void to_json(nlohmann::json& j, const Observed<T>& o) {
  if (o.value) {
    j = nlohmann::json{{"value", *o.value}};
  } else {
    j = nlohmann::json{{"error", o.error}};
  }
}

template <class T>
void from_json(const nlohmann::json& j, Observed<T>& o) {
  if (j.contains("value")) {
    o.value = j.at("value").get<T>();
    o.error.clear();
  } else {
    o.value.reset();
    o.error = j.at("error").get<std::string>();
  }
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SourceRef, file, line)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ConfigProblem, file, line, message)
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
                     {"network", f.network}};
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
}

Facts factsFromJson(const nlohmann::json& j) { return j.get<Facts>(); }

}  // namespace guestprep

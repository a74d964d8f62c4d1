// nic.count (L-NIC): the image must come up with at most `max` NICs.
#include <algorithm>

#include "rules/network_rules.h"
#include "rules/network_view.h"

namespace guestprep {

std::vector<std::string> defaultHardwareNamePatterns() {
  return {"en*", "wl*", "ww*", "ib*", "sl*", "em[0-9]*", "p[0-9]*p[0-9]*"};
}

std::vector<ParamSpec> nicCountParams() {
  return {
      {"max",
       ParamKind::kInt,
       ParamValue{std::int64_t{1}},
       "most physical NICs the boot configuration may bring up",
       {}},
      {"check_runtime",
       ParamKind::kBool,
       ParamValue{true},
       "also warn when more physical NICs are present now than `max`",
       {}},
  };
}

Outcome evaluateNicCount(const Facts& facts, const Params& params) {
  const std::int64_t max = params.getInt("max");
  BootNetwork view = deriveBootNetwork(facts.network, {});
  Outcome out;
  // A pattern (networkd Name=*, en*) matches whatever NICs appear without saying how many: next
  // to configurations of named NICs it covers none of its own on a one-NIC instance (CoreOS ships
  // zz-default.network, Name=*, beside the eth0 file Ignition writes), so it adds no NIC.
  auto isPattern = [](const std::string& name) {
    return name.find_first_of("*?[") != std::string::npos;
  };
  const bool any_named = std::any_of(view.physical.begin(), view.physical.end(),
                                     [&](const auto& p) { return !isPattern(p.first); });
  std::int64_t count = 0;
  std::string names;
  for (const auto& [name, configs] : view.physical) {
    if (any_named && isPattern(name)) {
      for (const NicConfig* c : configs) {
        Evidence e = configEvidence(*c);
        e.text += " -- a name pattern: it applies only to NICs no other configuration names";
        out.evidence.push_back(e);
      }
      continue;
    }
    ++count;
    names += (names.empty() ? "" : ", ") + name;
    for (const NicConfig* c : configs) out.evidence.push_back(configEvidence(*c));
  }
  for (std::size_t i = 0; i < view.ignored.size(); ++i) {
    Evidence e = configEvidence(*view.ignored[i]);
    e.text += " -- ignored: " + view.ignored_why[i];
    out.evidence.push_back(e);
  }
  if (count > max) {
    out.status = Status::kFail;
    out.message = std::to_string(count) + " NICs are configured to start at boot (" + names +
                  "); the cloud supports " + std::to_string(max);
    out.remediation =
        "Keep the configuration of the primary NIC only: disable the others at boot (ONBOOT=no, "
        "STARTMODE=off, remove their `auto` stanza, or delete their netplan/NetworkManager "
        "entries).";
    return out;
  }
  if (!view.unreadable.empty()) {
    out.status = Status::kError;
    out.message = "could not read every network configuration file, so the NIC count is unknown";
    out.evidence.insert(out.evidence.end(), view.unreadable.begin(), view.unreadable.end());
    out.remediation =
        "Check the files named in the evidence (permissions, encoding) and run again.";
    return out;
  }
  std::string now;
  std::int64_t physical_now = 0;
  if (params.getBool("check_runtime")) {
    const auto& rt = facts.network.runtime_nics;
    if (rt.ok()) {
      for (const auto& nic : *rt.value) {
        if (!nic.physical) continue;
        ++physical_now;
        now += (now.empty() ? "" : ", ") + nic.name;
      }
      out.evidence.push_back(
          Evidence{"/sys/class/net", 0, "physical NICs now: " + (now.empty() ? "none" : now)});
    } else {
      out.evidence.push_back(Evidence{"/sys/class/net", 0, "not checked: " + rt.error});
    }
  }
  if (physical_now > max) {
    out.status = Status::kWarn;
    out.message = std::to_string(physical_now) + " physical NICs are present now (" + now +
                  ") though the boot configuration brings up " + std::to_string(count) +
                  "; make sure the image is captured with one NIC configured";
    return out;
  }
  out.status = Status::kPass;
  out.message = count == 0
                    ? "no NIC besides lo is configured to start at boot"
                    : std::to_string(count) + " NIC configured to start at boot (" + names + ")";
  return out;
}

}  // namespace guestprep

// W-PASSWD's fixer: the minimum password length the SAM applies, lowered to the cloud's minimum
// when it is above it, and nothing else (complexity accepts three of the cloud's four classes;
// the history never refuses a new password).
//
// Why a command and not a registry value or a new action kind: the applied policy lives in the
// SAM (NetUserModalsSet, USER_MODALS_INFO_1001), which no registry value the journal could write
// changes. `net accounts /minpwlen:N` is Windows' own front end to exactly that call, and the
// journal's kRunCommand already makes the command and its inverse (`undo_argv`, the old length)
// durable before running it, and runs the inverse at rollback. A new action kind would have to
// teach the portable plan, journal and planned view one Windows call for the same effect. The
// verification is real: the probes call NetUserModalsGet again after the fix.
#include <algorithm>
#include <string>
#include <vector>

#include "fix/planned_host.h"
#include "fixers/windows_fixer_parts.h"
#include "host/windows_api.h"
#include "parsers/secedit.h"
#include "parsers/win_text.h"
#include "probes/windows_probes.h"

namespace guestprep::os_windows {

namespace {

/// `net accounts /minpwlen` takes 0 to 14 (LM20_PWLEN); a longer minimum (secpol with
/// RelaxMinimumPasswordLengthLimits) could not be put back by rollback.
constexpr int kNetAccountsMaxLength = 14;

/// Where Group Policy records the domain it applied to this computer: present only on a domain
/// member whose domain policy has been processed.
constexpr std::string_view kGroupPolicyStateKey =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Group Policy\\State\\Machine";

/// A REG_SZ / REG_EXPAND_SZ through the planned view, "" when absent or of another type.
Result<std::string> registryText(const Host& host, std::string_view key, std::string_view name) {
  auto raw = readRegistryValue(host, key, name);
  if (!raw) return std::unexpected(raw.error());
  if (!raw->exists) return std::string();
  auto v = fromRegistryData(*raw);
  if (!v) return std::unexpected(v.error());
  return v->type == RegType::kSz || v->type == RegType::kExpandSz ? v->text : std::string();
}

/// A domain Group Policy's minimum length, from the Security extension's cached copies of the
/// applied GPOs' templates (%SystemRoot%\security\templates\policies\gpt*.inf / .dom): the
/// first that sets one above `target` ("" when none does), or an error when they cannot be read.
Result<std::string> domainLengthAbove(const Host& host, const std::string& system_root,
                                      int target) {
  const std::string dir = system_root + "\\security\\templates\\policies";
  auto names = host.listDir(dir);
  if (!names) return std::unexpected(names.error());
  for (const std::string& name : *names) {
    if (!lowerAscii(name).starts_with("gpt")) continue;
    std::string path = dir + "\\" + name;
    auto bytes = host.readFile(path);
    if (!bytes) return std::unexpected(bytes.error());
    SeceditPasswordPolicy policy = seceditPasswordPolicy(parseInf(decodeWindowsText(*bytes).text));
    if (policy.minimum_length && *policy.minimum_length > target) {
      return path + " line " + std::to_string(policy.line_minimum_length) +
             ": MinimumPasswordLength = " + std::to_string(*policy.minimum_length);
    }
  }
  return std::string();
}

}  // namespace

Result<FixItem> planPassword(const FixContext& ctx) {
  if (!ctx.facts.windows.collected) {
    return fail(ErrorCode::kUnsupported, "the Windows probes did not run on this system");
  }
  const WindowsPasswordFacts& pw = ctx.facts.windows.password;
  const std::int64_t target = ctx.params.getInt("min_length");
  if (target < 0 || target > kNetAccountsMaxLength) {
    return fail(ErrorCode::kInvalidInput, "the policy's min_length " + std::to_string(target) +
                                              " is not a length Windows can set (0 to 14)");
  }
  if (!pw.minimum_length.ok()) {
    return fail(ErrorCode::kIo,
                "cannot plan without the minimum password length: " + pw.minimum_length.error);
  }
  // Rollback puts back the value the SAM holds; only NetUserModalsGet reads that one.
  if (pw.minimum_length_source != "NetUserModalsGet") {
    return fail(ErrorCode::kUnsupported,
                "the minimum length was read from " + pw.minimum_length_source +
                    ", not from NetUserModalsGet: without the SAM's own value the change could "
                    "not be undone exactly (run guestprep as an administrator on the running "
                    "system)");
  }
  const int current = *pw.minimum_length.value;
  if (current <= target) {
    // The length lets every cloud password through: what the finding names is complexity
    // (the account name in the password), which this fix never turns off.
    return fail(ErrorCode::kUnsupported,
                "the minimum length " + std::to_string(current) +
                    " already accepts the cloud's passwords; " + ctx.finding.message +
                    ": choose an instance password without the account's name (guestprep does "
                    "not turn \"Password must meet complexity requirements\" off)");
  }
  if (current > kNetAccountsMaxLength) {
    return fail(ErrorCode::kUnsupported,
                "the minimum length " + std::to_string(current) +
                    " is above 14, which `net accounts` cannot set back, so rollback could not "
                    "restore it: set \"Minimum password length\" to " +
                    std::to_string(target) + " in secpol.msc by hand");
  }
  const auto& version = ctx.facts.windows.version;
  if (version.ok() && version.value->product_type == "domain-controller") {
    return fail(ErrorCode::kUnsupported,
                "this is a domain controller: its password policy is the domain's (Active "
                "Directory, set by the Default Domain Policy); `net accounts` would change it "
                "for every domain account and Group Policy would set it back. Lower \"Minimum "
                "password length\" in the domain's policy, or image a member server instead");
  }
  auto root = registryText(ctx.host, kCurrentVersionKey, "SystemRoot");
  if (!root || root->size() < 3 || (*root)[1] != ':') {
    return fail(ErrorCode::kIo, "cannot find net.exe without " + std::string(kCurrentVersionKey) +
                                    "\\SystemRoot" +
                                    (root ? " (\"" + *root + "\")" : ": " + root.error().message));
  }
  std::string system_root = *root;
  while (system_root.size() > 3 && system_root.ends_with('\\')) system_root.pop_back();

  FixItem item;
  auto domain = registryText(ctx.host, kGroupPolicyStateKey, "Distinguished-Name");
  if (domain && !domain->empty()) {
    auto gpo = domainLengthAbove(ctx.host, system_root, static_cast<int>(target));
    if (gpo && !gpo->empty()) {
      return fail(ErrorCode::kUnsupported,
                  "a domain Group Policy sets the minimum password length (" + *gpo +
                      "): a local change would be set back at the next policy refresh. Lower "
                      "\"Minimum password length\" in that GPO (gpresult /scope computer /v "
                      "names it), or leave the domain before imaging");
    }
    item.notes.push_back(
        "this computer is in a domain (Group Policy applied to " + *domain + "): " +
        (gpo ? std::string("no applied domain policy sets the minimum password length now, but "
                           "one that does would set this change back at its next refresh")
             : "the applied Group Policy templates could not be read (" + gpo.error().message +
                   "): if a domain policy sets the minimum password length, it sets this "
                   "change back at its next refresh (gpresult /scope computer /v shows it)"));
  } else if (!domain) {
    item.notes.push_back("whether a domain Group Policy sets the password policy is not known (" +
                         domain.error().message +
                         "); if one does, it sets this change back at its next refresh");
  }

  // The full path: a bare "net" would also be looked up in the current directory.
  const std::string net = system_root + "\\System32\\net.exe";
  const std::string old_length = std::to_string(current);
  Action a = runAction(
      {net, "accounts", "/minpwlen:" + std::to_string(target)}, {},
      "minimum password length " + old_length + " -> " + std::to_string(target) +
          " (NetUserModalsSet; rollback runs `net accounts /minpwlen:" + old_length + "`)");
  a.undo_argv = {net, "accounts", "/minpwlen:" + old_length};
  item.actions.push_back(std::move(a));
  item.summary = "minimum password length " + old_length + " -> " + std::to_string(target);
  item.notes.push_back(
      "applies at once to passwords set from now on; complexity and the password history stay "
      "as they are (complexity accepts every password of three of the cloud's four classes)");
  if (pw.complexity.ok() && *pw.complexity.value) {
    item.notes.push_back("with complexity on, a password holding the account name \"" + pw.account +
                         "\" (or a part of its full name) is still refused: choose an instance "
                         "password without it");
  }
  return item;
}

}  // namespace guestprep::os_windows

// files.unmodified (L-ISSUE, L-GRUB, L-SYSDIRS): files match the package manager's record.
#include <algorithm>

#include "rules/software_rules.h"

namespace guestprep {

std::vector<ParamSpec> filesUnmodifiedParams() {
  return {
      {"scope",
       ParamKind::kString,
       std::nullopt,
       "which files: /etc/issue* (issue), /boot/grub/menu.lst (grub_menu), or the files of "
       "/bin, /sbin, /lib*, /usr/bin, /usr/sbin (system_dirs)",
       {"issue", "grub_menu", "system_dirs"}},
      {"max_listed",
       ParamKind::kInt,
       ParamValue{std::int64_t{20}},
       "most changed files named in the evidence",
       {}},
  };
}

Outcome evaluateFilesUnmodified(const Facts& facts, const Params& params) {
  const std::string& scope = params.getString("scope");
  const SoftwareFacts& sw = facts.software;
  const PackageVerification& v = scope == "issue"       ? sw.issue
                                 : scope == "grub_menu" ? sw.grub_menu
                                                        : sw.sysdirs;
  const std::string what = scope == "issue"       ? "/etc/issue*"
                           : scope == "grub_menu" ? "/boot/grub/menu.lst"
                                                  : "the files of /bin, /sbin, /lib*, /usr/bin, "
                                                    "/usr/sbin";
  Outcome out;
  if (!v.files.ok()) {
    out.status = Status::kError;
    out.message = what + ": " + v.files.error;
    out.remediation =
        "Run guestprep on the running system, or verify by hand with the package "
        "manager (rpm -V, debsums).";
    return out;
  }
  std::vector<const FileVerification*> modified, unreadable, owned;
  std::vector<const FileVerification*> unowned;
  for (const FileVerification& f : *v.files.value) {
    switch (f.state) {
      case FileState::kChanged:
      case FileState::kMissing:
        modified.push_back(&f);
        break;
      case FileState::kUnreadable:
        unreadable.push_back(&f);
        break;
      case FileState::kUnowned:
        unowned.push_back(&f);
        break;
      case FileState::kOk:
        owned.push_back(&f);
        break;
    }
  }
  const auto max_listed =
      static_cast<std::size_t>(std::max<std::int64_t>(params.getInt("max_listed"), 0));
  auto add = [&](const FileVerification& f) {
    out.evidence.push_back(Evidence{
        f.path, 0,
        toString(f.state) + (f.package.empty() ? "" : " (" + f.package + ")") + ": " + f.detail});
  };
  for (std::size_t i = 0; i < modified.size() && i < max_listed; ++i) add(*modified[i]);
  if (modified.size() > max_listed) {
    out.evidence.push_back(
        Evidence{"", 0, "and " + std::to_string(modified.size() - max_listed) + " more"});
  }
  for (const auto* f : unreadable) add(*f);
  for (const auto* f : unowned) add(*f);
  if (scope != "system_dirs") {
    for (const auto* f : owned) add(*f);
  }
  std::string counted = "(" + v.method + ", " + std::to_string(v.checked) + " file" +
                        (v.checked == 1 ? "" : "s") + " compared)";
  if (!modified.empty()) {
    out.status = Status::kFail;
    std::string names;
    for (std::size_t i = 0; i < modified.size() && i < 3; ++i) {
      names += (i ? ", " : "") + modified[i]->path;
    }
    out.message = std::to_string(modified.size()) +
                  (modified.size() == 1 ? " file differs" : " files differ") +
                  " from the package record: " + names + (modified.size() > 3 ? ", ..." : "") +
                  " " + counted;
    out.remediation = scope == "issue"
                          ? "Restore /etc/issue from its package (Debian: apt-get install "
                            "--reinstall -o Dpkg::Options::=--force-confask base-files; RPM: the "
                            "release package), so the distribution is recognised."
                          : "Reinstall the packages named in the evidence (apt-get install "
                            "--reinstall / yum reinstall) to restore the files.";
    return out;
  }
  if (!unreadable.empty()) {
    out.status = Status::kError;
    out.message = std::to_string(unreadable.size()) + " file(s) could not be compared";
    return out;
  }
  if (v.truncated) {
    out.status = Status::kWarn;
    out.message = "no difference in the " + std::to_string(v.checked) + " of " +
                  std::to_string(v.total) + " files compared before the work cap";
    return out;
  }
  if (owned.empty() && scope != "system_dirs") {
    out.status = Status::kNotApplicable;
    out.message = unowned.empty()
                      ? what + " is not present"
                      : what +
                            " is not owned by a package (written by the installer or the "
                            "boot loader's tools), so there is no record to compare with";
    return out;
  }
  if (scope == "system_dirs" && v.checked == 0) {
    out.status = Status::kError;
    out.message = "the package database records no file in " + what;
    return out;
  }
  out.status = Status::kPass;
  out.message = "no file differs from the package record " + counted;
  return out;
}

}  // namespace guestprep

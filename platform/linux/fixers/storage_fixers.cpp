// Storage fixers: stable device names in fstab, crypttab and root=/resume= (X-DEVNAMES), and
// `nofail` on entries off the system disk (X-FSTABRESOLVE).
#include <map>

#include <fmt/format.h>

#include "fixers/edit.h"
#include "fixers/fixers.h"
#include "rules/storage_spec.h"

namespace guestprep::os_linux {

namespace {

/// Files being edited by one fixer, read once through the planning host.
class FileEdits {
 public:
  explicit FileEdits(const Host& host) : host_(host) {}
  Result<TextLines*> open(const std::string& file) {
    auto it = edits_.find(file);
    if (it != edits_.end()) return &it->second.second;
    auto text = host_.readFile(file);
    if (!text) return std::unexpected(text.error());
    auto [pos, _] = edits_.emplace(file, std::make_pair(*text, TextLines(*text)));
    return &pos->second.second;
  }
  /// One write action per file whose text changed.
  void addActions(FixItem& item, const std::string& why) const {
    for (const auto& [file, pair] : edits_) {
      std::string out = pair.second.str();
      if (out != pair.first) item.actions.push_back(writeFileAction(file, out, why));
    }
  }

 private:
  const Host& host_;
  std::map<std::string, std::pair<std::string, TextLines>> edits_;
};

/// X-DEVNAMES: kernel device names replaced by UUID= where the probe found the UUID (a running
/// system); names whose UUID is unknown are left, with a note.
Result<FixItem> planDeviceNames(const FixContext& ctx) {
  const StorageFacts& s = ctx.facts.storage;
  const auto& prefixes = ctx.params.getList("kernel_name_prefixes");
  FixItem item;
  FileEdits edits(ctx.host);
  std::vector<std::string> changed, unknown;
  for (const FstabEntry& e : s.fstab) {
    if (!isKernelDeviceName(e.spec, prefixes)) continue;
    if (e.uuid.empty()) {
      unknown.push_back(e.spec + " (" + e.source.file + ":" + std::to_string(e.source.line) + ")");
      continue;
    }
    auto lines = edits.open(e.source.file);
    if (!lines) return std::unexpected(lines.error());
    auto line = replaceField((*lines)->at(e.source.line), 0, "UUID=" + e.uuid);
    if (!line) continue;
    (*lines)->set(e.source.line, *line);
    changed.push_back(
        fmt::format("{} -> UUID={} in {}:{}", e.spec, e.uuid, e.source.file, e.source.line));
  }
  for (const CrypttabEntry& c : s.crypttab) {
    if (!isKernelDeviceName(c.device, prefixes)) continue;
    if (c.uuid.empty()) {
      unknown.push_back(c.device + " (" + c.source.file + ":" + std::to_string(c.source.line) +
                        ")");
      continue;
    }
    auto lines = edits.open(c.source.file);
    if (!lines) return std::unexpected(lines.error());
    auto line = replaceField((*lines)->at(c.source.line), 1, "UUID=" + c.uuid);
    if (!line) continue;
    (*lines)->set(c.source.line, *line);
    changed.push_back(
        fmt::format("{} -> UUID={} in {}:{}", c.device, c.uuid, c.source.file, c.source.line));
  }
  for (const BootDeviceArg& a : s.boot_device_args) {
    if (!isKernelDeviceName(a.value, prefixes) || a.source.line == 0) continue;
    if (a.uuid.empty()) {
      unknown.push_back(a.key + "=" + a.value + " (" + a.source.file + ":" +
                        std::to_string(a.source.line) + ")");
      continue;
    }
    auto lines = edits.open(a.source.file);
    if (!lines) return std::unexpected(lines.error());
    std::string line = (*lines)->at(a.source.line);
    if (replaceWordWithPrefix(line, a.key + "=", a.value, a.key + "=UUID=" + a.uuid)) {
      (*lines)->set(a.source.line, line);
      changed.push_back(fmt::format("{}={} -> {}=UUID={} in {}:{}", a.key, a.value, a.key, a.uuid,
                                    a.source.file, a.source.line));
    }
  }
  if (changed.empty() && !unknown.empty()) {
    std::string why =
        s.device_lookup_error.empty() ? "the devices do not exist now" : s.device_lookup_error;
    return fail(
        ErrorCode::kUnsupported,
        fmt::format("the UUIDs of {} are not known ({}): run `guestprep fix` on the running "
                    "system, or replace them by hand with the UUIDs `blkid` prints",
                    fmt::join(unknown, ", "), why));
  }
  edits.addActions(item, "refer to filesystems by UUID instead of kernel device names");
  item.summary =
      changed.empty() ? "nothing to change" : fmt::format("{}", fmt::join(changed, "; "));
  for (const auto& u : unknown) item.notes.push_back("UUID unknown, left as is: " + u);
  return item;
}

/// X-FSTABRESOLVE: `nofail` added to network and removable-media entries that lack it, so an
/// unreachable share or a missing CD drive does not stop the boot.
Result<FixItem> planFstabExternal(const FixContext& ctx) {
  const StorageFacts& s = ctx.facts.storage;
  const auto& removable = ctx.params.getList("removable_prefixes");
  FixItem item;
  FileEdits edits(ctx.host);
  std::vector<std::string> changed;
  for (const FstabEntry& e : s.fstab) {
    SpecKind k = specKind(e);
    bool media = k == SpecKind::kDevicePath && isKernelDeviceName(e.spec, removable);
    if ((k != SpecKind::kNetwork && !media) || bootToleratesFailure(e)) continue;
    auto lines = edits.open(e.source.file);
    if (!lines) return std::unexpected(lines.error());
    const std::string& old = (*lines)->at(e.source.line);
    // The options as written (escapes and all), with nofail appended.
    std::string options;
    {
      std::size_t i = 0, field = 0;
      while (i < old.size() && field <= 3) {
        while (i < old.size() && (old[i] == ' ' || old[i] == '\t')) ++i;
        std::size_t start = i;
        while (i < old.size() && old[i] != ' ' && old[i] != '\t') ++i;
        if (field == 3 && i > start) options = old.substr(start, i - start);
        ++field;
      }
    }
    auto line = options.empty() ? std::nullopt : replaceField(old, 3, options + ",nofail");
    // Three fields only: the options are implied; write them out with nofail.
    std::string next = line ? *line : old + "\tdefaults,nofail";
    (*lines)->set(e.source.line, next);
    changed.push_back(
        fmt::format("{} {}: nofail added ({}:{})", e.spec, e.file, e.source.file, e.source.line));
  }
  edits.addActions(item, "let the boot go on when the device is unreachable");
  item.summary =
      changed.empty() ? "nothing to change" : fmt::format("{}", fmt::join(changed, "; "));
  return item;
}

}  // namespace

std::vector<Fixer> storageFixers() {
  return {
      {"fstab.device_names",
       "kernel device names -> UUID= in fstab, crypttab, root=/resume=", planDeviceNames, false},
      {"fstab.external", "nofail on network and removable-media fstab entries", planFstabExternal,
       false},
  };
}

}  // namespace guestprep::os_linux

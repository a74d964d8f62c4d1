// Storage fixers: stable device names in fstab, crypttab and root=/resume= (X-DEVNAMES), and
// `nofail` on entries off the system disk (X-FSTABRESOLVE).
#include <optional>

#include <fmt/format.h>

#include "fixers/edit.h"
#include "fixers/fixers.h"
#include "fixers/network_edit.h"
#include "rules/storage_spec.h"

namespace guestprep::os_linux {

namespace {

using netfix::FileEdits;

constexpr const char* kDevnamesWhy = "refer to filesystems by UUID instead of kernel device names";
constexpr const char* kNofailWhy = "let the boot go on when the device is unreachable";

/// Replaces line `line` of `file`, among the pending edits, by what `edit` makes of it; false
/// when `edit` returns nothing (the line is left as it is).
template <class EditFn>
Result<bool> editLine(FileEdits& edits, const std::string& file, int line, const char* why,
                      EditFn edit) {
  auto text = edits.text(file);
  if (!text) return std::unexpected(text.error());
  TextLines lines(*text);
  std::optional<std::string> next = edit(lines.at(line));
  if (!next) return false;
  lines.set(line, *next);
  edits.set(file, lines.str(), why);
  return true;
}

/// The fstab line with nofail appended to its options as written (escapes and all); a line of
/// three fields gets its implied options written out.
std::optional<std::string> withNofail(const std::string& old) {
  std::string options;
  std::size_t i = 0, field = 0;
  while (i < old.size() && field <= 3) {
    while (i < old.size() && (old[i] == ' ' || old[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < old.size() && old[i] != ' ' && old[i] != '\t') ++i;
    if (field == 3 && i > start) options = old.substr(start, i - start);
    ++field;
  }
  auto line = options.empty() ? std::nullopt : replaceField(old, 3, options + ",nofail");
  return line ? *line : old + "\tdefaults,nofail";
}

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
    auto done =
        editLine(edits, e.source.file, e.source.line, kDevnamesWhy,
                 [&](const std::string& l) { return replaceField(l, 0, "UUID=" + e.uuid); });
    if (!done) return std::unexpected(done.error());
    if (!*done) continue;
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
    auto done =
        editLine(edits, c.source.file, c.source.line, kDevnamesWhy,
                 [&](const std::string& l) { return replaceField(l, 1, "UUID=" + c.uuid); });
    if (!done) return std::unexpected(done.error());
    if (!*done) continue;
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
    auto done =
        editLine(edits, a.source.file, a.source.line, kDevnamesWhy,
                 [&](std::string l) -> std::optional<std::string> {
                   if (!replaceWordWithPrefix(l, a.key + "=", a.value, a.key + "=UUID=" + a.uuid)) {
                     return std::nullopt;
                   }
                   return l;
                 });
    if (!done) return std::unexpected(done.error());
    if (*done) {
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
  item.actions = edits.actions();
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
    auto done = editLine(edits, e.source.file, e.source.line, kNofailWhy, withNofail);
    if (!done) return std::unexpected(done.error());
    changed.push_back(
        fmt::format("{} {}: nofail added ({}:{})", e.spec, e.file, e.source.file, e.source.line));
  }
  item.actions = edits.actions();
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

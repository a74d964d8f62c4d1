#include "fix/journal.h"

#include <algorithm>
#include <map>
#include <random>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/version.h"

namespace guestprep {

namespace {

/// Backups and commands' files can be large (an initramfs is tens of MiB).
constexpr std::size_t kMaxBackup = std::size_t{4} << 30;

std::string hexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

std::string hexDecode(const std::string& hex) {
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::invalid_argument("bad hex digit in journal");
  };
  if (hex.size() % 2) throw std::invalid_argument("odd hex length in journal");
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out += static_cast<char>(val(hex[i]) * 16 + val(hex[i + 1]));
  }
  return out;
}

std::string typeName(FileStat::Type t) {
  switch (t) {
    case FileStat::Type::kRegular:
      return "file";
    case FileStat::Type::kDirectory:
      return "directory";
    case FileStat::Type::kSymlink:
      return "symlink";
    case FileStat::Type::kOther:
      return "other";
  }
  return "other";
}

FileStat::Type typeFromName(const std::string& s) {
  if (s == "file") return FileStat::Type::kRegular;
  if (s == "directory") return FileStat::Type::kDirectory;
  if (s == "symlink") return FileStat::Type::kSymlink;
  return FileStat::Type::kOther;
}

nlohmann::json metaToJson(const FileMeta& m) {
  if (!m.exists) return nlohmann::json{{"exists", false}};
  nlohmann::json x = nlohmann::json::object();
  for (const auto& [k, v] : m.xattrs) x[k] = hexEncode(v);
  nlohmann::json j{{"exists", true},         {"type", typeName(m.type)},
                   {"mode", m.mode},         {"uid", m.uid},
                   {"gid", m.gid},           {"xattrs", x},
                   {"flags", m.inode_flags}, {"mtime", {m.mtime_sec, m.mtime_nsec}}};
  if (m.type == FileStat::Type::kSymlink) j["target"] = m.link_target;
  return j;
}

FileMeta metaFromJson(const nlohmann::json& j) {
  FileMeta m;
  m.exists = j.at("exists").get<bool>();
  if (!m.exists) return m;
  m.type = typeFromName(j.at("type").get<std::string>());
  m.mode = j.at("mode").get<std::uint32_t>();
  m.uid = j.at("uid").get<std::uint32_t>();
  m.gid = j.at("gid").get<std::uint32_t>();
  for (const auto& [k, v] : j.at("xattrs").items()) m.xattrs[k] = hexDecode(v.get<std::string>());
  m.inode_flags = j.at("flags").get<std::uint32_t>();
  m.mtime_sec = j.at("mtime").at(0).get<std::int64_t>();
  m.mtime_nsec = j.at("mtime").at(1).get<std::int64_t>();
  if (m.type == FileStat::Type::kSymlink) m.link_target = j.at("target").get<std::string>();
  return m;
}

nlohmann::json registryToJson(const RegistryData& v) {
  if (!v.exists) return nlohmann::json{{"exists", false}};
  return nlohmann::json{{"exists", true}, {"type", v.type}, {"data", hexEncode(v.data)}};
}

RegistryData registryFromJson(const nlohmann::json& j) {
  RegistryData v;
  v.exists = j.at("exists").get<bool>();
  if (!v.exists) return v;
  v.type = j.at("type").get<std::uint32_t>();
  v.data = hexDecode(j.at("data").get<std::string>());
  return v;
}

constexpr std::string_view kRegistryAction = "set-registry";

/// What identifies the thing an entry touched: its path, or a registry value's key and name
/// (case-insensitive, as the registry is).
std::string touchKey(const JournalEntry& e) {
  if (e.action != kRegistryAction) return e.path;
  std::string k = "registry:" + e.path + '\0' + e.value_name;
  for (char& c : k) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return k;
}

std::pair<std::string, std::string> splitParent(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) {
    return {"/", path.substr(slash == std::string::npos ? 0 : 1)};
  }
  return {path.substr(0, slash), path.substr(slash + 1)};
}

/// The path an action really addresses: writes and flag changes follow a final symlink (inside
/// the system); removal and symlink creation address the entry itself.
Result<std::string> targetPath(const Host& host, const std::string& path, bool follow_final) {
  if (path.empty() || path.front() != '/') {
    return fail(ErrorCode::kInvalidInput, "not an absolute path: '" + path + "'");
  }
  if (follow_final) return host.canonicalPath(path);
  auto [parent, name] = splitParent(path);
  auto canon = host.canonicalPath(parent);
  if (!canon) return std::unexpected(canon.error());
  return (*canon == "/" ? std::string() : *canon) + "/" + name;
}

FileMeta journalFileMeta() {
  FileMeta m;
  m.exists = true;
  m.type = FileStat::Type::kRegular;
  m.mode = 0600;
  return m;
}

/// Whether `cur` is what `before` was, for what rollback restores.
bool sameMeta(const FileMeta& cur, const FileMeta& before) {
  if (cur.exists != before.exists) return false;
  if (!cur.exists) return true;
  if (cur.type != before.type || cur.uid != before.uid || cur.gid != before.gid) return false;
  if (cur.type == FileStat::Type::kSymlink) return cur.link_target == before.link_target;
  return cur.mode == before.mode && cur.xattrs == before.xattrs &&
         (cur.inode_flags & kInodeProtectFlags) == (before.inode_flags & kInodeProtectFlags) &&
         (cur.type != FileStat::Type::kRegular ||
          (cur.mtime_sec == before.mtime_sec && cur.mtime_nsec == before.mtime_nsec));
}

std::string describeMeta(const FileMeta& m) {
  if (!m.exists) return "absent";
  return fmt::format("{} mode {:04o} owner {}:{} flags {:#x}", typeName(m.type), m.mode, m.uid,
                     m.gid, m.inode_flags & kInodeProtectFlags);
}

}  // namespace

void to_json(nlohmann::json& j, const JournalRun& r) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : r.entries) {
    nlohmann::json je{
        {"n", e.n},           {"requirement", e.requirement},   {"action", e.action},
        {"path", e.path},     {"before", metaToJson(e.before)}, {"before_sha256", e.before_sha256},
        {"backup", e.backup}, {"after_sha256", e.after_sha256}, {"state", e.state}};
    if (!e.argv.empty()) je["argv"] = e.argv;
    if (!e.undo_argv.empty()) je["undo_argv"] = e.undo_argv;
    if (!e.note.empty()) je["note"] = e.note;
    if (e.action == kRegistryAction) {
      je["value_name"] = e.value_name;
      je["reg_before"] = registryToJson(e.reg_before);
      je["reg_after"] = registryToJson(e.reg_after);
    }
    entries.push_back(std::move(je));
  }
  nlohmann::json rollback = nlohmann::json::array();
  for (const auto& o : r.rollback) {
    rollback.push_back({{"path", o.path}, {"result", o.result}, {"detail", o.detail}});
  }
  j = nlohmann::json{{"format", 1},
                     {"run_id", r.run_id},
                     {"started", r.started},
                     {"finished", r.finished},
                     {"host", r.host},
                     {"version", r.version},
                     {"command_line", r.command_line},
                     {"state", r.state},
                     {"error", r.error},
                     {"entries", entries},
                     {"rollback", rollback}};
}

void from_json(const nlohmann::json& j, JournalRun& r) {
  if (j.at("format").get<int>() != 1) {
    throw std::invalid_argument("journal format " + j.at("format").dump() + " is not known");
  }
  r.run_id = j.at("run_id").get<std::string>();
  r.started = j.at("started").get<std::string>();
  r.finished = j.at("finished").get<std::string>();
  r.host = j.at("host").get<std::string>();
  r.version = j.at("version").get<std::string>();
  r.command_line = j.at("command_line").get<std::string>();
  r.state = j.at("state").get<std::string>();
  r.error = j.at("error").get<std::string>();
  r.entries.clear();
  for (const auto& je : j.at("entries")) {
    JournalEntry e;
    e.n = je.at("n").get<int>();
    e.requirement = je.at("requirement").get<std::string>();
    e.action = je.at("action").get<std::string>();
    e.path = je.at("path").get<std::string>();
    e.before = metaFromJson(je.at("before"));
    e.before_sha256 = je.at("before_sha256").get<std::string>();
    e.backup = je.at("backup").get<std::string>();
    e.after_sha256 = je.at("after_sha256").get<std::string>();
    e.state = je.at("state").get<std::string>();
    if (je.contains("argv")) e.argv = je.at("argv").get<std::vector<std::string>>();
    if (je.contains("undo_argv")) e.undo_argv = je.at("undo_argv").get<std::vector<std::string>>();
    if (je.contains("note")) e.note = je.at("note").get<std::string>();
    if (e.action == kRegistryAction) {
      e.value_name = je.at("value_name").get<std::string>();
      e.reg_before = registryFromJson(je.at("reg_before"));
      e.reg_after = registryFromJson(je.at("reg_after"));
    }
    r.entries.push_back(std::move(e));
  }
  r.rollback.clear();
  for (const auto& jo : j.at("rollback")) {
    r.rollback.push_back({jo.at("path").get<std::string>(), jo.at("result").get<std::string>(),
                          jo.at("detail").get<std::string>()});
  }
}

std::string newRunId() {
  std::string now = utcNow();  // 2026-11-25T01:22:33Z
  std::string compact;
  for (char c : now) {
    if (c != '-' && c != ':') compact += c;
  }
  static std::mt19937 rng{std::random_device{}()};
  return fmt::format("{}-{:04x}", compact, rng() & 0xffff);
}

Result<Journal> Journal::begin(MutableHost& host, const std::string& command_line, StepHook hook) {
  Journal j(host, std::move(hook));
  // The journal's own directories are not part of any run: they stay after a rollback, with
  // every run's record.
  std::string dir;
  for (std::string_view part : {"var", "lib", "guestprep", "journal"}) {
    dir += "/";
    dir += part;
    auto m = host.metadata(dir);
    if (!m) return std::unexpected(m.error());
    if (!m->exists) {
      std::uint32_t mode = (part == "guestprep" || part == "journal") ? 0700 : 0755;
      if (auto r = host.makeDirectory(dir, mode); !r) return std::unexpected(r.error());
    } else if (m->type != FileStat::Type::kDirectory) {
      return fail(ErrorCode::kInvalidInput, dir + " exists and is not a directory");
    }
  }
  j.run_.run_id = newRunId();
  j.run_.started = utcNow();
  j.run_.host = host.describe();
  j.run_.version = kVersion;
  j.run_.command_line = command_line;
  j.dir_ = dir + "/" + j.run_.run_id;
  if (auto r = host.makeDirectory(j.dir_, 0700); !r) return std::unexpected(r.error());
  if (auto r = host.makeDirectory(j.dir_ + "/backup", 0700); !r) {
    return std::unexpected(r.error());
  }
  if (auto r = j.save(); !r) return std::unexpected(r.error());
  j.step();
  return j;
}

void Journal::step() {
  ++steps_;
  if (hook_) hook_(steps_);
}

Result<void> Journal::save() {
  return host_->writeFileAtomic(dir_ + "/manifest.json", nlohmann::json(run_).dump(1) + "\n",
                                journalFileMeta(), false);
}

Result<JournalEntry*> Journal::record(const std::string& path, const std::string& action,
                                      const std::string& requirement) {
  JournalEntry e;
  e.n = static_cast<int>(run_.entries.size()) + 1;
  e.requirement = requirement;
  e.action = action;
  e.path = path;
  // A command's own entry has no path: its files are recorded as "run-touch" entries.
  if (!path.empty()) {
    auto meta = host_->metadata(path);
    if (!meta) return std::unexpected(meta.error());
    e.before = std::move(*meta);
  }
  if (e.before.exists && e.before.type == FileStat::Type::kRegular) {
    auto content = host_->readFile(path, kMaxBackup);
    if (!content) return std::unexpected(content.error());
    e.before_sha256 = sha256Hex(*content);
    e.backup = "backup/" + std::to_string(e.n);
    // The copy is durable before the manifest names it, and both before the change.
    if (auto r = host_->writeFileAtomic(dir_ + "/" + e.backup, *content, journalFileMeta(), false);
        !r) {
      return std::unexpected(r.error());
    }
    step();
  }
  run_.entries.push_back(std::move(e));
  if (auto r = save(); !r) {
    run_.entries.pop_back();
    return std::unexpected(r.error());
  }
  step();
  return &run_.entries.back();
}

Result<void> Journal::applyOne(const Action& a, const std::string& path) {
  switch (a.kind) {
    case ActionKind::kWriteFile: {
      auto cur = host_->metadata(path);
      if (!cur) return std::unexpected(cur.error());
      FileMeta meta;
      if (cur->exists && cur->type == FileStat::Type::kRegular) {
        meta = *cur;  // the new content keeps the owner, mode, label and flags of the old file
      } else if (cur->exists) {
        return fail(ErrorCode::kInvalidInput,
                    path + " is a " + typeName(cur->type) + ", not a regular file");
      } else {
        meta.exists = true;
        meta.type = FileStat::Type::kRegular;
        meta.mode = a.mode;
      }
      return host_->writeFileAtomic(path, a.content, meta, false);
    }
    case ActionKind::kRemove: {
      auto cur = host_->metadata(path);
      if (!cur) return std::unexpected(cur.error());
      if (!cur->exists) return {};
      return host_->removeEntry(path);
    }
    case ActionKind::kSymlink: {
      FileMeta meta;
      meta.exists = true;
      meta.type = FileStat::Type::kSymlink;
      return host_->writeSymlink(path, a.target, meta);
    }
    case ActionKind::kMakeDir: {
      auto cur = host_->metadata(path);
      if (!cur) return std::unexpected(cur.error());
      if (cur->exists) {
        if (cur->type == FileStat::Type::kDirectory) return {};
        return fail(ErrorCode::kInvalidInput, path + " exists and is not a directory");
      }
      return host_->makeDirectory(path, a.mode);
    }
    case ActionKind::kSetFlags:
      return host_->setInodeFlags(path, a.flags);
    case ActionKind::kRunCommand:
    case ActionKind::kSetRegistryValue:
      break;
  }
  return fail(ErrorCode::kInvalidInput, "not a file action");
}

Result<void> Journal::applyRegistry(const Action& a, const std::string& requirement) {
  if (a.path.empty()) return fail(ErrorCode::kInvalidInput, "a registry action without a key");
  auto before = host_->registryValue(a.path, a.value_name);
  if (!before) return std::unexpected(before.error());
  JournalEntry e;
  e.n = static_cast<int>(run_.entries.size()) + 1;
  e.requirement = requirement;
  e.action = std::string(kRegistryAction);
  e.path = a.path;
  e.value_name = a.value_name;
  e.reg_before = std::move(*before);
  e.reg_after = a.value;
  // The old value is durable before the write.
  run_.entries.push_back(std::move(e));
  if (auto r = save(); !r) {
    run_.entries.pop_back();
    return r;
  }
  step();
  std::size_t index = run_.entries.size() - 1;
  if (auto r = host_->setRegistryValue(a.path, a.value_name, a.value); !r) return r;
  step();
  run_.entries[index].state = "done";
  if (auto r = save(); !r) return r;
  step();
  return {};
}

Result<void> Journal::apply(const Action& a, const std::string& requirement) {
  if (a.kind == ActionKind::kSetRegistryValue) return applyRegistry(a, requirement);
  if (a.kind == ActionKind::kRunCommand) {
    std::vector<std::size_t> touched;
    for (const auto& t : a.touches) {
      auto path = targetPath(*host_, t, false);
      if (!path) return std::unexpected(path.error());
      auto e = record(*path, "run-touch", requirement);
      if (!e) return std::unexpected(e.error());
      touched.push_back(run_.entries.size() - 1);
    }
    auto cmd = record("", "run", requirement);
    if (!cmd) return std::unexpected(cmd.error());
    (*cmd)->argv = a.argv;
    (*cmd)->undo_argv = a.undo_argv;
    (*cmd)->note = a.why;
    std::size_t cmd_index = run_.entries.size() - 1;
    if (auto r = save(); !r) return r;
    auto res = host_->runInSystem(a.argv);
    if (!res) return std::unexpected(res.error());
    if (res->exit_code != 0) {
      std::string err = res->err.size() > 2000 ? res->err.substr(res->err.size() - 2000) : res->err;
      return fail(ErrorCode::kIo, fmt::format("'{}' exited with status {}: {}",
                                              fmt::join(a.argv, " "), res->exit_code, err));
    }
    step();
    for (std::size_t i : touched) {
      auto content = host_->readFile(run_.entries[i].path, kMaxBackup);
      run_.entries[i].after_sha256 = content ? sha256Hex(*content) : std::string();
      run_.entries[i].state = "done";
    }
    run_.entries[cmd_index].state = "done";
    if (auto r = save(); !r) return r;
    step();
    return {};
  }
  bool follow = a.kind == ActionKind::kWriteFile || a.kind == ActionKind::kSetFlags;
  auto path = targetPath(*host_, a.path, follow);
  if (!path) return std::unexpected(path.error());
  if (path->starts_with(std::string(kJournalDir) + "/") || *path == kJournalDir) {
    return fail(ErrorCode::kInvalidInput, "a fix may not change the journal (" + *path + ")");
  }
  auto e = record(*path, toString(a.kind), requirement);
  if (!e) return std::unexpected(e.error());
  std::size_t index = run_.entries.size() - 1;
  if (auto r = applyOne(a, *path); !r) return r;
  step();
  JournalEntry& entry = run_.entries[index];
  if (a.kind == ActionKind::kWriteFile) entry.after_sha256 = sha256Hex(a.content);
  entry.state = "done";
  if (auto r = save(); !r) return r;
  step();
  return {};
}

Result<void> Journal::finish(bool ok, const std::string& error) {
  run_.state = ok ? "applied" : "failed";
  run_.error = error;
  run_.finished = utcNow();
  auto r = save();
  if (r) step();
  return r;
}

Result<JournalRun> loadRun(const Host& host, const std::string& run_id) {
  if (run_id.empty() || run_id.find('/') != std::string::npos || run_id.starts_with(".")) {
    return fail(ErrorCode::kInvalidInput, "'" + run_id + "' is not a run id");
  }
  std::string path = std::string(kJournalDir) + "/" + run_id + "/manifest.json";
  auto text = host.readFile(path);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) {
      return fail(ErrorCode::kNotFound, "no journal run '" + run_id + "' (" + path + ")");
    }
    return std::unexpected(text.error());
  }
  try {
    return nlohmann::json::parse(*text).get<JournalRun>();
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInvalidInput, path + ": damaged manifest: " + e.what());
  }
}

Result<std::vector<JournalRun>> listRuns(const Host& host) {
  auto names = host.listDir(kJournalDir);
  if (!names) {
    if (names.error().code == ErrorCode::kNotFound) return std::vector<JournalRun>{};
    return std::unexpected(names.error());
  }
  std::vector<JournalRun> runs;
  for (const auto& name : *names) {
    auto run = loadRun(host, name);
    if (run) {
      runs.push_back(std::move(*run));
    } else {
      JournalRun damaged;
      damaged.run_id = name;
      damaged.state = "damaged";
      damaged.error = run.error().message;
      runs.push_back(std::move(damaged));
    }
  }
  return runs;  // run ids start with the UTC time: sorted names are oldest first
}

Result<std::string> lastRollbackCandidate(const Host& host) {
  auto runs = listRuns(host);
  if (!runs) return std::unexpected(runs.error());
  for (auto it = runs->rbegin(); it != runs->rend(); ++it) {
    if (it->state == "damaged" || it->state == "rolled-back") continue;
    return it->run_id;
  }
  return fail(ErrorCode::kNotFound, "no run to roll back in " + std::string(kJournalDir));
}

namespace {

/// Puts one registry value back as it was (or deletes it), then reads it again to check.
RestoreOutcome restoreRegistry(MutableHost& host, const JournalEntry& e) {
  RestoreOutcome o{e.path + "\\" + e.value_name, "failed", {}};
  auto cur = host.registryValue(e.path, e.value_name);
  if (!cur) {
    o.detail = cur.error().message;
    return o;
  }
  if (*cur == e.reg_before) {
    o.result = "unchanged";
    return o;
  }
  if (auto r = host.setRegistryValue(e.path, e.value_name, e.reg_before); !r) {
    o.detail = r.error().message;
    return o;
  }
  auto after = host.registryValue(e.path, e.value_name);
  if (!after) {
    o.detail = after.error().message;
    return o;
  }
  if (*after != e.reg_before) {
    o.detail = "after restoring, the value is " + describeRegistryData(*after) + ", expected " +
               describeRegistryData(e.reg_before);
    return o;
  }
  o.result = "restored";
  o.detail = e.reg_before.exists ? "restored to " + describeRegistryData(e.reg_before)
                                 : "deleted (created by the run)";
  return o;
}

/// Puts one entry's path back as it was; returns what it did.
RestoreOutcome restoreEntry(MutableHost& host, const std::string& run_dir, const JournalEntry& e) {
  RestoreOutcome o{e.path, "failed", {}};
  auto cur = host.metadata(e.path);
  if (!cur) {
    o.detail = cur.error().message;
    return o;
  }
  const FileMeta& before = e.before;
  std::string backup;
  if (before.exists && before.type == FileStat::Type::kRegular) {
    auto b = host.readFile(run_dir + "/" + e.backup, kMaxBackup);
    if (!b) {
      o.detail = "the backup " + e.backup + " cannot be read: " + b.error().message;
      return o;
    }
    if (sha256Hex(*b) != e.before_sha256) {
      o.detail = "the backup " + e.backup + " does not match its recorded hash; not restored";
      return o;
    }
    backup = std::move(*b);
  }
  // A write interrupted before its rename leaves its temporary file beside the target.
  {
    auto [parent, name] = splitParent(e.path);
    if (auto names = host.listDir(parent)) {
      std::string prefix = ".guestprep-" + name + ".";
      for (const auto& n : *names) {
        if (n.starts_with(prefix) && n.size() == prefix.size() + 8) {
          (void)host.removeEntry((parent == "/" ? "" : parent) + "/" + n);
        }
      }
    }
  }
  auto matches = [&](const FileMeta& m) -> bool {
    if (!sameMeta(m, before)) return false;
    if (!before.exists || before.type != FileStat::Type::kRegular) return true;
    auto content = host.readFile(e.path, kMaxBackup);
    return content && sha256Hex(*content) == e.before_sha256;
  };
  if (matches(*cur)) {
    o.result = "unchanged";
    return o;
  }
  Result<void> r;
  if (!before.exists) {
    r = host.removeEntry(e.path);
    o.detail = "removed (created by the run)";
  } else if (before.type == FileStat::Type::kRegular) {
    if (cur->exists && cur->type == FileStat::Type::kDirectory) {
      o.detail = "a directory is there now; not replaced";
      return o;
    }
    r = host.writeFileAtomic(e.path, backup, before, true);
    o.detail = "content and metadata restored";
  } else if (before.type == FileStat::Type::kSymlink) {
    r = host.writeSymlink(e.path, before.link_target, before);
    o.detail = "symlink restored -> " + before.link_target;
  } else if (before.type == FileStat::Type::kDirectory) {
    if (!cur->exists) {
      o.detail = "the directory was removed; directories are not recreated by rollback";
      return o;
    }
    r = host.setInodeFlags(e.path, before.inode_flags);
    o.detail = "inode flags restored";
  } else {
    o.detail = "a " + typeName(before.type) + " cannot be restored";
    return o;
  }
  if (!r) {
    o.detail = r.error().message;
    return o;
  }
  auto after = host.metadata(e.path);
  if (!after) {
    o.detail = after.error().message;
    return o;
  }
  if (!matches(*after)) {
    o.detail = "after restoring, " + e.path + " is " + describeMeta(*after) + ", expected " +
               describeMeta(before);
    return o;
  }
  o.result = "restored";
  return o;
}

}  // namespace

Result<JournalRun> rollbackRun(MutableHost& host, const std::string& run_id,
                               Journal::StepHook hook) {
  auto run = loadRun(host, run_id);
  if (!run) return std::unexpected(run.error());
  std::string run_dir = std::string(kJournalDir) + "/" + run_id;
  run->rollback.clear();
  int steps = 0;
  bool complete = true;
  // A path touched several times goes straight back to its state before the first touch (the
  // earliest entry), so a rollback never writes intermediate states and a second one is a no-op.
  std::map<std::string, int> first_touch;
  for (const auto& e : run->entries) {
    if (e.action != "run") first_touch.emplace(touchKey(e), e.n);
  }
  for (auto it = run->entries.rbegin(); it != run->entries.rend(); ++it) {
    if (it->action != "run" && first_touch[touchKey(*it)] != it->n) continue;
    RestoreOutcome o;
    if (it->action == "run") {
      o.path = fmt::format("{}", fmt::join(it->argv, " "));
      if (it->undo_argv.empty()) {
        o.result = "unchanged";
        o.detail = "its files are restored one by one" +
                   (it->note.empty() ? std::string() : " (" + it->note + ")");
      } else {
        auto res = host.runInSystem(it->undo_argv);
        o.result = res && res->exit_code == 0 ? "restored" : "failed";
        o.detail =
            res ? fmt::format("'{}' exited {}", fmt::join(it->undo_argv, " "), res->exit_code)
                : res.error().message;
      }
    } else if (it->action == kRegistryAction) {
      o = restoreRegistry(host, *it);
    } else {
      o = restoreEntry(host, run_dir, *it);
    }
    if (o.result == "failed") complete = false;
    run->rollback.push_back(std::move(o));
    ++steps;
    if (hook) hook(steps);
  }
  run->state = complete ? "rolled-back" : "rollback-incomplete";
  auto saved = host.writeFileAtomic(run_dir + "/manifest.json", nlohmann::json(*run).dump(1) + "\n",
                                    journalFileMeta(), false);
  if (!saved) return std::unexpected(saved.error());
  return *run;
}

}  // namespace guestprep

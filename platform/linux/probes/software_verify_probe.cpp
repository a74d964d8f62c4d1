// Files compared with the package manager's record: dpkg's md5sums and conffile hashes read
// natively (through the Host), rpm -qf / rpm -V run through the Host on a live RPM system.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "host/md5_lanes.h"
#include "parsers/software_dpkg.h"
#include "parsers/software_rpm.h"
#include "parsers/text.h"
#include "probes/probe_io.h"
#include "probes/software_probes.h"

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kInfoDir = "/var/lib/dpkg/info";
const std::vector<std::string> kIssueFiles = {"/etc/issue", "/etc/issue.net"};
const std::vector<std::string> kGrubMenu = {"/boot/grub/menu.lst"};
// Caps on the system-directory comparison, so that an audit stays quick on a large system;
// the facts say when they were hit.
constexpr int kMaxFiles = 200000;
constexpr std::uint64_t kMaxBytes = 2ULL << 30;
constexpr std::size_t kMaxFileSize = 1ULL << 30;
// The comparison hashes on several threads, each many files at once (md5Stream),
// with at most this many bytes of file content in memory at once.
constexpr unsigned kMaxHashThreads = 8;
constexpr std::uint64_t kInFlightBytes = 128ULL << 20;
constexpr auto kRpmTimeout = std::chrono::seconds(600);

using Files = Observed<std::vector<FileVerification>>;

// What dpkg recorded for one path.
struct Record {
  std::string package;
  std::string md5;
};

struct DpkgRecords {
  std::map<std::string, Record> conffiles;    // path -> record
  std::map<std::string, Record> of_interest;  // issue and menu.lst from md5sums
  std::vector<std::pair<std::string, Record>> sysdir_files;
  std::map<std::string, DpkgDiversion> diversions;  // from -> diversion
};

std::string firstLine(std::string_view text) {
  auto nl = text.find('\n');
  std::string line(trim(text.substr(0, nl)));
  if (line.size() > 60) line = line.substr(0, 57) + "...";
  return line;
}

int lineCount(std::string_view text) {
  int n = 0;
  for (char c : text) n += c == '\n' ? 1 : 0;
  if (!text.empty() && text.back() != '\n') ++n;
  return n;
}

// The package name of an info file "<pkg>[:<arch>].md5sums".
std::string packageOfInfoFile(std::string_view name) {
  name.remove_suffix(std::string_view(".md5sums").size());
  return std::string(name.substr(0, name.find(':')));
}

// Reads the package records. The md5sums files (one per package, thousands of lines) are read
// only when the system directories are verified or a file of interest is not a conffile, since
// reading them is most of the cost of this probe.
DpkgRecords readDpkgRecords(const Host& host, std::string_view status_text, SoftwareFacts& facts,
                            bool system_dirs) {
  DpkgRecords rec;
  std::set<std::string> installed;
  for (const DpkgPackage& p : parseDpkgStatus(status_text).packages) {
    if (!p.installed()) continue;
    installed.insert(p.name);
    for (const DpkgConffile& c : p.conffiles) {
      if (!c.obsolete) rec.conffiles[c.path] = {p.name, c.md5};
    }
  }
  if (auto text = readIfPresent(host, "/var/lib/dpkg/diversions", facts.problems)) {
    std::vector<ConfigProblem> problems;
    for (DpkgDiversion& d : parseDpkgDiversions(*text, problems)) {
      rec.diversions[d.from] = std::move(d);
    }
    for (ConfigProblem& p : problems) {
      facts.problems.push_back({"/var/lib/dpkg/diversions", p.line, p.message});
    }
  }
  bool need_md5sums = system_dirs;
  for (const auto* files : {&kIssueFiles, &kGrubMenu}) {
    for (const std::string& f : *files) {
      if (!rec.conffiles.contains(f) && host.entryExists(f)) need_md5sums = true;
    }
  }
  if (!need_md5sums) return rec;
  for (const std::string& name : listIfPresent(host, kInfoDir, facts.problems)) {
    if (!name.ends_with(".md5sums")) continue;
    std::string pkg = packageOfInfoFile(name);
    if (!installed.contains(pkg)) continue;
    std::string path = std::string(kInfoDir) + "/" + name;
    auto text = readIfPresent(host, path, facts.problems);
    if (!text) continue;
    Md5sums sums = parseMd5sums(*text);
    for (const ConfigProblem& p : sums.problems) {
      facts.problems.push_back({path, p.line, p.message});
    }
    for (Md5sumEntry& e : sums.entries) {
      if (e.path.starts_with("/etc/issue") || e.path == kGrubMenu[0]) {
        rec.of_interest[e.path] = {pkg, e.md5};
      }
      if (inSystemDirectories(e.path)) {
        rec.sysdir_files.emplace_back(std::move(e.path), Record{pkg, std::move(e.md5)});
      }
    }
  }
  return rec;
}

// The path a recorded file is installed under: a file diverted by another package is installed
// under the diversion's new name.
std::string installedPath(const DpkgRecords& rec, const std::string& path, const Record& r) {
  if (auto d = rec.diversions.find(path);
      d != rec.diversions.end() && d->second.package != r.package) {
    return d->second.to;
  }
  return path;
}

// The content of `actual` to compare; nullopt, with `v` saying why (missing, unreadable), when
// it cannot be read. An unreadable file also adds to `problems`.
std::optional<std::string> readRecorded(const Host& host, const std::string& actual,
                                        const Record& r, FileVerification& v,
                                        std::vector<ConfigProblem>& problems) {
  auto content = host.readFile(actual, kMaxFileSize);
  if (content) return std::move(*content);
  if (content.error().code == ErrorCode::kNotFound) {
    v.state = FileState::kMissing;
    v.detail = "recorded by " + r.package + " but absent";
  } else {
    v.state = FileState::kUnreadable;
    v.detail = content.error().message;
    problems.push_back({actual, 0, content.error().message});
  }
  return std::nullopt;
}

// Judges `v` by the md5 `now` of the content read from `actual`; `describe` (the content) adds
// its line count and first line to a changed file's detail.
void judgeMd5(FileVerification& v, const Record& r, const std::string& actual,
              const std::string& now, const std::string* describe) {
  if (now == r.md5) {
    v.state = FileState::kOk;
    v.detail = "md5 " + now + " as recorded by " + r.package;
    return;
  }
  v.state = FileState::kChanged;
  v.detail = "md5 " + now + ", " + r.package + " recorded " + r.md5;
  if (actual != v.path) v.detail += " (diverted to " + actual + ")";
  if (describe) {
    v.detail += "; now " + std::to_string(lineCount(*describe)) + " line(s), first: '" +
                firstLine(*describe) + "'";
  }
}

// Compares one file with dpkg's md5; a file that cannot be read adds to `problems`.
FileVerification compareMd5(const Host& host, const DpkgRecords& rec, const std::string& path,
                            const Record& r, std::vector<ConfigProblem>& problems) {
  FileVerification v{path, r.package, FileState::kOk, ""};
  std::string actual = installedPath(rec, path, r);
  auto content = readRecorded(host, actual, r, v, problems);
  if (content) judgeMd5(v, r, actual, md5Hex(*content), &*content);
  return v;
}

// Single files (issue, menu.lst): conffile record first, then md5sums; unowned when present.
PackageVerification verifyDpkgFiles(const Host& host, const DpkgRecords& rec,
                                    const std::vector<std::string>& paths, SoftwareFacts& facts) {
  PackageVerification out;
  out.method = "dpkg conffiles and md5sums";
  std::vector<FileVerification> files;
  for (const std::string& path : paths) {
    const Record* r = nullptr;
    if (auto c = rec.conffiles.find(path); c != rec.conffiles.end()) r = &c->second;
    if (auto m = rec.of_interest.find(path); !r && m != rec.of_interest.end()) r = &m->second;
    if (!r) {
      if (host.entryExists(path)) {
        files.push_back({path, "", FileState::kUnowned, "no installed package records it"});
      }
      continue;
    }
    if (r->md5 == "newconffile") {
      files.push_back({path, r->package, FileState::kUnreadable,
                       "dpkg is mid-install (conffile hash 'newconffile')"});
      continue;
    }
    ++out.total;
    ++out.checked;
    files.push_back(compareMd5(host, rec, path, *r, facts.problems));
  }
  out.files = Files::of(std::move(files));
  return out;
}

// Bytes of file content the hashing threads may hold at once: a thread waits until its file's
// share is free (a file larger than the whole budget waits for all of it).
class ByteBudget {
 public:
  explicit ByteBudget(std::uint64_t total) : total_(total), free_(total) {}
  std::uint64_t acquire(std::uint64_t want) {
    want = std::min(want, total_);
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return free_ >= want; });
    free_ -= want;
    return want;
  }
  // acquire() without waiting: nullopt when the bytes are not free now.
  std::optional<std::uint64_t> tryAcquire(std::uint64_t want) {
    want = std::min(want, total_);
    std::lock_guard lock(mutex_);
    if (free_ < want) return std::nullopt;
    free_ -= want;
    return want;
  }
  void release(std::uint64_t n) {
    {
      std::lock_guard lock(mutex_);
      free_ += n;
    }
    freed_.notify_all();
  }

 private:
  std::uint64_t total_;
  std::uint64_t free_;
  std::mutex mutex_;
  std::condition_variable freed_;
};

PackageVerification verifyDpkgSysdirs(const Host& host, const DpkgRecords& rec,
                                      SoftwareFacts& facts) {
  PackageVerification out;
  out.method = "dpkg md5sums";
  out.total = static_cast<int>(rec.sysdir_files.size());
  // The caps apply in the records' order, from the sizes (a stat is cheap); what is under them
  // is then hashed in parallel, and reported in that same order.
  std::vector<std::uint64_t> sizes;
  std::uint64_t bytes = 0;
  for (const auto& [path, r] : rec.sysdir_files) {
    if (sizes.size() >= static_cast<std::size_t>(kMaxFiles) || bytes >= kMaxBytes) {
      out.truncated = true;
      break;
    }
    auto st = host.stat(path);
    sizes.push_back(st ? st->size : 0);
    bytes += sizes.back();
  }
  const std::size_t n = sizes.size();
  std::vector<std::optional<FileVerification>> bad(n);
  std::vector<std::vector<ConfigProblem>> problems(n);
  std::atomic<std::size_t> next{0};
  ByteBudget budget(kInFlightBytes);
  // Each thread hashes a file per lane of its vector registers (md5Stream): a lane whose file
  // is hashed reads the next one, while the budget of bytes in memory allows.
  auto work = [&] {
    struct InFlight {
      std::string actual;
      std::string content;
      std::uint64_t lease = 0;
    };
    std::unordered_map<std::size_t, InFlight> in_flight;
    std::uint64_t held = 0;
    std::optional<std::size_t> pending;  // taken from `next`, waiting for its share of bytes
    auto source = [&](Md5Job& job) {
      for (;;) {
        if (!pending) {
          std::size_t i = next.fetch_add(1);
          if (i >= n) return Md5Next::kEnd;
          pending = i;
        }
        const std::size_t i = *pending;
        std::uint64_t lease = 0;
        if (held == 0) {
          lease = budget.acquire(sizes[i]);  // holding nothing, waiting cannot deadlock
        } else if (auto l = budget.tryAcquire(sizes[i])) {
          lease = *l;
        } else {
          return Md5Next::kWait;
        }
        pending.reset();
        const auto& [path, r] = rec.sysdir_files[i];
        FileVerification v{path, r.package, FileState::kUnreadable, ""};
        InFlight f{installedPath(rec, path, r), {}, lease};
        try {
          if (auto c = readRecorded(host, f.actual, r, v, problems[i])) {
            f.content = std::move(*c);
            held += lease;
            InFlight& slot = in_flight[i] = std::move(f);
            job = {i, slot.content};
            return Md5Next::kMessage;
          }
        } catch (const std::exception& e) {
          // Out of memory for one large file, say: that file is unreadable, the others go on.
          v.detail = e.what();
          problems[i].push_back({path, 0, e.what()});
        }
        budget.release(lease);
        bad[i] = std::move(v);
      }
    };
    auto done = [&](std::size_t i, const Md5Digest& digest) {
      auto it = in_flight.find(i);
      const auto& [path, r] = rec.sysdir_files[i];
      FileVerification v{path, r.package, FileState::kOk, ""};
      judgeMd5(v, r, it->second.actual, md5ToHex(digest), nullptr);
      if (v.state != FileState::kOk) bad[i] = std::move(v);
      held -= it->second.lease;
      budget.release(it->second.lease);
      in_flight.erase(it);
    };
    md5Stream(source, done);
  };
  unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1U, kMaxHashThreads);
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(n, 1)));
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
  }  // joined
  out.checked = static_cast<int>(n);
  std::vector<FileVerification> changed;
  for (std::size_t i = 0; i < n; ++i) {
    for (ConfigProblem& p : problems[i]) facts.problems.push_back(std::move(p));
    if (bad[i]) changed.push_back(std::move(*bad[i]));
  }
  out.files = Files::of(std::move(changed));
  return out;
}

// --- RPM, live only ------------------------------------------------------------------------

std::string commandError(const std::vector<std::string>& argv, const Result<CommandResult>& r) {
  std::string cmd;
  for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
  if (cmd.size() > 80) cmd = cmd.substr(0, 77) + "...";
  return cmd + ": " +
         (r ? "exited with " + std::to_string(r->exit_code) + ": " + r->err : r.error().message);
}

// `rpm -V` of `packages`; nullopt with `why` set when rpm could not run.
std::optional<std::vector<RpmVerifyLine>> rpmVerify(const Host& host,
                                                    const std::set<std::string>& packages,
                                                    std::string& why, SoftwareFacts& facts) {
  std::vector<std::string> argv = {"rpm", "-V", "--nodeps", "--noscripts"};
  argv.insert(argv.end(), packages.begin(), packages.end());
  auto r = host.run(argv, kRpmTimeout);
  // rpm -V exits 1 when some file differs: that is an answer, not a failure.
  if (!r || (r->exit_code != 0 && r->out.empty())) {
    why = commandError(argv, r);
    return std::nullopt;
  }
  std::vector<ConfigProblem> problems;
  auto lines = parseRpmVerify(r->out, problems);
  for (ConfigProblem& p : problems) facts.problems.push_back({"rpm -V", p.line, p.message});
  return lines;
}

PackageVerification verifyRpmFiles(const Host& host, const std::vector<std::string>& paths,
                                   SoftwareFacts& facts) {
  PackageVerification out;
  out.method = "rpm -V";
  std::vector<FileVerification> files;
  std::map<std::string, std::string> owner;  // path -> package
  std::set<std::string> packages;
  for (const std::string& path : paths) {
    if (!host.entryExists(path)) continue;
    std::vector<std::string> argv = {"rpm", "-qf", "--qf", "%{NAME}\\n", path};
    auto r = host.run(argv, std::chrono::seconds(60));
    if (!r) {
      out.files = Files::failed(commandError(argv, r));
      return out;
    }
    if (r->exit_code != 0) {
      // rpm -qf: "file /etc/issue is not owned by any package" (exit 1).
      if ((r->out + r->err).find("not owned") != std::string::npos) {
        files.push_back({path, "", FileState::kUnowned, "not owned by any package (rpm -qf)"});
        continue;
      }
      out.files = Files::failed(commandError(argv, r));
      return out;
    }
    std::string pkg(trim(r->out.substr(0, r->out.find('\n'))));
    owner[path] = pkg;
    packages.insert(pkg);
  }
  if (!packages.empty()) {
    std::string why;
    auto lines = rpmVerify(host, packages, why, facts);
    if (!lines) {
      out.files = Files::failed(why);
      return out;
    }
    for (const auto& [path, pkg] : owner) {
      FileVerification v{path, pkg, FileState::kOk, "rpm -V " + pkg + ": no difference"};
      for (const RpmVerifyLine& l : *lines) {
        if (l.path != path || !l.modified()) continue;
        v.state = l.flags == "missing" ? FileState::kMissing : FileState::kChanged;
        v.detail = "rpm -V " + pkg + ": " + l.flags + " " + l.path;
        if (v.state == FileState::kChanged) {
          if (auto text = host.readFile(path)) {
            v.detail += "; now " + std::to_string(lineCount(*text)) + " line(s), first: '" +
                        firstLine(*text) + "'";
          }
        }
      }
      ++out.total;
      ++out.checked;
      files.push_back(std::move(v));
    }
  }
  out.files = Files::of(std::move(files));
  return out;
}

PackageVerification verifyRpmSysdirs(const Host& host, SoftwareFacts& facts) {
  PackageVerification out;
  out.method = "rpm -V";
  std::vector<std::string> argv = {"rpm", "-qa", "--qf", std::string(kRpmFilesFormat)};
  auto r = host.run(argv, std::chrono::seconds(120));
  if (!r || r->exit_code != 0) {
    out.files = Files::failed(commandError(argv, r));
    return out;
  }
  std::set<std::string> packages;
  std::map<std::string, std::string> in_scope;
  for (auto& [path, pkg] : parseRpmFileOwners(r->out)) {
    if (!inSystemDirectories(path)) continue;
    packages.insert(pkg);
    in_scope[path] = pkg;
  }
  out.total = out.checked = static_cast<int>(in_scope.size());
  std::vector<FileVerification> bad;
  if (!packages.empty()) {
    std::string why;
    auto lines = rpmVerify(host, packages, why, facts);
    if (!lines) {
      out.files = Files::failed(why);
      return out;
    }
    for (const RpmVerifyLine& l : *lines) {
      // Configuration and ghost files are expected to change.
      if (!l.modified() || l.attr == 'c' || l.attr == 'g') continue;
      auto it = in_scope.find(l.path);
      if (it == in_scope.end()) continue;
      bad.push_back({l.path, it->second,
                     l.flags == "missing" ? FileState::kMissing : FileState::kChanged,
                     "rpm -V: " + l.flags});
    }
  }
  out.files = Files::of(std::move(bad));
  return out;
}

void failAll(const Host& host, SoftwareFacts& facts, const std::string& method,
             const std::string& why) {
  for (PackageVerification* v : {&facts.issue, &facts.grub_menu, &facts.sysdirs}) {
    *v = PackageVerification{};
    v->method = method;
    v->files = Files::failed(why);
  }
  // Files that are not there need no package record to be judged.
  auto none_present = [&](const std::vector<std::string>& paths) {
    return std::none_of(paths.begin(), paths.end(),
                        [&](const std::string& p) { return host.entryExists(p); });
  };
  if (none_present(kIssueFiles)) facts.issue.files = Files::of({});
  if (none_present(kGrubMenu)) facts.grub_menu.files = Files::of({});
}

}  // namespace

bool inSystemDirectories(std::string_view path) {
  for (std::string_view dir : {"/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/"}) {
    if (path.starts_with(dir)) return true;
  }
  // /lib*: lib, lib32, lib64, libx32 (the first component only).
  if (!path.starts_with("/lib")) return false;
  auto slash = path.find('/', 1);
  return slash != std::string_view::npos && slash + 1 < path.size();
}

void probeSoftwareVerification(const Host& host, SoftwareFacts& facts, bool system_dirs) {
  const std::string& kind = facts.packages.kind;
  if (kind == "dpkg") {
    auto status = readIfPresent(host, "/var/lib/dpkg/status", facts.problems);
    if (!status) {
      failAll(host, facts, "dpkg", "could not read /var/lib/dpkg/status");
      return;
    }
    DpkgRecords rec = readDpkgRecords(host, *status, facts, system_dirs);
    facts.issue = verifyDpkgFiles(host, rec, kIssueFiles, facts);
    facts.grub_menu = verifyDpkgFiles(host, rec, kGrubMenu, facts);
    if (system_dirs) facts.sysdirs = verifyDpkgSysdirs(host, rec, facts);
    return;
  }
  if (kind == "rpm") {
    if (!host.hasRuntimeState()) {
      failAll(host, facts, "rpm -V",
              "not checked: offline root without rpm (the RPM database is read by rpm on the "
              "running system; run guestprep there)");
      return;
    }
    facts.issue = verifyRpmFiles(host, kIssueFiles, facts);
    facts.grub_menu = verifyRpmFiles(host, kGrubMenu, facts);
    if (system_dirs) facts.sysdirs = verifyRpmSysdirs(host, facts);
    return;
  }
  failAll(host, facts, "none", "no package database found (/var/lib/dpkg/status, /var/lib/rpm)");
}

}  // namespace guestprep::os_linux

// The result cache: memory (a short most-recently-used list) in front of a directory of
// self-checking files, one per result: a header naming the kind, key, value hash and size.
#include "host/result_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <spdlog/spdlog.h>

#include "host/posix_fs.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace guestprep::os_linux {

namespace {

constexpr std::string_view kMagic = "guestprep-cache 1";

std::string hex128(XXH128_hash_t h) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint64_t part : {h.high64, h.low64}) {
    for (int shift = 60; shift >= 0; shift -= 4) out += kHex[(part >> shift) & 0xf];
  }
  return out;
}

std::string hashOf(std::string_view data) { return hex128(XXH3_128bits(data.data(), data.size())); }

// Kinds and keys become file names: lower-case letters, digits and '-' only.
bool safeName(std::string_view s) {
  return !s.empty() && s.size() <= 100 && s.front() != '-' &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

// Why `dir` may not hold the cache ("" when it may): it must be a real directory of this user
// that nobody else can write to, since its content is trusted as guestprep's own results.
std::string unusableDirectory(const std::filesystem::path& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return std::string("cannot stat: ") + std::strerror(errno);
  if (!S_ISDIR(st.st_mode)) return "not a directory (or a symbolic link)";
  if (st.st_uid != ::geteuid()) return "owned by another user";
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) return "writable by group or others";
  return "";
}

// Creates `dir` (mode 0700) when missing, then checks it; "" when usable.
std::string prepareDirectory(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return std::string("cannot create: ") + std::strerror(errno);
  }
  return unusableDirectory(dir);
}

}  // namespace

std::string contentKey(std::string_view data) {
  return hashOf(data) + "-" + std::to_string(data.size());
}

ResultCache& ResultCache::process() {
  static ResultCache cache;
  return cache;
}

void ResultCache::configure(bool enabled, std::optional<std::filesystem::path> directory) {
  std::lock_guard lock(mutex_);
  enabled_ = enabled;
  dir_ = enabled ? std::move(directory) : std::nullopt;
  memory_.clear();
  stats_ = {};
}

ResultCache::Stats ResultCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::optional<std::filesystem::path> ResultCache::directory() const {
  std::lock_guard lock(mutex_);
  return dir_;
}

std::optional<std::string> ResultCache::get(std::string_view kind, std::string_view key) {
  std::lock_guard lock(mutex_);
  if (!enabled_ || !safeName(kind) || !safeName(key)) return std::nullopt;
  const std::string id = std::string(kind) + "/" + std::string(key);
  for (auto it = memory_.begin(); it != memory_.end(); ++it) {
    if (it->first != id) continue;
    memory_.splice(memory_.begin(), memory_, it);
    ++stats_.memory_hits;
    return memory_.front().second;
  }
  if (auto value = readEntry(std::string(kind), std::string(key))) {
    ++stats_.file_hits;
    memory_.emplace_front(id, *value);
    if (memory_.size() > kMemoryEntries) memory_.pop_back();
    return value;
  }
  ++stats_.misses;
  return std::nullopt;
}

void ResultCache::put(std::string_view kind, std::string_view key, const std::string& value) {
  std::lock_guard lock(mutex_);
  if (!enabled_ || !safeName(kind) || !safeName(key) || value.size() > kMaxValueBytes) return;
  const std::string id = std::string(kind) + "/" + std::string(key);
  std::erase_if(memory_, [&](const auto& e) { return e.first == id; });
  memory_.emplace_front(id, value);
  if (memory_.size() > kMemoryEntries) memory_.pop_back();
  ++stats_.stored;
  if (dir_) writeEntry(std::string(kind), std::string(key), value);
}

std::optional<std::string> ResultCache::readEntry(const std::string& kind, const std::string& key) {
  if (!dir_ || !unusableDirectory(*dir_).empty() || !unusableDirectory(*dir_ / kind).empty()) {
    return std::nullopt;
  }
  const std::filesystem::path file = *dir_ / kind / key;
  Fd fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return std::nullopt;  // not there: an ordinary miss
  auto reject = [&](const char* why) -> std::optional<std::string> {
    spdlog::debug("cache: {} not used: {}", file.string(), why);
    ++stats_.rejected;
    return std::nullopt;
  };
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return reject("not a regular file");
  if (st.st_uid != ::geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return reject("owned by another user or writable by others");
  }
  if (static_cast<std::uint64_t>(st.st_size) > kMaxValueBytes + 4096) return reject("too large");
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return reject("short read");
    got += static_cast<std::size_t>(n);
  }
  // magic \n kind \n key \n hash size \n value
  std::string_view rest = text;
  auto line = [&]() -> std::optional<std::string_view> {
    auto nl = rest.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view l = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    return l;
  };
  auto magic = line();
  auto k = line();
  auto y = line();
  auto sum = line();
  if (!magic || *magic != kMagic) return reject("not a cache file of this version");
  if (!k || *k != kind || !y || *y != key || !sum) return reject("header names another entry");
  if (*sum != hashOf(rest) + " " + std::to_string(rest.size())) {
    return reject("content does not match its hash (truncated or edited)");
  }
  return std::string(rest);
}

void ResultCache::writeEntry(const std::string& kind, const std::string& key,
                             const std::string& value) {
  std::error_code parent_ec;  // ~/.cache may not exist yet
  std::filesystem::create_directories(dir_->parent_path(), parent_ec);
  for (const std::filesystem::path& d : {*dir_, *dir_ / kind}) {
    if (std::string why = prepareDirectory(d); !why.empty()) {
      spdlog::info("cache directory {} not used: {}", d.string(), why);
      return;
    }
  }
  const std::filesystem::path dir = *dir_ / kind;
  std::string tmp = (dir / ".tmp-XXXXXX").string();
  int raw = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (raw < 0) {
    spdlog::info("cache: cannot write in {}: {}", dir.string(), std::strerror(errno));
    return;
  }
  Fd fd(raw);
  std::string text = std::string(kMagic) + "\n" + kind + "\n" + key + "\n" + hashOf(value) + " " +
                     std::to_string(value.size()) + "\n" + value;
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      spdlog::info("cache: cannot write {}: {}", tmp, std::strerror(errno));
      ::unlink(tmp.c_str());
      return;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::rename(tmp.c_str(), (dir / key).c_str()) != 0) {
    spdlog::info("cache: cannot rename {}: {}", tmp, std::strerror(errno));
    ::unlink(tmp.c_str());
    return;
  }
  // Keep the newest kFilesPerKind entries of this kind.
  std::vector<std::pair<std::filesystem::file_time_type, std::filesystem::path>> entries;
  std::error_code ec;
  const auto stale = std::filesystem::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    auto t = e.last_write_time(ec);
    if (ec) continue;
    if (e.path().filename().string().starts_with(".tmp-")) {
      // Left by a run that stopped while writing; one being written now is younger.
      if (t < stale) std::filesystem::remove(e.path(), ec);
      continue;
    }
    entries.emplace_back(t, e.path());
  }
  if (entries.size() <= kFilesPerKind) return;
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = kFilesPerKind; i < entries.size(); ++i) {
    std::filesystem::remove(entries[i].second, ec);
  }
}

std::optional<std::filesystem::path> defaultCacheDirectory() {
  if (const char* env = std::getenv("GUESTPREP_CACHE_DIR")) {
    if (*env == '\0') return std::nullopt;
    return std::filesystem::path(env);
  }
  if (::geteuid() == 0) return std::filesystem::path("/var/cache/guestprep");
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') {
    return std::filesystem::path(xdg) / "guestprep";
  }
  if (const char* home = std::getenv("HOME"); home && *home == '/') {
    return std::filesystem::path(home) / ".cache" / "guestprep";
  }
  return std::nullopt;
}

}  // namespace guestprep::os_linux

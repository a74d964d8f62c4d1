#include "host/offline_files.h"

namespace guestprep::os_windows {

OfflineFiles::OfflineFiles(std::unique_ptr<Host> inner, std::string dir)
    : inner_(std::move(inner)), dir_(std::move(dir)) {
  while (!dir_.empty() && (dir_.back() == '\\' || dir_.back() == '/')) dir_.pop_back();
}

Result<std::string> OfflineFiles::inside(std::string_view path, bool allow_final_link) const {
  if (path.empty() || path.front() != '/') {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(path) + "' is not an absolute path");
  }
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path.substr(1)) {
    if (c == '/' || c == '\\') {
      if (!cur.empty()) parts.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) parts.push_back(std::move(cur));
  std::string out = dir_;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "..") {
      return fail(ErrorCode::kPermission,
                  "'" + std::string(path) + "': '..' would leave the root " + dir_);
    }
    if (parts[i] == ".") continue;
    out += "\\" + parts[i];
    bool last = i + 1 == parts.size();
    if (last && allow_final_link) break;
    auto st = inner_->lstat(out);
    if (!st) {
      if (st.error().code == ErrorCode::kNotFound && last) break;  // the caller reports it
      return std::unexpected(st.error());
    }
    if (st->type == FileStat::Type::kSymlink) {
      return fail(ErrorCode::kPermission,
                  "'" + out + "' is a link or junction: not followed, its target is outside " +
                      "the root " + dir_);
    }
  }
  if (parts.empty()) out += "\\";
  return out;
}

Result<std::string> OfflineFiles::readFile(std::string_view path, std::size_t max_bytes) const {
  auto p = inside(path, false);
  if (!p) return std::unexpected(p.error());
  return inner_->readFile(*p, max_bytes);
}

Result<std::vector<std::string>> OfflineFiles::listDir(std::string_view path) const {
  auto p = inside(path, false);
  if (!p) return std::unexpected(p.error());
  return inner_->listDir(*p);
}

Result<FileStat> OfflineFiles::stat(std::string_view path) const {
  auto p = inside(path, false);
  if (!p) return std::unexpected(p.error());
  return inner_->stat(*p);
}

Result<FileStat> OfflineFiles::lstat(std::string_view path) const {
  auto p = inside(path, true);
  if (!p) return std::unexpected(p.error());
  return inner_->lstat(*p);
}

Result<std::string> OfflineFiles::readLink(std::string_view path) const {
  auto p = inside(path, true);
  if (!p) return std::unexpected(p.error());
  return inner_->readLink(*p);
}

Result<std::string> OfflineFiles::canonicalPath(std::string_view path) const {
  auto p = inside(path, false);
  if (!p) return std::unexpected(p.error());
  // No link on the way: the lexical path is the canonical one.
  return std::string(path);
}

Result<std::uint32_t> OfflineFiles::inodeFlags(std::string_view path) const {
  auto p = inside(path, false);
  if (!p) return std::unexpected(p.error());
  return inner_->inodeFlags(*p);
}

Result<FsStats> OfflineFiles::fsStats(std::string_view path) const {
  auto p = inside(path, false);
  if (!p) return std::unexpected(p.error());
  return inner_->fsStats(*p);
}

Result<CommandResult> OfflineFiles::run(const std::vector<std::string>& argv,
                                        std::chrono::milliseconds /*timeout*/) const {
  return fail(ErrorCode::kUnsupported,
              "'" + (argv.empty() ? std::string() : argv.front()) +
                  "' was not run: commands of an offline root cannot run from here");
}

}  // namespace guestprep::os_windows

// TestHost: a fixture tree on disk plus recorded command outputs.
#include "support/test_host.h"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "host/posix_fs.h"

namespace guestprep::testing {

namespace {

std::string makeTempRoot() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "guestprep-test-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return std::filesystem::canonical(tmpl).string();
}

}  // namespace

TestHost::TestHost() : TestHost(makeTempRoot(), true) {}

TestHost::TestHost(const std::filesystem::path& existing_root)
    : TestHost(std::filesystem::canonical(existing_root).string(), false) {
  std::filesystem::path cmds = existing_root / "commands.json";
  if (std::filesystem::exists(cmds)) {
    std::ifstream in(cmds);
    nlohmann::json j = nlohmann::json::parse(in);
    for (const auto& c : j) {
      addCommand(c.at("argv").get<std::vector<std::string>>(),
                 CommandResult{c.value("exit_code", 0), c.value("out", std::string()),
                               c.value("err", std::string())});
    }
  }
}

TestHost::TestHost(std::string root, bool owned) : RootHost(std::move(root)), owned_(owned) {}

TestHost::~TestHost() {
  if (owned_) {
    std::error_code ec;
    std::filesystem::remove_all(root(), ec);
  }
}

std::filesystem::path TestHost::hostPath(std::string_view path) const {
  return std::filesystem::path(root()) / std::filesystem::path(path).relative_path();
}

TestHost& TestHost::addFile(std::string_view path, std::string_view content, unsigned mode) {
  auto p = hostPath(path);
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  std::filesystem::permissions(p, static_cast<std::filesystem::perms>(mode));
  return *this;
}

TestHost& TestHost::addDir(std::string_view path) {
  std::filesystem::create_directories(hostPath(path));
  return *this;
}

TestHost& TestHost::addSymlink(std::string_view path, std::string_view target) {
  auto p = hostPath(path);
  std::filesystem::create_directories(p.parent_path());
  std::filesystem::remove(p);
  std::filesystem::create_symlink(std::string(target), p);
  return *this;
}

TestHost& TestHost::addCommand(std::vector<std::string> argv, CommandResult result) {
  commands_[std::move(argv)] = std::move(result);
  return *this;
}

TestHost& TestHost::setInodeFlags(std::string_view path, std::uint32_t flags) {
  inode_flags_[std::string(path)] = flags;
  return *this;
}

TestHost& TestHost::setFsStats(std::string_view path, FsStats stats) {
  fs_stats_[std::string(path)] = stats;
  return *this;
}

TestHost& TestHost::setBlockDevice(std::string_view device, std::filesystem::path file) {
  block_devices_[std::string(device)] = std::move(file);
  return *this;
}

Result<std::unique_ptr<disk::BlockSource>> TestHost::openBlockDevice(std::string_view path) const {
  if (auto it = block_devices_.find(path); it != block_devices_.end())
    return os_linux::posixOpenBlockDevice(it->second.string(), std::string(path));
  return RootHost::openBlockDevice(path);
}

Result<std::uint32_t> TestHost::inodeFlags(std::string_view path) const {
  if (auto it = inode_flags_.find(path); it != inode_flags_.end()) return it->second;
  return RootHost::inodeFlags(path);
}

Result<FsStats> TestHost::fsStats(std::string_view path) const {
  if (auto it = fs_stats_.find(path); it != fs_stats_.end()) return it->second;
  return RootHost::fsStats(path);
}

Result<CommandResult> TestHost::run(const std::vector<std::string>& argv,
                                    std::chrono::milliseconds /*timeout*/) const {
  auto it = commands_.find(argv);
  if (it == commands_.end()) {
    return fail(ErrorCode::kNotFound,
                "command '" + (argv.empty() ? std::string() : argv.front()) + "' is not installed");
  }
  return it->second;
}

}  // namespace guestprep::testing

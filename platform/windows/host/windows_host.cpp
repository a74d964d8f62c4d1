// WindowsHost: files and commands of the live Windows system.
#include "host/windows_host.h"

#include <windows.h>

#include <algorithm>
#include <thread>

#include "host/command_line.h"
#include "host/win32_util.h"

namespace guestprep::os_windows {

namespace {

// Closes a handle when it goes out of scope.
struct Handle {
  HANDLE h = INVALID_HANDLE_VALUE;
  Handle() = default;
  explicit Handle(HANDLE v) : h(v) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  void reset() {
    if (h && h != INVALID_HANDLE_VALUE) CloseHandle(h);
    h = INVALID_HANDLE_VALUE;
  }
  [[nodiscard]] bool ok() const { return h && h != INVALID_HANDLE_VALUE; }
};

std::string quoted(std::string_view path) { return "'" + std::string(path) + "'"; }

FileStat statFrom(const WIN32_FILE_ATTRIBUTE_DATA& a, bool follow) {
  FileStat st;
  bool reparse = (a.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0;
  if (reparse && !follow) {
    st.type = FileStat::Type::kSymlink;
  } else if (a.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
    st.type = FileStat::Type::kDirectory;
  } else {
    st.type = FileStat::Type::kRegular;
  }
  // POSIX-style bits for the portable code: read-only files lose their write bits.
  st.mode = (a.dwFileAttributes & FILE_ATTRIBUTE_READONLY) ? 0444 : 0644;
  if (st.type == FileStat::Type::kDirectory) st.mode |= 0111;
  st.size = (static_cast<std::uint64_t>(a.nFileSizeHigh) << 32) | a.nFileSizeLow;
  return st;
}

// Reads a pipe to its end (in a thread of its own, so a full stderr cannot block stdout).
void drain(HANDLE pipe, std::string& out) {
  char buf[4096];
  DWORD got = 0;
  while (ReadFile(pipe, buf, sizeof buf, &got, nullptr) && got > 0) out.append(buf, got);
}

}  // namespace

Result<std::string> WindowsHost::readFile(std::string_view path, std::size_t max_bytes) const {
  Handle f(CreateFileW(filePath(path).c_str(), GENERIC_READ,
                       FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!f.ok()) return std::unexpected(win32Error(quoted(path), GetLastError()));
  LARGE_INTEGER size{};
  if (!GetFileSizeEx(f.h, &size)) return std::unexpected(win32Error(quoted(path), GetLastError()));
  if (static_cast<std::uint64_t>(size.QuadPart) > max_bytes) {
    return fail(ErrorCode::kTooLarge,
                quoted(path) + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  std::string out;
  char buf[65536];
  DWORD got = 0;
  while (true) {
    if (!ReadFile(f.h, buf, sizeof buf, &got, nullptr)) {
      return std::unexpected(win32Error(quoted(path), GetLastError()));
    }
    if (got == 0) break;
    out.append(buf, got);
    if (out.size() > max_bytes) {
      return fail(ErrorCode::kTooLarge,
                  quoted(path) + " grew past " + std::to_string(max_bytes) + " bytes");
    }
  }
  return out;
}

Result<std::vector<std::string>> WindowsHost::listDir(std::string_view path) const {
  std::string pattern(path);
  if (!pattern.ends_with('\\') && !pattern.ends_with('/')) pattern += '\\';
  pattern += '*';
  WIN32_FIND_DATAW fd;
  HANDLE h = FindFirstFileW(filePath(pattern).c_str(), &fd);
  if (h == INVALID_HANDLE_VALUE) return std::unexpected(win32Error(quoted(path), GetLastError()));
  std::vector<std::string> names;
  do {
    std::wstring_view n(fd.cFileName);
    if (n != L"." && n != L"..") names.push_back(narrow(n));
  } while (FindNextFileW(h, &fd));
  DWORD last = GetLastError();
  FindClose(h);
  if (last != ERROR_NO_MORE_FILES) return std::unexpected(win32Error(quoted(path), last));
  std::sort(names.begin(), names.end());
  return names;
}

Result<FileStat> WindowsHost::stat(std::string_view path) const {
  WIN32_FILE_ATTRIBUTE_DATA a;
  if (!GetFileAttributesExW(filePath(path).c_str(), GetFileExInfoStandard, &a)) {
    return std::unexpected(win32Error(quoted(path), GetLastError()));
  }
  return statFrom(a, true);
}

Result<FileStat> WindowsHost::lstat(std::string_view path) const {
  WIN32_FILE_ATTRIBUTE_DATA a;
  if (!GetFileAttributesExW(filePath(path).c_str(), GetFileExInfoStandard, &a)) {
    return std::unexpected(win32Error(quoted(path), GetLastError()));
  }
  return statFrom(a, false);
}

Result<std::string> WindowsHost::readLink(std::string_view path) const {
  // A reparse point's target as the system resolves it (symlinks and junctions alike).
  auto st = lstat(path);
  if (!st) return std::unexpected(st.error());
  if (st->type != FileStat::Type::kSymlink) {
    return fail(ErrorCode::kInvalidInput, quoted(path) + " is not a reparse point");
  }
  return canonicalPath(path);
}

Result<std::string> WindowsHost::canonicalPath(std::string_view path) const {
  std::wstring wide = widen(path);
  Handle f(CreateFileW(wide.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                       nullptr, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr));
  if (!f.ok()) {
    // The final component need not exist: the full path, normalised, is the answer then.
    DWORD n = GetFullPathNameW(wide.c_str(), 0, nullptr, nullptr);
    if (n == 0) return std::unexpected(win32Error(quoted(path), GetLastError()));
    std::wstring full(n, L'\0');
    n = GetFullPathNameW(wide.c_str(), n, full.data(), nullptr);
    full.resize(n);
    return narrow(full);
  }
  DWORD n = GetFinalPathNameByHandleW(f.h, nullptr, 0, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
  if (n == 0) return std::unexpected(win32Error(quoted(path), GetLastError()));
  std::wstring final_path(n, L'\0');
  n = GetFinalPathNameByHandleW(f.h, final_path.data(), n, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
  final_path.resize(n);
  if (final_path.starts_with(L"\\\\?\\UNC\\")) {
    final_path = L"\\\\" + final_path.substr(8);
  } else if (final_path.starts_with(L"\\\\?\\")) {
    final_path.erase(0, 4);
  }
  return narrow(final_path);
}

Result<std::uint32_t> WindowsHost::inodeFlags(std::string_view path) const {
  return fail(ErrorCode::kUnsupported,
              quoted(path) + ": Windows files have no inode flags (see their attributes)");
}

Result<FsStats> WindowsHost::fsStats(std::string_view path) const {
  std::wstring wide = widen(path);
  wchar_t root[MAX_PATH];
  if (!GetVolumePathNameW(wide.c_str(), root, MAX_PATH)) {
    return std::unexpected(win32Error(quoted(path), GetLastError()));
  }
  DWORD sectors_per_cluster = 0, bytes_per_sector = 0, free_clusters = 0, clusters = 0;
  ULARGE_INTEGER avail{}, total{}, free_bytes{};
  if (!GetDiskFreeSpaceW(root, &sectors_per_cluster, &bytes_per_sector, &free_clusters,
                         &clusters) ||
      !GetDiskFreeSpaceExW(root, &avail, &total, &free_bytes)) {
    return std::unexpected(win32Error(quoted(path), GetLastError()));
  }
  FsStats s;
  s.block_size = static_cast<std::uint64_t>(sectors_per_cluster) * bytes_per_sector;
  if (s.block_size == 0) return fail(ErrorCode::kIo, quoted(path) + ": cluster size 0");
  // The 64-bit byte counts, not the 32-bit cluster counts, which saturate on large volumes.
  s.blocks = total.QuadPart / s.block_size;
  s.blocks_free = free_bytes.QuadPart / s.block_size;
  s.blocks_avail = avail.QuadPart / s.block_size;
  return s;
}

Result<CommandResult> WindowsHost::run(const std::vector<std::string>& argv,
                                       std::chrono::milliseconds timeout) const {
  if (argv.empty()) return fail(ErrorCode::kInvalidInput, "empty command");
  SECURITY_ATTRIBUTES sa{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  Handle out_read, out_write, err_read, err_write;
  if (!CreatePipe(&out_read.h, &out_write.h, &sa, 0) ||
      !CreatePipe(&err_read.h, &err_write.h, &sa, 0)) {
    return std::unexpected(win32Error("CreatePipe", GetLastError()));
  }
  // Only the child's ends are inherited.
  SetHandleInformation(out_read.h, HANDLE_FLAG_INHERIT, 0);
  SetHandleInformation(err_read.h, HANDLE_FLAG_INHERIT, 0);
  Handle null_in(CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                             OPEN_EXISTING, 0, nullptr));
  STARTUPINFOW si{};
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = null_in.h;
  si.hStdOutput = out_write.h;
  si.hStdError = err_write.h;
  std::wstring cmdline = widen(buildCommandLine(argv));
  // A job holds the command and whatever it starts, so a timeout ends them all (a grandchild
  // holding the pipes would otherwise keep the readers waiting).
  Handle job(CreateJobObjectW(nullptr, nullptr));
  if (!job.ok()) return std::unexpected(win32Error("CreateJobObject", GetLastError()));
  PROCESS_INFORMATION pi{};
  if (!CreateProcessW(nullptr, cmdline.data(), nullptr, nullptr, TRUE,
                      CREATE_NO_WINDOW | CREATE_SUSPENDED, nullptr, nullptr, &si, &pi)) {
    return std::unexpected(win32Error("'" + argv[0] + "'", GetLastError()));
  }
  Handle process(pi.hProcess), thread(pi.hThread);
  if (!AssignProcessToJobObject(job.h, process.h)) {
    DWORD e = GetLastError();
    TerminateProcess(process.h, 1);
    return std::unexpected(win32Error("AssignProcessToJobObject", e));
  }
  ResumeThread(thread.h);
  out_write.reset();
  err_write.reset();
  CommandResult result;
  std::thread out_reader(drain, out_read.h, std::ref(result.out));
  std::thread err_reader(drain, err_read.h, std::ref(result.err));
  DWORD wait = WaitForSingleObject(process.h, static_cast<DWORD>(timeout.count()));
  bool timed_out = wait == WAIT_TIMEOUT;
  if (timed_out) {
    TerminateJobObject(job.h, 1);
    WaitForSingleObject(process.h, INFINITE);
  }
  out_reader.join();
  err_reader.join();
  if (timed_out) {
    return fail(ErrorCode::kTimeout,
                "'" + argv[0] + "' did not finish in " + std::to_string(timeout.count()) + " ms");
  }
  DWORD code = 0;
  GetExitCodeProcess(process.h, &code);
  result.exit_code = static_cast<int>(code);
  return result;
}

Result<std::unique_ptr<disk::BlockSource>> WindowsHost::openBlockDevice(
    std::string_view path) const {
  return fail(ErrorCode::kUnsupported,
              quoted(path) +
                  ": reading a disk's sectors is not implemented on Windows yet "
                  "(needed by the system-disk checks, W-DISK)");
}

}  // namespace guestprep::os_windows

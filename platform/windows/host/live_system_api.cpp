// LiveWindowsApi, continued: the password rules (NetUserModalsGet, NetUserGetInfo, secedit), and
// the system volume and its disk (GetVolumeInformation, FSCTL_IS_VOLUME_DIRTY,
// IOCTL_DISK_GET_DRIVE_LAYOUT_EX).
#include <windows.h>

#include <lm.h>
#include <winioctl.h>

#include <cctype>
#include <chrono>
#include <memory>
#include <vector>

#include "host/live_api.h"
#include "host/win32_util.h"
#include "host/windows_host.h"
#include "parsers/win_text.h"

namespace guestprep::os_windows {

namespace {

// Closes a handle when it goes out of scope.
struct OwnedHandle {
  HANDLE h = INVALID_HANDLE_VALUE;
  explicit OwnedHandle(HANDLE v) : h(v) {}
  OwnedHandle(const OwnedHandle&) = delete;
  OwnedHandle& operator=(const OwnedHandle&) = delete;
  ~OwnedHandle() {
    if (ok()) CloseHandle(h);
  }
  [[nodiscard]] bool ok() const { return h && h != INVALID_HANDLE_VALUE; }
};

// "C:" (or "C:\\") -> "C:"; anything else is refused rather than opened.
Result<std::string> driveOf(std::string_view drive) {
  if (drive.size() < 2 || drive[1] != ':' || !std::isalpha(static_cast<unsigned char>(drive[0]))) {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(drive) + "' is not a drive letter");
  }
  return std::string(drive.substr(0, 2));
}

// \\.\C: opened with `access` (0 asks only for attributes; reading needs an administrator).
Result<std::unique_ptr<OwnedHandle>> openVolume(const std::string& drive, DWORD access) {
  std::wstring path = L"\\\\.\\" + widen(drive);
  auto h = std::make_unique<OwnedHandle>(CreateFileW(path.c_str(), access,
                                                     FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                                                     OPEN_EXISTING, 0, nullptr));
  if (!h->ok()) return std::unexpected(win32Error("open \\\\.\\" + drive, GetLastError()));
  return h;
}

}  // namespace

Result<UserModals> LiveWindowsApi::userModals() const {
  USER_MODALS_INFO_0* info = nullptr;
  NET_API_STATUS st = NetUserModalsGet(nullptr, 0, reinterpret_cast<LPBYTE*>(&info));
  if (st != NERR_Success) {
    return std::unexpected(win32Error("NetUserModalsGet", static_cast<DWORD>(st)));
  }
  UserModals m;
  m.min_length = info->usrmod0_min_passwd_len;
  m.history_length = info->usrmod0_password_hist_len;
  m.max_age_seconds = info->usrmod0_max_passwd_age == TIMEQ_FOREVER
                          ? -1
                          : static_cast<std::int64_t>(info->usrmod0_max_passwd_age);
  m.min_age_seconds = info->usrmod0_min_passwd_age;
  NetApiBufferFree(info);
  return m;
}

Result<std::string> LiveWindowsApi::securityPolicyExport() const {
  wchar_t dir[MAX_PATH + 1];
  wchar_t file[MAX_PATH + 1];
  if (!GetTempPathW(MAX_PATH + 1, dir) || !GetTempFileNameW(dir, L"gpr", 0, file)) {
    return std::unexpected(win32Error("a temporary file for secedit", GetLastError()));
  }
  std::string path = narrow(file);
  WindowsHost host;
  auto r = host.run({"secedit", "/export", "/cfg", path, "/areas", "SECURITYPOLICY", "/quiet"},
                    std::chrono::seconds(60));
  Result<std::string> text =
      r ? host.readFile(path) : Result<std::string>(std::unexpected(r.error()));
  DeleteFileW(file);
  if (!r) return std::unexpected(r.error());
  if (r->exit_code != 0) {
    std::string said = decodeWindowsText(r->out + r->err).text;
    return fail(ErrorCode::kPermission,
                "secedit /export exited with " + std::to_string(r->exit_code) +
                    " (it needs an administrator)" + (said.empty() ? "" : ": " + said));
  }
  if (!text) return std::unexpected(text.error());
  return decodeWindowsText(*text).text;
}

Result<std::string> LiveWindowsApi::userFullName(std::string_view account) const {
  USER_INFO_10* info = nullptr;
  NET_API_STATUS st =
      NetUserGetInfo(nullptr, widen(account).c_str(), 10, reinterpret_cast<LPBYTE*>(&info));
  std::string what = "NetUserGetInfo(" + std::string(account) + ")";
  if (st == NERR_UserNotFound) return fail(ErrorCode::kNotFound, what + ": no such user");
  if (st != NERR_Success) return std::unexpected(win32Error(what, static_cast<DWORD>(st)));
  std::string full = info->usri10_full_name ? narrow(info->usri10_full_name) : std::string();
  NetApiBufferFree(info);
  return full;
}

Result<VolumeInfo> LiveWindowsApi::volumeInfo(std::string_view drive) const {
  auto d = driveOf(drive);
  if (!d) return std::unexpected(d.error());
  std::wstring root = widen(*d) + L"\\";
  wchar_t fs[MAX_PATH + 1] = {};
  if (!GetVolumeInformationW(root.c_str(), nullptr, 0, nullptr, nullptr, nullptr, fs,
                             MAX_PATH + 1)) {
    return std::unexpected(win32Error("GetVolumeInformation(" + *d + ")", GetLastError()));
  }
  ULARGE_INTEGER avail{}, total{}, free_bytes{};
  if (!GetDiskFreeSpaceExW(root.c_str(), &avail, &total, &free_bytes)) {
    return std::unexpected(win32Error("GetDiskFreeSpaceEx(" + *d + ")", GetLastError()));
  }
  return VolumeInfo{narrow(fs), total.QuadPart, avail.QuadPart};
}

Result<bool> LiveWindowsApi::volumeDirty(std::string_view drive) const {
  auto d = driveOf(drive);
  if (!d) return std::unexpected(d.error());
  auto h = openVolume(*d, GENERIC_READ);
  if (!h) return std::unexpected(h.error());
  ULONG flags = 0;
  DWORD got = 0;
  if (!DeviceIoControl((*h)->h, FSCTL_IS_VOLUME_DIRTY, nullptr, 0, &flags, sizeof flags, &got,
                       nullptr)) {
    return std::unexpected(win32Error("FSCTL_IS_VOLUME_DIRTY(" + *d + ")", GetLastError()));
  }
  return (flags & 0x1) != 0;  // VOLUME_IS_DIRTY
}

Result<DiskLayout> LiveWindowsApi::diskLayout(std::string_view drive) const {
  auto d = driveOf(drive);
  if (!d) return std::unexpected(d.error());
  auto vol = openVolume(*d, 0);
  if (!vol) return std::unexpected(vol.error());
  // The disk of the volume's first extent: the system volume lies on one disk.
  std::vector<BYTE> ext(sizeof(VOLUME_DISK_EXTENTS) + 8 * sizeof(DISK_EXTENT));
  DWORD got = 0;
  if (!DeviceIoControl((*vol)->h, IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS, nullptr, 0, ext.data(),
                       static_cast<DWORD>(ext.size()), &got, nullptr)) {
    return std::unexpected(
        win32Error("IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS(" + *d + ")", GetLastError()));
  }
  const auto* extents = reinterpret_cast<const VOLUME_DISK_EXTENTS*>(ext.data());
  if (extents->NumberOfDiskExtents == 0) {
    return fail(ErrorCode::kIo, *d + ": the volume reports no disk extent");
  }
  DiskLayout out;
  out.disk_number = extents->Extents[0].DiskNumber;
  std::string disk = "\\\\.\\PhysicalDrive" + std::to_string(out.disk_number);
  OwnedHandle h(CreateFileW(widen(disk).c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                            nullptr, OPEN_EXISTING, 0, nullptr));
  if (!h.ok()) return std::unexpected(win32Error("open " + disk, GetLastError()));
  std::vector<BYTE> buf(sizeof(DRIVE_LAYOUT_INFORMATION_EX) +
                        16 * sizeof(PARTITION_INFORMATION_EX));
  while (!DeviceIoControl(h.h, IOCTL_DISK_GET_DRIVE_LAYOUT_EX, nullptr, 0, buf.data(),
                          static_cast<DWORD>(buf.size()), &got, nullptr)) {
    DWORD err = GetLastError();
    if (err != ERROR_INSUFFICIENT_BUFFER || buf.size() > (1u << 20)) {
      return std::unexpected(win32Error("IOCTL_DISK_GET_DRIVE_LAYOUT_EX(" + disk + ")", err));
    }
    buf.resize(buf.size() * 2);
  }
  const auto* layout = reinterpret_cast<const DRIVE_LAYOUT_INFORMATION_EX*>(buf.data());
  switch (layout->PartitionStyle) {
    case PARTITION_STYLE_MBR:
      out.style = "mbr";
      break;
    case PARTITION_STYLE_GPT:
      out.style = "gpt";
      break;
    default:
      out.style = "raw";
      break;
  }
  for (DWORD i = 0; i < layout->PartitionCount; ++i) {
    const PARTITION_INFORMATION_EX& p = layout->PartitionEntry[i];
    bool used = p.PartitionStyle == PARTITION_STYLE_MBR ? p.Mbr.PartitionType != 0
                                                        : p.PartitionLength.QuadPart > 0;
    if (used) ++out.partitions;
  }
  return out;
}

}  // namespace guestprep::os_windows

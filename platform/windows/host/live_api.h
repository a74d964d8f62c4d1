// LiveWindowsApi: WindowsApi of the running system — the registry (64-bit view), the service
// control manager, RtlGetVersion, GetExtendedTcpTable and INetFwPolicy2.
#pragma once

#include "host/windows_api.h"

namespace guestprep::os_windows {

class LiveWindowsApi : public WindowsApi {
 public:
  [[nodiscard]] Result<RegValue> regValue(std::string_view key,
                                          std::string_view name) const override;
  [[nodiscard]] Result<std::vector<std::string>> regSubkeys(std::string_view key) const override;
  [[nodiscard]] Result<std::vector<std::string>> regValueNames(std::string_view key) const override;
  [[nodiscard]] Result<ServiceInfo> service(std::string_view name) const override;
  [[nodiscard]] Result<OsVersionInfo> osVersion() const override;
  [[nodiscard]] Result<std::vector<TcpListener>> tcpListeners() const override;
  [[nodiscard]] Result<bool> firewallEnabled(FirewallProfile profile) const override;
  [[nodiscard]] Result<UserModals> userModals() const override;
  [[nodiscard]] Result<std::string> securityPolicyExport() const override;
  [[nodiscard]] Result<std::string> userFullName(std::string_view account) const override;
  [[nodiscard]] Result<VolumeInfo> volumeInfo(std::string_view drive) const override;
  [[nodiscard]] Result<bool> volumeDirty(std::string_view drive) const override;
  [[nodiscard]] Result<DiskLayout> diskLayout(std::string_view drive) const override;
};

}  // namespace guestprep::os_windows

// The kernel command lines the next boot may use, read from the boot loader configuration of
// the audited system (shared by the IPv6 and cloud-init probes).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"
#include "host/host.h"

namespace guestprep::os_linux {

/// Every kernel command line found for the next boot, with what could not be read.
struct NextBootCmdlines {
  std::vector<KernelCmdline> lines;
  std::vector<ConfigProblem> problems;  ///< with file set
  std::vector<std::string> files;       ///< boot configuration files read; empty when none
};

/// Reads, in this order: every menu entry of grub2's grub.cfg (/boot/grub, /boot/grub2,
/// /boot/efi/EFI/*; variables from the grubenv beside it), the line /etc/default/grub (and
/// /etc/default/grub.d/*.cfg) makes grub-mkconfig write, Boot Loader Specification entries
/// (/boot/loader/entries/*.conf, `$kernelopts` from grubenv), and GRUB legacy `kernel` lines
/// (/boot/grub/grub.conf, /boot/grub/menu.lst, /etc/grub.conf). A file reached twice through
/// symlinks is read once. A missing file is normal; when no boot configuration at all is
/// found, that is recorded as a problem, since the next boot's command line is then unknown.
NextBootCmdlines readNextBootCmdlines(const Host& host);

}  // namespace guestprep::os_linux

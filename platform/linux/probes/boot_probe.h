// The boot probe: the default boot kernel (from the boot loader configuration), its modules and
// its initramfs listing, for L-DRIVERS, X-NVME and X-BOOTKERNEL.
#pragma once

#include <cstddef>
#include <string>

#include "facts/facts.h"
#include "host/host.h"
#include "parsers/boot_initramfs.h"

namespace guestprep::os_linux {

/// Largest initramfs read; distribution images are 10-100 MiB.
inline constexpr std::size_t kMaxInitramfsBytes = std::size_t{512} * 1024 * 1024;

/// The listing of an initramfs image's content, through the process's ResultCache: taken from it
/// by the content's hash, or listed (listInitramfs) and kept when the listing is complete.
/// `shown_path` names the image in logs.
InitramfsListing listInitramfsCached(const std::string& image, const std::string& shown_path);

/// Fills BootFacts: the default entry of grub2 grub.cfg (with its grubenv; BLS entries when it
/// runs blscfg), else BLS entries alone, else GRUB legacy grub.conf/menu.lst; the kernel
/// release from the entry's image; /lib/modules/<release> (modules.dep, modules.builtin, or a
/// walk of the tree without modules.dep); /boot/config-<release>; and the entry's initramfs (or
/// the distribution's name for it) listed natively (listInitramfsCached).
void probeBoot(const Host& host, BootFacts& facts);

}  // namespace guestprep::os_linux

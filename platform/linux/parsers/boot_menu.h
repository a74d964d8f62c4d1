// Boot menus as the boot loader sees them, to decide which kernel boots by default: grub2
// grub.cfg (menu entries, submenus, `set default=`), Boot Loader Specification entries, GRUB
// legacy menu.lst / grub.conf (`default=`, `title` sections).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"
#include "parsers/grub_script.h"

namespace guestprep::os_linux {

/// One item of a boot menu: an entry that boots something, or a grub2 submenu.
struct MenuItem {
  std::string title;
  std::string id;  ///< grub2 `--id` / `$menuentry_id_option 'x'`, BLS file stem; "" if none
  int line = 0;    ///< line of the `menuentry` / `title` (1-based)
  std::string
      kernel;  ///< the Linux image as written ("/vmlinuz-3.10.0-229.el7.x86_64"); "" if none
  int kernel_line = 0;
  std::string initrd;   ///< the initramfs image as written; "" if the entry names none
  std::string version;  ///< BLS `version`; "" elsewhere
  bool submenu = false;
  std::vector<MenuItem> children;  ///< items of a submenu
  bool operator==(const MenuItem&) const = default;
};

/// A boot menu and the loader's `default` setting.
struct BootMenu {
  std::vector<MenuItem> items;
  std::string default_value;  ///< as resolved ("0", a title, an id, "1>2"); "" when unset
  int default_line = 0;       ///< where it was set (0: not set in this file)
  bool uses_blscfg = false;   ///< grub.cfg runs `blscfg`: the menu is /boot/loader/entries
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set
};

/// grub2 grub.cfg. `set default=` commands outside menu entries are read in order and the last
/// one whose value is fully expanded from `vars` (the grubenv) wins; `next_entry` is a one-shot
/// choice and is not used. An unexpanded value (`${saved_entry}` with no saved entry) makes GRUB
/// fall back to the first entry, as here.
BootMenu parseGrubMenu(std::string_view text, const GrubVars& vars);

/// GRUB legacy menu.lst / grub.conf: `default` (N or `saved`) and each `title` section's
/// `kernel` and `initrd` (for Xen entries the first `module` is the kernel, the second the
/// initrd).
BootMenu parseGrubLegacyMenu(std::string_view text);

/// One Boot Loader Specification entry's `title`, `version`, `linux`, `initrd` (a `key value`
/// file); `id` is left for the caller (the file name without `.conf`).
MenuItem parseBlsMenuEntry(std::string_view text);

/// Compares version strings as rpm's rpmvercmp does for digits and letters (numeric runs
/// compared as numbers, alphabetic runs as text, separators ignored); <0, 0, >0.
int compareVersions(std::string_view a, std::string_view b);

/// The menu item `value` selects, as GRUB does (grub-core/normal/menu.c get_entry_number): a
/// number is an index into the top-level items, otherwise a title or id; `>` separates a
/// submenu from the item within it. Out-of-range or unmatched values select the first item.
/// Returns nullptr for an empty menu; `why` says how the item was chosen.
const MenuItem* selectMenuItem(const std::vector<MenuItem>& items, std::string_view value,
                               std::string& why);

/// The kernel release of an image path ("/boot/vmlinuz-3.10.0-229.el7.x86_64" ->
/// "3.10.0-229.el7.x86_64"); "" when the name carries none ("/vmlinuz").
std::string kernelReleaseFromImage(std::string_view image);

/// The path of a boot loader file on the audited system, from a path as written in the loader
/// configuration: a GRUB device prefix ("(hd0,0)") is dropped.
std::string stripGrubDevice(std::string_view path);

}  // namespace guestprep::os_linux

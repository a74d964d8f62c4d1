// Parsers for kernel command lines and the boot loader files that hold the next boot's ones:
// /proc/cmdline, /etc/default/grub, grub2 grub.cfg and grubenv, GRUB legacy menu.lst/grub.conf,
// Boot Loader Specification entries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"
#include "parsers/grub_script.h"

namespace guestprep::os_linux {

/// Splits a command line as the kernel does (lib/cmdline.c next_arg): blanks separate
/// parameters, double quotes group blanks into one parameter and are removed
/// (`a="b c"` gives `a=b c`).
std::vector<std::string> splitKernelCmdline(std::string_view text);

/// The words of GRUB script text, as GRUB passes them to a command (see lexGrubScript:
/// quotes, escapes, comments, `$name` expansion from `vars`, undefined variables kept as written);
/// command separators are dropped.
std::vector<std::string> splitGrubWords(std::string_view text, const GrubVars& vars);

/// The grubenv environment block.
struct GrubEnvFile {
  GrubVars vars;
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set
};

/// Parses a grubenv block: a "# GRUB Environment Block" header, `name=value` lines (backslash
/// escapes a newline or a backslash in a value), then `#` padding to 1024 bytes.
GrubEnvFile parseGrubEnv(std::string_view text);

/// One boot entry's kernel command line.
struct BootEntry {
  int line = 0;                   ///< line of the command that carries the arguments
  std::string title;              ///< menu entry title; "" when the format has none
  std::string kernel;             ///< kernel image as written ("/vmlinuz-3.10.0-229.el7.x86_64")
  std::vector<std::string> args;  ///< the parameters after the image
};

/// The boot entries of one boot loader file, plus what could not be understood.
struct BootConfig {
  std::vector<BootEntry> entries;
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set
};

/// grub2 grub.cfg: every `linux`, `linux16` and `linuxefi` command inside a `menuentry` (also
/// nested in `submenu`), and for Xen entries (`multiboot`, `multiboot2` or `xen_hypervisor`)
/// the first `module`/`module2`/`xen_module`, which is the Linux kernel. Commands outside menu
/// entries (in functions, at top level) do not boot and are ignored. Arguments are GRUB words,
/// expanded from `vars` (grubenv, which grub.cfg loads first); `set` commands in the file are
/// not evaluated.
BootConfig parseGrubCfg(std::string_view text, const GrubVars& vars);

/// GRUB legacy menu.lst / grub.conf: the `kernel` line of every `title` section (a command's
/// name ends at a blank or `=`, as GRUB legacy reads it). When the kernel is the Xen hypervisor
/// (xen.gz), the entry's first `module` line is the Linux kernel and its arguments are taken.
BootConfig parseGrubLegacy(std::string_view text);

/// One Boot Loader Specification entry (/boot/loader/entries/*.conf): its `options` lines
/// (several are joined), expanded as GRUB's blscfg does (GRUB words, `$kernelopts` and other
/// variables from `vars`). No entry when the file has neither `linux` nor `options`.
BootConfig parseBlsEntry(std::string_view text, const GrubVars& vars);

/// A file's path and content, for parsers that combine several files.
struct NamedText {
  std::string path;
  std::string text;
};

/// What /etc/default/grub (and /etc/default/grub.d/*.cfg) make grub-mkconfig write.
struct GrubDefaults {
  /// GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT, as grub-mkconfig's 10_linux joins them
  /// for the normal entries; source is the assignment that decided the line (the only non-empty
  /// one, else GRUB_CMDLINE_LINUX's). Empty args with line 0 when neither is assigned.
  KernelCmdline cmdline;
  std::vector<ConfigProblem> problems;  ///< with file set
};

/// Reads the defaults files in the order grub-mkconfig sources them (/etc/default/grub first,
/// then /etc/default/grub.d/*.cfg sorted): later assignments win, `$VAR` and `${VAR}` refer to
/// earlier ones (unset is empty, as in the shell). Command substitutions are not run: they are
/// kept as written and reported. References add at most 1 MiB in all (`A="$A $A"` doubles a
/// value per line); past that, values are cut and the first cut is reported.
GrubDefaults parseGrubDefaults(const std::vector<NamedText>& files);

}  // namespace guestprep::os_linux

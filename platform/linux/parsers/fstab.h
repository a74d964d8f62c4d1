// Parsers for the storage tables: /etc/fstab and /proc/mounts (fstab(5)), /etc/crypttab
// (crypttab(5)) and the default output of blkid(8).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// The entries of an fstab-format table, plus the lines mount would skip.
struct FstabFile {
  std::vector<FstabEntry> entries;      ///< source.file left empty; source.line set
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set
};

/// Decodes the octal escapes fstab and /proc/mounts use for blanks and backslashes ("\040").
std::string unmangleFstabField(std::string_view field);

/// Parses fstab(5) / /proc/mounts text as libmount does (libmount/src/tab_parse.c
/// mnt_parse_table_line): blank and `#` lines skipped (leading blanks allowed); fields separated
/// by blanks; spec, mount point and type required; options, freq and passno optional (defaults
/// "defaults", 0, 0); a freq or passno that is not a number makes the line malformed; text after
/// passno is ignored.
FstabFile parseFstab(std::string_view text);

/// The entries of /etc/crypttab.
struct CrypttabFile {
  std::vector<CrypttabEntry> entries;   ///< source.file left empty
  std::vector<ConfigProblem> problems;  ///< file left empty
};

/// Parses crypttab(5): `name device [keyfile [options]]`, `#` comments; a line with fewer than
/// two fields is reported.
CrypttabFile parseCrypttab(std::string_view text);

/// One device of `blkid` output with its tags (UUID, LABEL, TYPE, PARTUUID, ...).
struct BlkidDevice {
  std::string device;
  std::map<std::string, std::string> tags;
};

/// The devices blkid listed, plus lines that are not `DEVICE: TAG="value" ...`.
struct BlkidOutput {
  std::vector<BlkidDevice> devices;
  std::vector<ConfigProblem> problems;  ///< file left empty
};

/// Parses blkid's default output (`/dev/sda1: UUID="..." TYPE="ext4"`); values are quoted, a
/// backslash escapes the next character (`\"`), and blkid prints other bytes in cat -v notation
/// (`M-C`, `^J`: util-linux tests/expected/blkid/output-full-probe), kept as printed.
BlkidOutput parseBlkid(std::string_view text);

}  // namespace guestprep::os_linux

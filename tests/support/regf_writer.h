// A writer of Windows registry hives (regf) for tests: a tree of keys and values becomes the
// bytes of a hive, so tests build their fixtures instead of keeping binary files (real hives
// are not copied into the repository). It writes what Windows writes: the base block with its
// checksum, 4 KiB hive bins, nk/vk/sk cells, lf/lh/li/ri subkey lists and db big data, and
// tells where it put each cell so tests can damage them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace guestprep::test {

/// The kind of a key's subkey list.
enum class RegfList {
  kLf,  ///< offsets and the first four letters of the names (NT 4)
  kLh,  ///< offsets and a hash of the names (XP and later)
  kLi,  ///< offsets only
  kRi,  ///< a list of lh lists (`ri_chunk` subkeys each)
};

struct RegfTestValue {
  std::string name;  ///< UTF-8; "" is the default value
  std::uint32_t type = 0;
  std::string data;         ///< raw bytes
  bool utf16_name = false;  ///< store the name in UTF-16LE even when it fits Latin-1
};

struct RegfTestKey {
  std::string name;  ///< UTF-8
  bool utf16_name = false;
  std::vector<RegfTestValue> values;
  std::vector<RegfTestKey> subkeys;  ///< written sorted by upper-case name, as Windows does
  RegfList list = RegfList::kLh;
  std::size_t ri_chunk = 2;  ///< subkeys per leaf list under a ri list
};

struct RegfWriteOptions {
  std::uint32_t sequence1 = 1;
  std::uint32_t sequence2 = 1;  ///< differs from sequence1 for a dirty hive
  std::uint32_t minor_version = 5;
  std::string embedded_name = "\\??\\C:\\Windows\\System32\\config\\TEST";
  bool bad_checksum = false;
  /// A key with more subkeys than this gets a ri list whatever its `list` says.
  std::size_t max_leaf = 1000;
  /// Values larger than 16344 bytes in db lists (from version 1.4), else in one cell.
  bool big_data = true;
};

/// A hive and where its cells are (offsets relative to the first hive bin, as in the format).
struct RegfImage {
  std::string bytes;
  std::map<std::string, std::uint32_t> keys;          ///< "A\\B" (root "") -> nk cell
  std::map<std::string, std::uint32_t> subkey_lists;  ///< key path -> its (top) subkey list
  std::map<std::string, std::uint32_t> value_lists;   ///< key path -> its value list
  std::map<std::string, std::uint32_t> values;        ///< "A\\B:name" -> vk cell
};

RegfImage writeRegf(const RegfTestKey& root, const RegfWriteOptions& options = {});

/// Little-endian stores at an absolute file offset, and the cell's data offset in the file.
void putLe16(std::string& bytes, std::size_t at, std::uint16_t v);
void putLe32(std::string& bytes, std::size_t at, std::uint32_t v);
inline std::size_t regfCellData(std::uint32_t cell) { return 0x1000 + std::size_t{cell} + 4; }
/// Recomputes the base block checksum after a test changed the base block.
void fixRegfChecksum(std::string& bytes);

/// Value data helpers: REG_SZ/REG_EXPAND_SZ (UTF-16LE with the NUL), REG_MULTI_SZ, numbers.
std::string regSz(std::string_view utf8);
std::string regMultiSz(const std::vector<std::string>& strings);
std::string regDword(std::uint32_t v);
std::string regQword(std::uint64_t v);

}  // namespace guestprep::test

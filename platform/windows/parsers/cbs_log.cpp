// CBS.log's System File Checker lines: runs, corrupt files, files it could not repair.
#include "parsers/cbs_log.h"

#include <algorithm>

namespace guestprep::os_windows {

namespace {

constexpr std::size_t kMaxListed = 50;

// The text between the first '[' after `from` that opens a "[l:..]" or "[ml:..]" name and the
// end of the line, else what follows `from` trimmed: the file the line is about.
std::string subjectAfter(std::string_view line, std::size_t from) {
  std::string_view rest = line.substr(std::min(from, line.size()));
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  // "[l:24{12}]"sfc.exe"" or "[ml:520{260},l:...]"\??\C:\Windows\..."": the quoted name.
  std::size_t q1 = rest.find('"');
  if (q1 != std::string_view::npos) {
    std::size_t q2 = rest.find('"', q1 + 1);
    if (q2 != std::string_view::npos && q2 > q1 + 1) {
      return std::string(rest.substr(q1 + 1, q2 - q1 - 1));
    }
  }
  return std::string(rest.substr(0, 200));
}

void addOnce(std::vector<std::string>& list, std::string item) {
  if (item.empty() || list.size() >= kMaxListed) return;
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(std::move(item));
}

}  // namespace

SfcLog parseSfcLog(std::string_view text) {
  SfcLog out;
  int number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string_view line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? text.size() : end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t sr = line.find("[SR] ");
    if (sr != std::string_view::npos) {
      std::string_view what = line.substr(sr + 5);
      // "2024-03-01 10:12:13, Info  CSI  00000008 [SR] ...": the timestamp leads the line.
      bool dated = line.size() >= 19 && line[0] >= '0' && line[0] <= '9' && line[4] == '-';
      out.last_run = dated ? std::string(line.substr(0, 19)) : std::string();
      out.last_line = number;
      if (what.starts_with("Verify complete")) {
        ++out.verify_batches;
      } else if (what.starts_with("Cannot repair member file")) {
        addOnce(out.not_repaired, subjectAfter(what, 25));
      } else if (what.starts_with("Repairing corrupted file")) {
        addOnce(out.corrupt, subjectAfter(what, 24));
      } else if (what.starts_with("Could not reproject corrupted file")) {
        addOnce(out.not_repaired, subjectAfter(what, 34));
      }
      continue;
    }
    // The CSI line of a mismatch: "Hashes for file member [l:..]"name" do not match actual file".
    std::size_t h = line.find("Hashes for file member");
    if (h != std::string_view::npos && line.find("do not match", h) != std::string_view::npos) {
      addOnce(out.corrupt, subjectAfter(line, h + 22));
    }
  }
  return out;
}

}  // namespace guestprep::os_windows

// The text report: a verdict line, then each finding with evidence and what to do.
#include <algorithm>

#include <fmt/format.h>

#include "core/version.h"
#include "image/bytes.h"
#include "image/image.h"
#include "report/report.h"

namespace guestprep {

namespace {

int order(Status s) {
  switch (s) {
    case Status::kFail:
      return 0;
    case Status::kError:
      return 1;
    case Status::kWarn:
      return 2;
    case Status::kPass:
      return 3;
    case Status::kNotApplicable:
      return 4;
  }
  return 5;
}

const char* label(Status s) {
  switch (s) {
    case Status::kFail:
      return "FAIL ";
    case Status::kError:
      return "ERROR";
    case Status::kWarn:
      return "WARN ";
    case Status::kPass:
      return "PASS ";
    case Status::kNotApplicable:
      return "N/A  ";
  }
  return "?    ";
}

const char* colour(Status s) {
  switch (s) {
    case Status::kFail:
      return "\033[1;31m";
    case Status::kError:
      return "\033[1;35m";
    case Status::kWarn:
      return "\033[1;33m";
    case Status::kPass:
      return "\033[32m";
    case Status::kNotApplicable:
      return "\033[2m";
  }
  return "";
}

}  // namespace

std::string renderText(const Report& r, const TextOptions& opt) {
  const Facts& f = *r.facts;
  const Policy& p = *r.policy;
  auto paint = [&](const char* code, const std::string& text) {
    return opt.color ? std::string(code) + text + "\033[0m" : text;
  };
  std::string out;
  std::string os = f.os.pretty_name.empty() ? f.os.name : f.os.pretty_name;
  std::string what = f.host;
  if (!os.empty()) what += ": " + os;
  if (!f.os.kernel.empty()) what += ", kernel " + f.os.kernel;
  if (!f.os.arch.empty()) what += ", " + f.os.arch;
  if (f.image) {
    // An image check names the file and its format, not a host.
    const ImageFacts& img = *f.image;
    what = img.file + ": " + image::formatDisplayName(img);
    if (img.virtual_size) what += ", virtual size " + image::humanSize(img.virtual_size);
    out += fmt::format("guestprep {} image check of {}\n", kVersion, what);
  } else {
    out += fmt::format("guestprep {} audit of {}\n", kVersion, what);
  }
  out += fmt::format("policy {} (version {}): {}\n\n", p.id, p.version, p.title);
  out += paint(r.verdict.ready ? "\033[1;32m" : "\033[1;31m", r.verdict.summary) + "\n\n";
  if (!f.windows.problems.empty()) {
    out += "Problems reading the system (the findings below may rest on them):\n";
    for (const ConfigProblem& pr : f.windows.problems) {
      std::string where = pr.file;
      if (pr.line > 0) where += ":" + std::to_string(pr.line);
      out += fmt::format("      {} {}\n", paint("\033[2m", where + ":"), pr.message);
    }
    out += "\n";
  }

  std::vector<const Finding*> sorted;
  for (const auto& fi : r.findings) sorted.push_back(&fi);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Finding* a, const Finding* b) {
    return order(a->status) < order(b->status);
  });
  for (const Finding* fi : sorted) {
    out += fmt::format("{} {:<10} {}\n", paint(colour(fi->status), label(fi->status)),
                       fi->requirement, fi->message);
    bool details =
        opt.verbose || (fi->status != Status::kPass && fi->status != Status::kNotApplicable);
    if (!details) continue;
    for (const auto& e : fi->evidence) {
      std::string where = e.source;
      if (e.line > 0) where += ":" + std::to_string(e.line);
      out += fmt::format("      {} {}\n", paint("\033[2m", where + ":"), e.text);
    }
    if (!fi->remediation.empty()) out += fmt::format("      what to do: {}\n", fi->remediation);
  }
  if (!r.verdict.ready) {
    out += f.image ? "\nRun `guestprep image check FILE --format json` for the full report.\n"
                   : "\nRun `guestprep audit --format json` for the full report.\n";
  }
  return out;
}

}  // namespace guestprep

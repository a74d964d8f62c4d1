// The JSON report: the contract for pipelines (schema in docs/report-schema.json).
#include "core/version.h"
#include "report/report.h"

namespace guestprep {

nlohmann::json reportToJson(const Report& r) {
  const Facts& f = *r.facts;
  const Policy& p = *r.policy;
  nlohmann::json j;
  j["schema_version"] = kReportSchemaVersion;
  j["tool"] = {{"name", "guestprep"}, {"version", kVersion}};
  j["generated_at"] = r.generated_at;
  j["policy"] = {{"id", p.id},         {"title", p.title}, {"version", p.version},
                 {"source", p.source}, {"date", p.date},   {"origin", p.origin}};
  j["host"] = {{"target", f.host},
               {"runtime", f.runtime},
               {"facts_collected_at", f.collected_at},
               {"os", f.os.pretty_name.empty() ? f.os.name : f.os.pretty_name},
               {"os_id", f.os.id},
               {"os_version", f.os.version_id},
               {"kernel", f.os.kernel},
               {"arch", f.os.arch},
               {"hostname", f.os.hostname}};
  j["verdict"] = {{"ready", r.verdict.ready},
                  {"fail_on", r.verdict.fail_on == FailOn::kWarn ? "warn" : "fail"},
                  {"summary", r.verdict.summary}};
  j["counts"] = {{"pass", r.verdict.pass},
                 {"fail", r.verdict.fail},
                 {"warn", r.verdict.warn},
                 {"not-applicable", r.verdict.not_applicable},
                 {"error", r.verdict.error}};
  j["findings"] = r.findings;
  // What the Windows probes could not read that no rule reports (Linux rules carry their
  // probes' problems as evidence).
  if (!f.windows.problems.empty()) {
    nlohmann::json problems = nlohmann::json::array();
    for (const ConfigProblem& pr : f.windows.problems) {
      problems.push_back({{"file", pr.file}, {"line", pr.line}, {"message", pr.message}});
    }
    j["problems"] = std::move(problems);
  }
  if (f.image) {
    const ImageFacts& img = *f.image;
    nlohmann::json contents = nullptr;
    if (img.contents.ok()) contents = *img.contents.value;
    j["image"] = {
        {"file", img.file},
        {"format", img.format},
        {"subformat", img.subformat},
        {"virtual_size", img.virtual_size},
        {"file_size", img.file_size},
        {"allocated_size", img.allocated_size.ok() ? nlohmann::json(*img.allocated_size.value)
                                                   : nlohmann::json(nullptr)},
        {"backing_file", img.backing_file},
        {"problems", img.problems},
        {"error", img.error},
        {"contents", contents}};
  }
  return j;
}

}  // namespace guestprep

// Fuzz target for the facts JSON reader (nlohmann::json::parse, then factsFromJson).
#include <nlohmann/json.hpp>

#include "fuzz_util.h"

namespace gf = guestprep::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  guestprep::Facts facts;
  try {
    // Both document nlohmann::json::exception (parse_error, type_error, out_of_range, ...) as
    // their way to refuse input; anything else escaping is a bug.
    facts = guestprep::factsFromJson(nlohmann::json::parse(text));
  } catch (const nlohmann::json::exception&) {
    return 0;
  }
  gf::check(facts.schema_version == guestprep::kFactsSchemaVersion, "another schema version read");
  // What was read is written back and read again unchanged (`guestprep facts` then `--facts`).
  nlohmann::json again;
  guestprep::to_json(again, facts);
  std::string dumped = again.dump();
  guestprep::Facts reread = guestprep::factsFromJson(nlohmann::json::parse(dumped));
  gf::check(reread == facts, "facts do not survive a JSON round trip");
  return 0;
}

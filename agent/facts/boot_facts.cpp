// JSON mapping of BootFacts (strict: every field is required when reading).
#include "facts/boot_facts.h"

namespace guestprep {

// Not in an anonymous namespace: Observed<DefaultKernel> finds these by argument lookup.
void to_json(nlohmann::json& j, const DefaultKernel& k) {
  j = {{"release", k.release}, {"image", k.image},         {"title", k.title},
       {"source", k.source},   {"chosen_by", k.chosen_by}, {"initrd", k.initrd}};
}

void from_json(const nlohmann::json& j, DefaultKernel& k) {
  j.at("release").get_to(k.release);
  j.at("image").get_to(k.image);
  j.at("title").get_to(k.title);
  j.at("source").get_to(k.source);
  j.at("chosen_by").get_to(k.chosen_by);
  j.at("initrd").get_to(k.initrd);
}

void to_json(nlohmann::json& j, const ModuleSeen& m) {
  j = {{"name", m.name}, {"source", m.source}};
}

void from_json(const nlohmann::json& j, ModuleSeen& m) {
  j.at("name").get_to(m.name);
  j.at("source").get_to(m.source);
}

void to_json(nlohmann::json& j, const InitramfsFacts& i) {
  j = {{"path", i.path},       {"found", i.found},     {"segments", i.segments},
       {"modules", i.modules}, {"entries", i.entries}, {"error", i.error}};
}

void from_json(const nlohmann::json& j, InitramfsFacts& i) {
  j.at("path").get_to(i.path);
  j.at("found").get_to(i.found);
  j.at("segments").get_to(i.segments);
  j.at("modules").get_to(i.modules);
  j.at("entries").get_to(i.entries);
  j.at("error").get_to(i.error);
}

void to_json(nlohmann::json& j, const BootFacts& f) {
  j = {{"kernel", f.kernel},
       {"modules_dir", f.modules_dir},
       {"modules_dep", f.modules_dep},
       {"builtin", f.builtin},
       {"builtin_lists", f.builtin_lists},
       {"module_files", f.module_files},
       {"module_files_source", f.module_files_source},
       {"config_modules", f.config_modules},
       {"initramfs", f.initramfs},
       {"problems", f.problems}};
}

void from_json(const nlohmann::json& j, BootFacts& f) {
  if (!j.is_object())
    throw nlohmann::json::type_error::create(302, "boot facts must be an object", &j);
  j.at("kernel").get_to(f.kernel);
  j.at("modules_dir").get_to(f.modules_dir);
  j.at("modules_dep").get_to(f.modules_dep);
  j.at("builtin").get_to(f.builtin);
  j.at("builtin_lists").get_to(f.builtin_lists);
  j.at("module_files").get_to(f.module_files);
  j.at("module_files_source").get_to(f.module_files_source);
  j.at("config_modules").get_to(f.config_modules);
  j.at("initramfs").get_to(f.initramfs);
  j.at("problems").get_to(f.problems);
}

}  // namespace guestprep

// The boot probe: default kernel, its modules, its initramfs.
#include "probes/boot_probe.h"

#include <algorithm>
#include <optional>
#include <set>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "host/result_cache.h"
#include "parsers/boot_initramfs.h"
#include "parsers/boot_menu.h"
#include "parsers/boot_modules.h"
#include "parsers/kernel_cmdline.h"
#include "parsers/text.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

// The listing is decompressed once per image content: later audits of the same image (the
// daemon's, `fix`'s after its changes, the next run) take it from the result cache, by the
// image's hash. A listing that stopped early is not kept: its error may not recur.
constexpr std::string_view kListingKind = "initramfs-listing-v1";

}  // namespace

InitramfsListing listInitramfsCached(const std::string& image, const std::string& path) {
  ResultCache& cache = ResultCache::process();
  const std::string key = contentKey(image);
  if (auto text = cache.get(kListingKind, key)) {
    try {
      auto j = nlohmann::json::parse(*text);
      InitramfsListing cached;
      cached.files = j.at("files").get<std::vector<std::string>>();
      cached.segments = j.at("segments").get<std::vector<std::string>>();
      spdlog::debug("initramfs {}: listing of {} entries from the cache ({})", path,
                    cached.files.size(), key);
      return cached;
    } catch (const nlohmann::json::exception& e) {
      spdlog::debug("initramfs {}: cached listing not used: {}", path, e.what());
    }
  }
  InitramfsListing listing = listInitramfs(image);
  if (listing.error.empty()) {
    nlohmann::json j = {{"files", listing.files}, {"segments", listing.segments}};
    cache.put(kListingKind, key, j.dump());
  }
  return listing;
}

namespace {

// Most entries visited when walking a module tree without modules.dep (a kernel has ~6000).
constexpr std::size_t kMaxWalk = 50000;

std::string dirName(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string_view::npos ? "/" : std::string(path.substr(0, slash));
}

void addProblems(std::vector<ConfigProblem>& to, const std::string& file,
                 std::vector<ConfigProblem>& from) {
  for (ConfigProblem& p : from) to.push_back({file, p.line, std::move(p.message)});
}

GrubVars readGrubEnv(const Host& host, const std::string& path, BootFacts& facts) {
  std::optional<std::string> text = readIfPresent(host, path, facts.problems);
  if (!text) return {};
  GrubEnvFile env = parseGrubEnv(*text);
  addProblems(facts.problems, path, env.problems);
  return std::move(env.vars);
}

// A boot file named in the loader configuration, as a path of the audited system: GRUB reads
// paths on its own partition, which is /boot when /boot is separate.
std::string systemPath(const Host& host, std::string_view written) {
  std::string p = stripGrubDevice(written);
  if (p.empty()) return p;
  if (p.front() != '/') p = "/" + p;
  if (p.starts_with("/boot/") && host.exists(p)) return p;
  if (host.exists("/boot" + p)) return "/boot" + p;
  if (host.exists(p)) return p;
  return p.starts_with("/boot/") ? p : "/boot" + p;
}

// The menu chosen from, and where it came from.
struct Chosen {
  MenuItem item;
  std::string file;  ///< the file that holds the entry
  std::string why;
};

// BLS entries, newest version first (blscfg sorts them so; its default is the first).
std::vector<MenuItem> readBls(const Host& host, BootFacts& facts, std::vector<std::string>& files) {
  std::vector<MenuItem> items;
  for (const std::string& name : listIfPresent(host, "/boot/loader/entries", facts.problems)) {
    if (!name.ends_with(".conf")) continue;
    std::string path = "/boot/loader/entries/" + name;
    std::optional<std::string> text = readIfPresent(host, path, facts.problems);
    if (!text) continue;
    MenuItem it = parseBlsMenuEntry(*text);
    it.id = name.substr(0, name.size() - 5);
    if (it.version.empty()) it.version = kernelReleaseFromImage(it.kernel);
    items.push_back(std::move(it));
    files.push_back(path);
  }
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return compareVersions(items[a].version, items[b].version) > 0;
  });
  std::vector<MenuItem> sorted;
  std::vector<std::string> sorted_files;
  for (std::size_t i : order) {
    sorted.push_back(std::move(items[i]));
    sorted_files.push_back(std::move(files[i]));
  }
  files = std::move(sorted_files);
  return sorted;
}

std::optional<Chosen> chooseFromBls(const Host& host, BootFacts& facts, const std::string& value,
                                    const std::string& value_from) {
  std::vector<std::string> files;
  std::vector<MenuItem> items = readBls(host, facts, files);
  std::string why;
  const MenuItem* it = selectMenuItem(items, value, why);
  if (!it) return std::nullopt;
  auto idx = static_cast<std::size_t>(it - items.data());
  return Chosen{*it, files[idx], "Boot Loader Specification entry, " + why + value_from};
}

// The default entry of the boot loader configuration, or why there is none.
std::optional<Chosen> chooseDefault(const Host& host, BootFacts& facts, std::string& error) {
  std::set<std::string> seen;
  auto readOnce = [&](const std::string& path) -> std::optional<std::string> {
    if (!host.entryExists(path)) return std::nullopt;
    if (!seen.insert(host.canonicalPath(path).value_or(path)).second) return std::nullopt;
    return readIfPresent(host, path, facts.problems);
  };
  std::vector<std::string> grub_cfgs = {"/boot/grub2/grub.cfg", "/boot/grub/grub.cfg"};
  for (const std::string& vendor : listIfPresent(host, "/boot/efi/EFI", facts.problems)) {
    grub_cfgs.push_back("/boot/efi/EFI/" + vendor + "/grub.cfg");
  }
  for (const std::string& path : grub_cfgs) {
    std::optional<std::string> text = readOnce(path);
    if (!text) continue;
    // grub.cfg starts with load_env, which reads the grubenv of its own directory.
    GrubVars vars = readGrubEnv(host, dirName(path) + "/grubenv", facts);
    BootMenu menu = parseGrubMenu(*text, vars);
    addProblems(facts.problems, path, menu.problems);
    std::string from =
        menu.default_line > 0 ? " (" + path + ":" + std::to_string(menu.default_line) + ")" : "";
    if (menu.uses_blscfg) {
      if (auto c = chooseFromBls(host, facts, menu.default_value, from)) return c;
      error = path + " runs blscfg but /boot/loader/entries has no entry";
      return std::nullopt;
    }
    // An EFI stub grub.cfg only loads the real one (configfile); it has no entries.
    if (menu.items.empty()) continue;
    std::string why;
    const MenuItem* it = selectMenuItem(menu.items, menu.default_value, why);
    return Chosen{*it, path, why + from};
  }
  if (host.exists("/boot/loader/entries")) {
    GrubVars vars = readGrubEnv(host, "/boot/grub2/grubenv", facts);
    auto saved = vars.find("saved_entry");
    std::string value = saved == vars.end() ? "" : saved->second;
    if (auto c = chooseFromBls(host, facts, value, value.empty() ? "" : " (saved_entry)")) {
      return c;
    }
  }
  // Red Hat's file is grub.conf (menu.lst and /etc/grub.conf link to it), Debian's menu.lst.
  for (const char* path : {"/boot/grub/grub.conf", "/boot/grub/menu.lst", "/etc/grub.conf"}) {
    std::optional<std::string> text = readOnce(path);
    if (!text) continue;
    BootMenu menu = parseGrubLegacyMenu(*text);
    addProblems(facts.problems, path, menu.problems);
    std::string value = menu.default_value;
    std::string from = menu.default_line > 0 ? " (" + std::string(path) + ":" +
                                                   std::to_string(menu.default_line) + ")"
                                             : "";
    if (value == "saved") {
      // `default saved` reads the entry number that savedefault wrote to /boot/grub/default.
      std::optional<std::string> saved = readIfPresent(host, "/boot/grub/default", facts.problems);
      value = saved ? std::string(trim(saved->substr(0, saved->find('\n')))) : "";
      from += " (saved in /boot/grub/default)";
    }
    std::string why;
    const MenuItem* it = selectMenuItem(menu.items, value, why);
    if (!it) continue;
    return Chosen{*it, path, why + from};
  }
  // No boot loader configuration (a root prepared for a boot loader installed later, as
  // debootstrap leaves it): Debian's kernel packages keep /vmlinuz (or /boot/vmlinuz) pointing
  // at the newest kernel, SUSE /boot/vmlinuz; otherwise a single kernel in /boot is the one.
  for (const char* link : {"/vmlinuz", "/boot/vmlinuz"}) {
    auto target = host.canonicalPath(link);
    if (!host.entryExists(link) || !target || !host.exists(*target)) continue;
    MenuItem it;
    it.kernel = *target;
    it.title = link;
    std::string initrd = std::string(link) == "/vmlinuz" ? "/initrd.img" : "/boot/initrd";
    if (auto t = host.canonicalPath(initrd); t && host.exists(*t)) it.initrd = *t;
    return Chosen{it, link,
                  std::string(link) + " -> " + *target + " (no boot loader configuration)"};
  }
  std::vector<std::string> kernels;
  for (const std::string& name : listIfPresent(host, "/boot", facts.problems)) {
    if (name.starts_with("vmlinuz-") || name.starts_with("vmlinux-")) kernels.push_back(name);
  }
  if (kernels.size() == 1) {
    MenuItem it;
    it.kernel = "/boot/" + kernels.front();
    return Chosen{it, it.kernel, "the only kernel in /boot (no boot loader configuration)"};
  }
  error =
      "no boot loader configuration with a boot entry found (grub.cfg, /boot/loader/entries, "
      "grub.conf, menu.lst)" +
      (kernels.empty() ? std::string(" and no kernel in /boot")
                       : ", and /boot holds " + std::to_string(kernels.size()) + " kernels");
  return std::nullopt;
}

void addBuiltin(BootFacts& facts, std::string name, SourceRef source) {
  for (const ModuleSeen& m : facts.builtin) {
    if (m.name == name) return;
  }
  facts.builtin.push_back({std::move(name), std::move(source)});
}

// Module names under `dir` (without modules.dep), bounded.
void walkModules(const Host& host, const std::string& dir, std::set<std::string>& names,
                 std::size_t& visited, BootFacts& facts) {
  for (const std::string& name : listIfPresent(host, dir, facts.problems)) {
    if (++visited > kMaxWalk) return;
    std::string path = dir + "/" + name;
    std::string mod = moduleNameFromPath(name);
    if (!mod.empty()) {
      names.insert(std::move(mod));
      continue;
    }
    auto st = host.lstat(path);
    if (st && st->type == FileStat::Type::kDirectory)
      walkModules(host, path, names, visited, facts);
  }
}

void probeModules(const Host& host, const std::string& release, BootFacts& facts) {
  std::string dir = "/lib/modules/" + release;
  auto st = host.stat(dir);
  if (st && st->type == FileStat::Type::kDirectory) facts.modules_dir = dir;

  std::set<std::string> names;
  if (!facts.modules_dir.empty()) {
    std::string dep = dir + "/modules.dep";
    if (std::optional<std::string> text = readIfPresent(host, dep, facts.problems)) {
      ModuleList list = parseModuleList(*text);
      addProblems(facts.problems, dep, list.problems);
      for (ListedModule& m : list.modules) names.insert(std::move(m.name));
      if (!list.modules.empty()) {
        facts.modules_dep = dep;
        facts.module_files_source = dep;
      }
    }
    if (facts.modules_dep.empty()) {
      std::size_t visited = 0;
      walkModules(host, dir, names, visited, facts);
      facts.module_files_source = dir;
      if (visited > kMaxWalk) {
        facts.problems.push_back(
            {dir, 0,
             "more than " + std::to_string(kMaxWalk) + " entries: module tree not fully walked"});
      }
    }
    std::string builtin = dir + "/modules.builtin";
    if (std::optional<std::string> text = readIfPresent(host, builtin, facts.problems)) {
      ModuleList list = parseModuleList(*text);
      addProblems(facts.problems, builtin, list.problems);
      for (ListedModule& m : list.modules) addBuiltin(facts, std::move(m.name), {builtin, m.line});
      facts.builtin_lists.push_back(builtin);
    }
  }
  facts.module_files.assign(names.begin(), names.end());

  std::string config = "/boot/config-" + release;
  if (std::optional<std::string> text = readIfPresent(host, config, facts.problems)) {
    KernelConfig cfg = parseKernelConfig(*text);
    // Problems of a kernel config are lines a shell would not take; the CONFIG_ lines we read
    // are simple assignments, so they are not worth reporting.
    for (const ConfigDriver& d : cfg.drivers) {
      if (d.value == 'y') {
        addBuiltin(facts, d.module, {config, d.line});
      } else {
        facts.config_modules.push_back({d.module, {config, d.line}});
      }
    }
    facts.builtin_lists.push_back(config);
  }
}

void probeInitramfs(const Host& host, const DefaultKernel& k, BootFacts& facts) {
  InitramfsFacts& ir = facts.initramfs;
  std::vector<std::string> candidates;
  if (!k.initrd.empty()) {
    candidates.push_back(k.initrd);
  } else {
    // No initrd line: the names each distribution's tools give the image (dracut, RHEL;
    // initramfs-tools, Debian; mkinitrd, SUSE).
    for (const char* f : {"/boot/initramfs-%.img", "/boot/initrd.img-%", "/boot/initrd-%",
                          "/boot/initrd-%.img", "/boot/initramfs-%"}) {
      std::string c = f;
      c.replace(c.find('%'), 1, k.release);
      candidates.push_back(std::move(c));
    }
  }
  ir.path = candidates.front();
  for (const std::string& c : candidates) {
    if (host.exists(c)) {
      ir.path = c;
      ir.found = true;
      break;
    }
  }
  if (!ir.found) return;
  auto data = host.readFile(ir.path, kMaxInitramfsBytes);
  if (!data) {
    ir.error = "cannot read " + ir.path + ": " + data.error().message;
    return;
  }
  InitramfsListing listing = listInitramfsCached(*data, ir.path);
  ir.segments = std::move(listing.segments);
  ir.entries = listing.files.size();
  ir.error = std::move(listing.error);
  std::set<std::string> mods;
  for (const std::string& f : listing.files) {
    std::string m = moduleNameFromPath(f);
    if (!m.empty()) mods.insert(std::move(m));
  }
  ir.modules.assign(mods.begin(), mods.end());
}

}  // namespace

void probeBoot(const Host& host, BootFacts& facts) {
  std::string error;
  std::optional<Chosen> chosen = chooseDefault(host, facts, error);
  if (!chosen) {
    facts.kernel = Observed<DefaultKernel>::failed(error);
    return;
  }
  const MenuItem& it = chosen->item;
  if (it.kernel.empty()) {
    facts.kernel =
        Observed<DefaultKernel>::failed("the default entry '" + it.title + "' (" + chosen->file +
                                        ":" + std::to_string(it.line) + ") boots no Linux kernel");
    return;
  }
  DefaultKernel k;
  k.image = systemPath(host, it.kernel);
  k.title = it.title;
  k.source = {chosen->file, it.kernel_line};
  k.chosen_by = chosen->why;
  k.release = kernelReleaseFromImage(it.kernel);
  if (k.release.empty()) {
    // SUSE boots /boot/vmlinuz, a symlink to vmlinuz-<release>.
    k.release = kernelReleaseFromImage(host.canonicalPath(k.image).value_or(""));
  }
  if (k.release.empty()) k.release = it.version;
  if (k.release.empty()) {
    facts.kernel =
        Observed<DefaultKernel>::failed("cannot tell the kernel release of " + k.image + " (" +
                                        chosen->file + ":" + std::to_string(it.kernel_line) + ")");
    return;
  }
  if (!it.initrd.empty()) k.initrd = systemPath(host, it.initrd);
  probeModules(host, k.release, facts);
  probeInitramfs(host, k, facts);
  facts.kernel = Observed<DefaultKernel>::of(std::move(k));
}

}  // namespace guestprep::os_linux

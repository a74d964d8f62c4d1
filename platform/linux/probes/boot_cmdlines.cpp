// The kernel command lines the next boot may use, from the boot loader configuration.
#include "probes/boot_cmdlines.h"

#include <deque>
#include <optional>
#include <set>

#include "parsers/kernel_cmdline.h"
#include "parsers/text.h"
#include "probes/probe_io.h"

namespace guestprep::os_linux {

namespace {

std::string dirName(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string_view::npos ? "/" : std::string(path.substr(0, slash));
}

void addProblems(std::vector<ConfigProblem>& to, const std::string& file,
                 std::vector<ConfigProblem>& from) {
  for (ConfigProblem& p : from) to.push_back({file, p.line, std::move(p.message)});
}

void addEntries(NextBootCmdlines& out, const std::string& file, BootConfig& cfg) {
  for (BootEntry& e : cfg.entries) out.lines.push_back({{file, e.line}, std::move(e.args)});
  addProblems(out.problems, file, cfg.problems);
}

GrubVars readGrubEnv(const Host& host, const std::string& path, NextBootCmdlines& out) {
  std::optional<std::string> text = readIfPresent(host, path, out.problems);
  if (!text) return {};
  GrubEnvFile env = parseGrubEnv(*text);
  addProblems(out.problems, path, env.problems);
  return std::move(env.vars);
}

}  // namespace

NextBootCmdlines readNextBootCmdlines(const Host& host) {
  NextBootCmdlines out;
  std::set<std::string> seen;
  // Returns the text of a boot file not read yet under another name.
  auto readOnce = [&](const std::string& path) -> std::optional<std::string> {
    if (!host.entryExists(path)) return std::nullopt;
    if (!seen.insert(host.canonicalPath(path).value_or(std::string(path))).second) {
      return std::nullopt;
    }
    std::optional<std::string> text = readIfPresent(host, path, out.problems);
    if (text) out.files.push_back(path);
    return text;
  };

  std::vector<std::string> grub_cfgs = {"/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"};
  for (const std::string& vendor : listIfPresent(host, "/boot/efi/EFI", out.problems)) {
    grub_cfgs.push_back("/boot/efi/EFI/" + vendor + "/grub.cfg");
  }
  for (const std::string& path : grub_cfgs) {
    std::optional<std::string> text = readOnce(path);
    if (!text) continue;
    // grub.cfg starts with load_env, which reads the grubenv of its own directory.
    GrubVars vars = readGrubEnv(host, dirName(path) + "/grubenv", out);
    BootConfig cfg = parseGrubCfg(*text, vars);
    addEntries(out, path, cfg);
  }

  std::vector<NamedText> defaults;
  if (std::optional<std::string> text = readOnce("/etc/default/grub")) {
    defaults.push_back({"/etc/default/grub", std::move(*text)});
  }
  for (const std::string& name : listIfPresent(host, "/etc/default/grub.d", out.problems)) {
    if (!name.ends_with(".cfg")) continue;
    std::string path = "/etc/default/grub.d/" + name;
    if (std::optional<std::string> text = readOnce(path)) {
      defaults.push_back({path, std::move(*text)});
    }
  }
  if (!defaults.empty()) {
    GrubDefaults d = parseGrubDefaults(defaults);
    out.lines.push_back(std::move(d.cmdline));
    for (ConfigProblem& p : d.problems) out.problems.push_back(std::move(p));
  }

  std::vector<std::string> bls = listIfPresent(host, "/boot/loader/entries", out.problems);
  if (!bls.empty()) {
    GrubVars vars = readGrubEnv(host, "/boot/grub2/grubenv", out);
    if (vars.empty()) vars = readGrubEnv(host, "/boot/grub/grubenv", out);
    for (const std::string& name : bls) {
      if (!name.ends_with(".conf")) continue;
      std::string path = "/boot/loader/entries/" + name;
      std::optional<std::string> text = readOnce(path);
      if (!text) continue;
      BootConfig cfg = parseBlsEntry(*text, vars);
      addEntries(out, path, cfg);
    }
  }

  // Red Hat's file is grub.conf (menu.lst and /etc/grub.conf link to it), Debian's menu.lst:
  // naming the real file first makes it the evidence.
  for (const char* path : {"/boot/grub/grub.conf", "/boot/grub/menu.lst", "/etc/grub.conf"}) {
    std::optional<std::string> text = readOnce(path);
    if (!text) continue;
    BootConfig cfg = parseGrubLegacy(*text);
    addEntries(out, path, cfg);
  }

  if (out.files.empty()) {
    out.problems.push_back(
        {"/boot", 0,
         "no boot loader configuration found (grub.cfg, /etc/default/grub, "
         "/boot/loader/entries, menu.lst, grub.conf): the next boot's kernel command line is "
         "unknown"});
  }
  return out;
}

}  // namespace guestprep::os_linux

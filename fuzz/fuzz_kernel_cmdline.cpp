// Fuzz target for the boot command line readers: /proc/cmdline, grubenv, grub.cfg, GRUB legacy,
// BLS entries and /etc/default/grub.
#include "fuzz_util.h"
#include "parsers/kernel_cmdline.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

namespace {

void checkBoot(const gl::BootConfig& cfg, int lines) {
  gf::checkProblems(cfg.problems, lines, "");
  for (const gl::BootEntry& e : cfg.entries) {
    gf::check(e.line >= 1 && e.line <= lines, "entry line outside the input");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = gf::inputText(data, size);
  int lines = gf::lineCount(text);

  for (const std::string& arg : gl::splitKernelCmdline(text)) {
    gf::check(arg.find('"') == std::string::npos, "a quote survived command line splitting");
  }

  gl::GrubEnvFile env = gl::parseGrubEnv(text);
  gf::checkProblems(env.problems, lines, "");
  for (const auto& [name, value] : env.vars) gf::check(!name.empty(), "grubenv variable unnamed");
  // grub.cfg and BLS entries are expanded from the grubenv the same disk holds.
  gl::GrubVars vars = env.vars;
  vars.emplace("kernelopts", "root=/dev/mapper/rhel-root ro crashkernel=auto rhgb quiet");
  checkBoot(gl::parseGrubCfg(text, vars), lines);
  checkBoot(gl::parseGrubLegacy(text), lines);
  gl::BootConfig bls = gl::parseBlsEntry(text, vars);
  checkBoot(bls, lines);
  gf::check(bls.entries.size() <= 1, "a BLS file gave more than one entry");

  // /etc/default/grub followed by a grub.d drop-in with the same text.
  gl::GrubDefaults defaults =
      gl::parseGrubDefaults({{"/etc/default/grub", std::string(text)},
                             {"/etc/default/grub.d/50-cloudimg.cfg", std::string(text)}});
  gf::checkLine(defaults.cmdline.source.line, lines, "command line source outside the input");
  for (const guestprep::ConfigProblem& p : defaults.problems) {
    gf::checkLine(p.line, lines, "problem line outside the input");
    gf::check(p.file == "/etc/default/grub" || p.file == "/etc/default/grub.d/50-cloudimg.cfg",
              "problem names another file");
  }
  return 0;
}

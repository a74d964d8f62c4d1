// Fuzz target for parseNmKeyfile (NetworkManager keyfiles), linkNmProfiles, nmIgnoresFilename.
#include "fuzz_util.h"
#include "parsers/nm_keyfile.h"

namespace gf = guestprep::fuzz;
namespace gl = guestprep::os_linux;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kPath = "/etc/NetworkManager/system-connections/eth0.nmconnection";
  constexpr std::string_view kPath2 = "/etc/NetworkManager/system-connections/copy";
  std::string_view text = gf::inputText(data, size);
  int lines = gf::lineCount(text);

  // File names come from a directory listing of the audited disk: untrusted too.
  std::string_view name = gf::firstLine(text);
  if (!gl::nmIgnoresFilename(name, false)) {
    gf::check(!name.empty(), "an empty file name is not ignored");
  }
  if (!gl::nmIgnoresFilename(name, true)) {
    gf::check(!gl::nmIgnoresFilename(name, false), "extension rule is not the stricter one");
  }

  std::vector<gl::NmProfile> profiles = {gl::parseNmKeyfile(text, kPath),
                                         gl::parseNmKeyfile(text, kPath2)};
  for (const gl::NmProfile& p : profiles) {
    std::string_view path = &p == &profiles.front() ? kPath : kPath2;
    gf::checkNic(p.config, "networkmanager", lines);
    gf::check(p.config.source.file == path, "profile names another file");
    gf::checkProblems(p.problems, lines, path);
    gf::check(!p.loadable || !p.type.empty(), "a loadable profile has no type");
  }
  // Two profiles with the same UUID (a copied file) must still link without looping.
  gl::linkNmProfiles(profiles);
  for (const gl::NmProfile& p : profiles) gf::checkNic(p.config, "networkmanager", lines);
  return 0;
}

// GRUB script lexing (quotes, escapes, comments, variable expansion), shared by the grub.cfg,
// BLS and /etc/default/grub readers.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// Variables GRUB knows when it reads its configuration (from the grubenv block).
using GrubVars = std::map<std::string, std::string, std::less<>>;

/// One word or command separator of GRUB script.
struct GrubToken {
  bool separator = false;  ///< a newline or `;` that ends a command
  std::string text;        ///< the word, quotes and escapes removed, variables expanded
  int line = 0;            ///< 1-based line where the word starts
  bool plain = true;       ///< written without quotes, escapes or expansions ("{" opens a block)
};

/// Splits GRUB script into words and separators as GRUB's lexer does: single quotes (literal),
/// double quotes (with `\` escapes and variable expansion), backslash escapes, `#` comments at
/// the start of a word, backslash-newline continuation. `$name` / `${name}` expand from `vars`;
/// an unquoted expansion is split into several words. A variable that `vars` does not define is
/// kept as written ("$vt_handoff"): its value depends on script flow that is not evaluated.
/// Unterminated quotes are appended to `problems` (file left empty) when it is not null.
std::vector<GrubToken> lexGrubScript(std::string_view text, const GrubVars& vars,
                                     std::vector<ConfigProblem>* problems);

}  // namespace guestprep::os_linux

// Parser for the nftables ruleset syntax (nftables.conf, `nft list ruleset`) and an evaluation of
// what its input chains do to new inbound TCP to one port.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/facts.h"

namespace guestprep::os_linux {

/// One rule of a chain: its words (sets `{ ... }` kept as the words "{", ..., "}").
struct NftRule {
  std::vector<std::string> words;
  int line = 0;
};

/// One chain; a base chain has a hook ("input") and a policy ("accept" unless stated).
struct NftChain {
  std::string family;  ///< "ip", "ip6", "inet", "arp", "bridge", "netdev"
  std::string table;
  std::string name;
  std::string hook;  ///< empty for a regular chain
  std::string policy = "accept";
  int line = 0;
  std::vector<NftRule> rules;
};

/// An `include "path"` statement (the path as written; globs allowed).
struct NftInclude {
  std::string path;
  int line = 0;
};

struct NftRuleset {
  std::vector<NftChain> chains;
  std::vector<NftInclude> includes;
  std::vector<ConfigProblem> problems;  ///< file left empty; line and message set
};

/// Parses tables, chains (with `type ... hook ... policy ...`), rules, sets (skipped), includes,
/// comments and `flush`/`define` statements. Unbalanced braces are reported.
NftRuleset parseNftRuleset(std::string_view text);

/// The decision of the base chains hooked at input (families ip, ip6, inet) for a new TCP
/// connection to `port` from anywhere: blocked when any of them drops it (a packet must pass
/// every base chain of the hook), allowed when all accept it, unknown when there is none.
/// `line` is the deciding rule's (or chain's) line.
struct NftDecision {
  PortAccess access = PortAccess::kUnknown;
  bool has_input_chain = false;
  bool filtering = false;  ///< an input chain has a drop policy or a drop/reject rule
  int line = 0;
  std::string text;
};
NftDecision nftTcpPortAccess(const std::vector<NftChain>& chains, int port);

}  // namespace guestprep::os_linux

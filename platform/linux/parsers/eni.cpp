// Parser for /etc/network/interfaces (ifupdown, ifupdown2) and its conversion to NicConfig.
#include "parsers/eni.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

// Method names compiled into ifupdown (inet.defn, inet6.defn, ipx.defn, can.defn); no other
// package can add one, so anything else makes ifupdown stop reading the file.
constexpr std::array<std::string_view, 9> kInetMethods = {
    "loopback", "static", "manual", "dhcp", "bootp", "tunnel", "ppp", "wvdial", "ipv4ll"};
constexpr std::array<std::string_view, 7> kInet6Methods = {"auto", "loopback", "static", "manual",
                                                           "dhcp", "v4tunnel", "6to4"};
constexpr std::array<std::string_view, 2> kIpxMethods = {"static", "dynamic"};
constexpr std::array<std::string_view, 1> kCanMethods = {"static"};

constexpr char kStops[] = " (ifupdown stops reading the file here)";

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// "" when `method` belongs to `family`, otherwise why not.
std::string checkFamilyMethod(std::string_view family, std::string_view method) {
  bool known = false;
  if (family == "inet") {
    known = contains(kInetMethods, method);
  } else if (family == "inet6") {
    known = contains(kInet6Methods, method);
  } else if (family == "ipx") {
    known = contains(kIpxMethods, method);
  } else if (family == "can") {
    known = contains(kCanMethods, method);
  } else {
    return "unknown address family '" + std::string(family) + "'";
  }
  if (known) return "";
  return "unknown method '" + std::string(method) + "' for " + std::string(family);
}

std::string normaliseKey(std::string_view key) {
  std::string k = toLower(key);
  std::replace(k.begin(), k.end(), '_', '-');
  return k;
}

struct EniLine {
  int number = 0;
  std::string text;
};

// ifupdown's get_line (config.c): leading blanks dropped, a line whose first character is then
// `#` is a comment (and does not continue), a trailing backslash joins the next physical line
// whatever it holds, trailing blanks go. The number is the first physical line.
std::vector<EniLine> eniLines(std::string_view text) {
  std::vector<LogicalLine> phys = splitLogicalLines(text, /*backslash_continuation=*/false);
  std::vector<EniLine> out;
  for (std::size_t i = 0; i < phys.size(); ++i) {
    std::string_view first = phys[i].text;
    first.remove_prefix(std::min(first.find_first_not_of(" \t\v\f\r"), first.size()));
    if (first.empty() || first.front() == '#') continue;
    // The backslash is looked for before trailing blanks are dropped, as get_line does.
    EniLine line{phys[i].number, std::string(first)};
    while (!line.text.empty() && line.text.back() == '\\') {
      line.text.pop_back();
      if (i + 1 >= phys.size()) break;
      line.text += phys[++i].text;
    }
    line.text = std::string(trim(line.text));
    if (!line.text.empty()) out.push_back(std::move(line));
  }
  return out;
}

// The text after the first word, blanks trimmed.
std::string restAfterFirstWord(std::string_view line) {
  std::size_t end = line.find_first_of(" \t");
  return end == std::string_view::npos ? "" : std::string(trim(line.substr(end)));
}

class Parser {
 public:
  explicit Parser(std::string_view path) : path_(path) {}

  EniFile run(std::string_view text) {
    for (const EniLine& l : eniLines(text)) handle(l);
    return std::move(out_);
  }

 private:
  enum class State { kNone, kIface, kMapping, kMisplaced };

  void problem(int line, std::string message) {
    out_.problems.push_back({path_, line, std::move(message)});
  }

  void handle(const EniLine& l) {
    std::vector<std::string> words = splitWords(l.text);
    const std::string& kw = words.front();
    bool names_line = kw == "iface" || kw == "auto" || kw == "mapping" || kw.starts_with("allow-");
    // ifupdown2 expands Mako templates (`%for`, `${port}`) before parsing; what they generate
    // depends on the template. `${` in an option is only a shell variable of an up/down command.
    if (kw.front() == '%' || (names_line && l.text.find("${") != std::string::npos)) {
      problem(l.number,
              "template line (ifupdown2 Mako): the interfaces it generates are not known");
      if (kw.front() != '%') state_ = State::kMisplaced;
      return;
    }
    if (kw == "iface") {
      iface(l, words);
    } else if (kw == "mapping") {
      mapping(l, words);
    } else if (kw == "auto" || kw == "no-auto-down" || kw == "no-scripts" ||
               (kw.starts_with("allow-") && kw.size() > 6)) {
      out_.name_lists.push_back({kw, {words.begin() + 1, words.end()}, path_, l.number});
      state_ = State::kNone;
    } else if (kw == "source" || kw.starts_with("source-dir")) {
      // config.c matches "source-dir" as a prefix, so "source-directory" and "source-dir" alike.
      bool dir = kw != "source";
      if (words.size() < 2) problem(l.number, kw + " without a path");
      for (std::size_t i = 1; i < words.size(); ++i) {
        out_.includes.push_back({dir, words[i], path_, l.number});
      }
      state_ = State::kNone;
    } else {
      option(l, kw);
    }
  }

  void iface(const EniLine& l, const std::vector<std::string>& w) {
    state_ = State::kIface;
    EniIface st;
    st.file = path_;
    st.line = l.number;
    if (w.size() < 2) {
      problem(l.number, std::string("iface line without an interface name") + kStops);
      state_ = State::kMisplaced;
      return;
    }
    st.name = w[1];
    std::size_t next = 2;
    if (w.size() > 2 && w[2] != "inherits") {
      st.family = w[2];
      if (w.size() > 3 && w[3] != "inherits") st.method = w[3];
      next = st.method.empty() ? 3 : 4;
    }
    if (w.size() > next && w[next] == "inherits") {
      if (w.size() > next + 1) {
        st.inherits = w[next + 1];
      } else {
        problem(l.number, std::string("'inherits' without a template name") + kStops);
      }
      next += 2;
    }
    if (w.size() > next) {
      problem(l.number, "extra words on the iface line, ignored by ifupdown: " + w[next]);
    }
    if (st.family.empty() && st.inherits.empty()) {
      problem(l.number, "iface " + st.name +
                            " names no address family and method: only ifupdown2 accepts this" +
                            kStops);
    } else if (!st.family.empty() && st.method.empty() && st.inherits.empty()) {
      problem(l.number, "iface " + st.name + " has no method" + kStops);
    } else if (!st.family.empty() && !st.method.empty()) {
      std::string why = checkFamilyMethod(st.family, st.method);
      if (!why.empty()) problem(l.number, why + kStops);
    }
    out_.ifaces.push_back(std::move(st));
  }

  void mapping(const EniLine& l, const std::vector<std::string>& w) {
    state_ = State::kMapping;
    out_.mappings.push_back({{w.begin() + 1, w.end()}, "", {}, path_, l.number});
    if (w.size() < 2) problem(l.number, "mapping without an interface pattern");
  }

  void option(const EniLine& l, const std::string& kw) {
    std::string value = restAfterFirstWord(l.text);
    switch (state_) {
      case State::kIface:
        if (value.empty()) {
          problem(l.number, "option '" + kw + "' with an empty value" + kStops);
        }
        out_.ifaces.back().options.push_back({kw, std::move(value), l.number});
        return;
      case State::kMapping: {
        EniMapping& m = out_.mappings.back();
        if (kw == "script") {
          if (!m.script.empty())
            problem(l.number, std::string("second script in mapping") + kStops);
          m.script = value;
        } else if (kw == "map") {
          m.maps.push_back(value);
        } else {
          problem(l.number, "'" + kw + "' is not a mapping option" + kStops);
        }
        return;
      }
      case State::kNone:
        // Only the first line of an unknown block is reported: the rest belongs to it.
        problem(l.number, "'" + kw + "' outside any iface or mapping stanza" + kStops);
        state_ = State::kMisplaced;
        return;
      case State::kMisplaced:
        return;
    }
  }

  std::string path_;
  EniFile out_;
  State state_ = State::kNone;
};

}  // namespace

std::vector<std::string> EniIface::values(std::string_view key) const {
  std::string k = normaliseKey(key);
  std::vector<std::string> out;
  for (const EniOption& o : options) {
    if (normaliseKey(o.key) == k) out.push_back(o.value);
  }
  return out;
}

std::string EniIface::last(std::string_view key) const {
  std::vector<std::string> v = values(key);
  return v.empty() ? "" : v.back();
}

bool EniIface::has(std::string_view key) const { return !values(key).empty(); }

bool EniFile::startsAtBoot(std::string_view name) const {
  for (const EniNameList& l : name_lists) {
    if (l.keyword != "auto" && l.keyword != "allow-auto" && l.keyword != "allow-hotplug") continue;
    if (std::find(l.names.begin(), l.names.end(), name) != l.names.end()) return true;
  }
  return false;
}

EniFile parseEni(std::string_view text, std::string_view path) { return Parser(path).run(text); }

namespace {

// inet.defn: bootp asks a BOOTP/DHCP server for the address; tunnel takes a static address;
// ppp and wvdial get theirs from the peer, which no AddrMethod describes.
AddrMethod inetMethod(std::string_view m) {
  if (m == "dhcp" || m == "bootp") return AddrMethod::kDhcp;
  if (m == "static" || m == "tunnel") return AddrMethod::kStatic;
  if (m == "manual" || m == "loopback") return AddrMethod::kNone;
  if (m == "ipv4ll") return AddrMethod::kLinkLocal;
  return AddrMethod::kUnknown;
}

// inet6.defn: auto is SLAAC (plus stateless DHCPv6 with `dhcp 1`), dhcp is stateful DHCPv6;
// v4tunnel and 6to4 put a fixed (or IPv4-derived) address on a sit tunnel.
AddrMethod inet6Method(std::string_view m) {
  if (m == "auto") return AddrMethod::kAuto;
  if (m == "dhcp") return AddrMethod::kDhcp;
  if (m == "static" || m == "v4tunnel" || m == "6to4") return AddrMethod::kStatic;
  if (m == "manual" || m == "loopback") return AddrMethod::kNone;
  return AddrMethod::kUnknown;
}

bool isKnownFamily(std::string_view f) {
  return f == "inet" || f == "inet6" || f == "ipx" || f == "can";
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

void addUnique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// Copies each `inherits` template's options (and family/method when the line omits them) into
// the stanza, as config.c's copy_variables does: the first earlier stanza of that name (and
// family, when one is given) is the template.
std::vector<EniIface> resolveInherits(const std::vector<EniIface>& in,
                                      std::vector<ConfigProblem>& problems) {
  std::vector<EniIface> out;
  out.reserve(in.size());
  for (const EniIface& st : in) {
    EniIface r = st;
    if (!st.inherits.empty()) {
      auto tmpl = std::find_if(out.begin(), out.end(), [&](const EniIface& p) {
        return p.name == st.inherits && (st.family.empty() || p.family == st.family);
      });
      if (tmpl == out.end()) {
        problems.push_back(
            {st.file, st.line, "unknown iface to inherit from: " + st.inherits + kStops});
      } else {
        r.options = tmpl->options;
        r.options.insert(r.options.end(), st.options.begin(), st.options.end());
        if (r.family.empty()) r.family = tmpl->family;
        if (r.method.empty()) r.method = tmpl->method;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

// Port lists: words, without "none"; ifupdown2 "glob X"/"regex X" and bridge-utils "all" and
// "regex X" choose ports at run time, which is noted rather than guessed.
void addPorts(const EniIface& st, std::string_view key, const std::string& owner,
              std::vector<std::string>& members, std::vector<ConfigProblem>& problems) {
  std::string k = normaliseKey(key);
  for (const EniOption& o : st.options) {
    if (normaliseKey(o.key) != k) continue;
    std::vector<std::string> words = splitWords(o.value);
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::string& w = words[i];
      if (w == "none") continue;
      if (w == "all" || w == "glob" || w == "regex") {
        std::string what = w == "all" ? w : w + " " + (i + 1 < words.size() ? words[i + 1] : "");
        if (w != "all") ++i;
        problems.push_back({st.file, o.line,
                            o.key + " of " + owner + " uses '" + what +
                                "': those ports are chosen at run time and not listed"});
        continue;
      }
      addUnique(members, w);
    }
  }
}

std::string kindOf(const std::string& name, const EniIface& all,
                   const std::vector<const EniIface*>& stanzas) {
  auto anyMethod = [&](std::initializer_list<std::string_view> ms) {
    return std::any_of(stanzas.begin(), stanzas.end(), [&](const EniIface* s) {
      return std::find(ms.begin(), ms.end(), s->method) != ms.end();
    });
  };
  if (name == "lo" || anyMethod({"loopback"})) return "loopback";
  if (name.find(':') != std::string::npos) return "alias";
  if (all.has("bond-slaves") || all.has("slaves") ||
      (all.has("bond-mode") && !all.has("bond-master"))) {
    return "bond";
  }
  if (all.has("bridge-ports")) return "bridge";
  // interfaces(5) "VLAN INTERFACES": a full stop in the name makes a VLAN; the vlan package also
  // accepts vlanNNN with vlan-raw-device.
  if (all.has("vlan-raw-device") || name.find('.') != std::string::npos ||
      (name.starts_with("vlan") && allDigits(std::string_view(name).substr(4)))) {
    return "vlan";
  }
  for (const EniOption& o : all.options) {
    std::string k = normaliseKey(o.key);
    if (k.starts_with("wireless-") || k.starts_with("wpa-")) return "wireless";
  }
  // The kernel names IPoIB devices ib<N>.
  if (name.starts_with("ib") && allDigits(std::string_view(name).substr(2))) return "infiniband";
  bool only_can = std::all_of(stanzas.begin(), stanzas.end(),
                              [](const EniIface* s) { return s->family == "can"; });
  if (only_can || anyMethod({"ppp", "wvdial", "tunnel", "v4tunnel", "6to4"}) ||
      all.has("vrf-table")) {
    return "other";
  }
  return "ethernet";
}

// "hwaddress [ether] MAC": a 6-byte MAC is normalised; anything else ("random", a 20-byte
// InfiniBand address) is kept as written so the evidence is not lost.
std::string hwaddress(const EniIface& all) {
  std::vector<std::string> words = splitWords(all.last("hwaddress"));
  if (!words.empty() && toLower(words.front()) == "ether") words.erase(words.begin());
  if (words.empty()) return "";
  std::string mac = normaliseMac(words.front());
  return mac.empty() ? toLower(words.front()) : mac;
}

// The family's method: its first stanza decides (interfaces(5): further stanzas add addresses);
// an ifupdown2 stanza without a family is static for each family it has an address of; no
// stanza means ifupdown configures nothing for that family (interfaces(5) "INTERFACE
// DEFINITIONS": without inet6 the kernel may still autoconfigure IPv6, which is the sysctl
// probe's business, not ifupdown's). A stanza of an unknown family could have been meant for
// it, so then the method is unknown.
AddrMethod familyMethod(const std::vector<const EniIface*>& stanzas, std::string_view family) {
  bool unknown_family = false;
  bool familyless_address = false;
  for (const EniIface* s : stanzas) {
    if (s->family == family)
      return family == "inet" ? inetMethod(s->method) : inet6Method(s->method);
    if (!s->family.empty() && !isKnownFamily(s->family)) unknown_family = true;
    if (s->family.empty()) {
      for (const std::string& a : s->values("address")) {
        bool v6 = a.find(':') != std::string::npos;
        if (v6 == (family == "inet6")) familyless_address = true;
      }
    }
  }
  if (familyless_address) return AddrMethod::kStatic;
  return unknown_family ? AddrMethod::kUnknown : AddrMethod::kNone;
}

void addNotes(const EniFile& eni, const std::vector<std::string>& names,
              std::vector<ConfigProblem>& problems) {
  for (const EniMapping& m : eni.mappings) {
    std::string pats;
    for (const std::string& p : m.patterns) pats += (pats.empty() ? "" : " ") + p;
    if (m.script.empty()) {
      problems.push_back({m.file, m.line, "mapping " + pats + " has no script"});
    } else {
      problems.push_back({m.file, m.line,
                          "mapping " + pats + ": the script " + m.script +
                              " picks the logical interface at run time, so which stanza "
                              "configures these interfaces is not known from the files"});
    }
  }
  for (const EniNameList& l : eni.name_lists) {
    if (l.keyword != "auto" && l.keyword != "allow-auto" && l.keyword != "allow-hotplug") continue;
    for (const std::string& n : l.names) {
      // ifupdown defines lo itself when no stanza does (config.c read_interfaces).
      if (n == "lo" || std::find(names.begin(), names.end(), n) != names.end()) continue;
      bool mapped = std::any_of(eni.mappings.begin(), eni.mappings.end(), [&](const EniMapping& m) {
        return std::any_of(m.patterns.begin(), m.patterns.end(),
                           [&](const std::string& p) { return globMatch(p, n); });
      });
      if (mapped) continue;
      problems.push_back({l.file, l.line,
                          "'" + l.keyword + " " + n + "' but no iface stanza for " + n +
                              ": nothing in these files configures its addresses"});
    }
  }
}

}  // namespace

EniNicConfigs eniToNicConfigs(const EniFile& eni) {
  EniNicConfigs out;
  std::vector<EniIface> stanzas = resolveInherits(eni.ifaces, out.problems);
  std::vector<std::string> names;
  std::map<std::string, std::vector<const EniIface*>> by_name;
  for (const EniIface& st : stanzas) {
    if (by_name[st.name].empty()) names.push_back(st.name);
    by_name[st.name].push_back(&st);
  }
  for (const std::string& name : names) {
    const std::vector<const EniIface*>& group = by_name[name];
    EniIface all;  // every option of every stanza of this interface, in order
    for (const EniIface* s : group)
      all.options.insert(all.options.end(), s->options.begin(), s->options.end());
    NicConfig c;
    c.name = name;
    c.stack = "eni";
    c.source = {group.front()->file, group.front()->line};
    c.starts_at_boot = eni.startsAtBoot(name);
    c.kind = kindOf(name, all, group);
    c.ipv4 = familyMethod(group, "inet");
    c.ipv6 = familyMethod(group, "inet6");
    c.set_mac = hwaddress(all);
    c.master = all.last("bond-master");
    if (c.kind == "bond" || c.kind == "bridge") {
      for (const EniIface* s : group) {
        addPorts(*s, "bond-slaves", name, c.members, out.problems);
        addPorts(*s, "slaves", name, c.members, out.problems);
        addPorts(*s, "bridge-ports", name, c.members, out.problems);
      }
    } else if (c.kind == "vlan") {
      c.parent = all.last("vlan-raw-device");
      if (c.parent.empty() && name.find('.') != std::string::npos) {
        c.parent = name.substr(0, name.rfind('.'));
      }
    } else if (c.kind == "alias") {
      c.parent = name.substr(0, name.find(':'));
    }
    out.configs.push_back(std::move(c));
  }
  // Slaves that name their bond (cloud-init writes `bond-slaves none` on the bond) are members
  // too; and a member named by its bond or bridge has that master.
  for (const NicConfig& slave : out.configs) {
    if (slave.master.empty()) continue;
    for (NicConfig& m : out.configs) {
      if (m.name == slave.master) addUnique(m.members, slave.name);
    }
  }
  for (const NicConfig& owner : out.configs) {
    for (NicConfig& member : out.configs) {
      bool named =
          std::find(owner.members.begin(), owner.members.end(), member.name) != owner.members.end();
      if (named && member.master.empty()) member.master = owner.name;
    }
  }
  addNotes(eni, names, out.problems);
  return out;
}

}  // namespace guestprep::os_linux

// Boot menus (grub2, BLS, GRUB legacy) and the choice of the default entry.
#include "parsers/boot_menu.h"

#include <cctype>
#include <charconv>
#include <initializer_list>

#include "parsers/text.h"

namespace guestprep::os_linux {

namespace {

bool oneOf(std::string_view s, std::initializer_list<std::string_view> set) {
  for (std::string_view x : set) {
    if (s == x) return true;
  }
  return false;
}

std::string_view baseName(std::string_view path) {
  std::size_t slash = path.find_last_of("/)");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The initramfs among an `initrd` command's images: several may be given (microcode first, as
// Arch and some RHEL entries do); an unexpanded variable ("$tuned_initrd") is not a file.
std::string pickInitrd(const std::vector<std::string>& images) {
  std::string pick;
  for (const std::string& img : images) {
    if (img.empty() || img.starts_with("--") || img.find('$') != std::string::npos) continue;
    std::string_view base = baseName(img);
    if (base.find("ucode") != std::string_view::npos ||
        base.find("microcode") != std::string_view::npos) {
      if (pick.empty()) pick = img;
      continue;
    }
    pick = img;
  }
  return pick;
}

// The entry being filled by `linux`/`initrd` commands of a grub.cfg menu block.
struct OpenBlock {
  enum class Kind { kEntry, kSubmenu, kOther };
  Kind kind = Kind::kOther;
  MenuItem item;
  bool xen = false;
  int modules = 0;
};

// grub2 `menuentry TITLE [options] {`: the id follows `--id` or `$menuentry_id_option`
// (grub-mkconfig writes the latter, set to "--id" when GRUB supports ids).
std::string menuId(const std::vector<const GrubToken*>& cmd) {
  for (std::size_t i = 2; i + 1 < cmd.size(); ++i) {
    if (cmd[i]->text == "--id" || cmd[i]->text == "$menuentry_id_option") return cmd[i + 1]->text;
  }
  return {};
}

bool menuEq(std::string_view a, std::string_view b) { return a == b; }

}  // namespace

BootMenu parseGrubMenu(std::string_view text, const GrubVars& vars) {
  BootMenu menu;
  GrubVars use = vars;
  use.erase("next_entry");
  std::vector<GrubToken> tokens = lexGrubScript(text, use, &menu.problems);
  std::vector<OpenBlock> stack;
  std::vector<const GrubToken*> cmd;

  auto innermostEntry = [&]() -> OpenBlock* {
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
      if (it->kind == OpenBlock::Kind::kEntry) return &*it;
    }
    return nullptr;
  };
  auto argsFrom = [&](std::size_t first) {
    std::vector<std::string> out;
    for (std::size_t k = first; k < cmd.size(); ++k) out.push_back(cmd[k]->text);
    return out;
  };
  auto runCommand = [&] {
    if (cmd.empty()) return;
    const std::string& name = cmd[0]->text;
    OpenBlock* e = innermostEntry();
    if (!e) {
      // `set default=VALUE` or `default=VALUE`, outside any menu entry (functions included: a
      // `savedefault` function does not set `default`).
      bool in_other = !stack.empty();
      std::string assign;
      if (name == "set" && cmd.size() == 2) assign = cmd[1]->text;
      if (cmd.size() == 1) assign = name;
      if (!in_other && assign.starts_with("default=")) {
        std::string value = assign.substr(8);
        if (!value.empty() && value.find('$') == std::string::npos) {
          menu.default_value = value;
          menu.default_line = cmd[0]->line;
        }
      }
      if (name == "blscfg") menu.uses_blscfg = true;
      return;
    }
    if (name == "blscfg") menu.uses_blscfg = true;
    std::size_t first = 1;
    while (first < cmd.size() && cmd[first]->text.starts_with("--")) ++first;
    if (oneOf(name, {"linux", "linux16", "linuxefi"}) && first < cmd.size() &&
        e->item.kernel.empty()) {
      e->item.kernel = cmd[first]->text;
      e->item.kernel_line = cmd[0]->line;
    } else if (oneOf(name, {"initrd", "initrd16", "initrdefi"})) {
      e->item.initrd = pickInitrd(argsFrom(first));
    } else if (oneOf(name, {"xen_hypervisor"}) ||
               (oneOf(name, {"multiboot", "multiboot2"}) && cmd.size() > 1 &&
                baseName(cmd[1]->text).starts_with("xen"))) {
      e->xen = true;
    } else if (oneOf(name, {"module", "module2", "xen_module"}) && e->xen && first < cmd.size()) {
      // A Xen entry's first module is Linux, the second its initramfs.
      if (e->modules == 0) {
        e->item.kernel = cmd[first]->text;
        e->item.kernel_line = cmd[0]->line;
      } else if (e->modules == 1) {
        e->item.initrd = cmd[first]->text;
      }
      ++e->modules;
    }
  };
  auto openBlock = [&](int line) {
    OpenBlock b;
    b.item.line = line;
    if (!cmd.empty() && cmd[0]->text == "menuentry") {
      b.kind = OpenBlock::Kind::kEntry;
    } else if (!cmd.empty() && cmd[0]->text == "submenu") {
      b.kind = OpenBlock::Kind::kSubmenu;
      b.item.submenu = true;
    }
    if (b.kind != OpenBlock::Kind::kOther) {
      if (cmd.size() > 1) b.item.title = cmd[1]->text;
      b.item.id = menuId(cmd);
    }
    stack.push_back(std::move(b));
  };
  auto closeBlock = [&] {
    OpenBlock b = std::move(stack.back());
    stack.pop_back();
    if (b.kind == OpenBlock::Kind::kOther) return;
    // The item goes into the nearest enclosing submenu, else the top level. Entries inside
    // other blocks (if/function) are still menu items when the block runs; grub-mkconfig does
    // not write such blocks around entries.
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
      if (it->kind == OpenBlock::Kind::kSubmenu) {
        it->item.children.push_back(std::move(b.item));
        return;
      }
    }
    menu.items.push_back(std::move(b.item));
  };

  for (const GrubToken& t : tokens) {
    if (t.separator) {
      runCommand();
      cmd.clear();
    } else if (t.plain && t.text == "{") {
      openBlock(cmd.empty() ? t.line : cmd[0]->line);
      cmd.clear();
    } else if (t.plain && t.text == "}" && cmd.empty()) {
      if (stack.empty()) {
        menu.problems.push_back({"", t.line, "'}' without an open block"});
      } else {
        closeBlock();
      }
    } else {
      cmd.push_back(&t);
    }
  }
  runCommand();
  if (!stack.empty()) {
    menu.problems.push_back({"", stack.back().item.line, "block opened here is not closed"});
  }
  return menu;
}

BootMenu parseGrubLegacyMenu(std::string_view text) {
  BootMenu menu;
  MenuItem* sec = nullptr;
  bool xen = false;
  int modules = 0;
  for (const LogicalLine& ll : splitLogicalLines(text, /*backslash_continuation=*/false)) {
    std::string_view line = trim(ll.text);
    if (line.empty() || line.front() == '#') continue;
    // GRUB legacy ends a command's name at a blank or `=` ("default = 1", "default=1").
    std::size_t end = line.find_first_of(" \t=");
    std::string_view name = line.substr(0, end);
    std::string_view rest = end == std::string_view::npos ? std::string_view() : line.substr(end);
    rest = trim(rest);
    if (!rest.empty() && rest.front() == '=') rest = trim(rest.substr(1));
    if (name == "title") {
      menu.items.push_back(MenuItem{});
      sec = &menu.items.back();
      sec->title = std::string(rest);
      sec->line = ll.number;
      xen = false;
      modules = 0;
      continue;
    }
    if (!sec) {
      if (name == "default") {
        menu.default_value = std::string(rest);
        menu.default_line = ll.number;
      }
      continue;
    }
    std::vector<std::string> words = splitWords(rest);
    if (words.empty()) continue;
    if (name == "kernel") {
      if (baseName(words[0]).starts_with("xen")) {
        xen = true;
      } else {
        sec->kernel = words[0];
        sec->kernel_line = ll.number;
      }
    } else if (name == "initrd") {
      sec->initrd = words[0];
    } else if (name == "module" && xen) {
      if (modules == 0) {
        sec->kernel = words[0];
        sec->kernel_line = ll.number;
      } else if (modules == 1) {
        sec->initrd = words[0];
      }
      ++modules;
    }
  }
  return menu;
}

MenuItem parseBlsMenuEntry(std::string_view text) {
  MenuItem item;
  // BLS: "key value" lines, the key ends at the first blank; `#` starts a comment line.
  for (const LogicalLine& ll : splitLogicalLines(text, /*backslash_continuation=*/false)) {
    std::string_view line = trim(ll.text);
    if (line.empty() || line.front() == '#') continue;
    std::size_t end = line.find_first_of(" \t");
    std::string_view key = line.substr(0, end);
    std::string_view value = end == std::string_view::npos ? "" : trim(line.substr(end));
    if (key == "title") {
      item.title = std::string(value);
      if (item.line == 0) item.line = ll.number;
    } else if (key == "version") {
      item.version = std::string(value);
    } else if (key == "linux") {
      item.kernel = std::string(value);
      item.kernel_line = ll.number;
      if (item.line == 0) item.line = ll.number;
    } else if (key == "initrd") {
      item.initrd = pickInitrd(splitWords(value));
    }
  }
  return item;
}

int compareVersions(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  auto isAlnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  auto isDigit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  while (true) {
    while (i < a.size() && !isAlnum(a[i])) ++i;
    while (j < b.size() && !isAlnum(b[j])) ++j;
    if (i >= a.size() || j >= b.size()) break;
    bool num = isDigit(a[i]);
    if (num != isDigit(b[j])) return num ? 1 : -1;  // rpmvercmp: numeric beats alphabetic
    std::size_t ie = i, je = j;
    while (ie < a.size() &&
           (num ? isDigit(a[ie]) : std::isalpha(static_cast<unsigned char>(a[ie]))))
      ++ie;
    while (je < b.size() &&
           (num ? isDigit(b[je]) : std::isalpha(static_cast<unsigned char>(b[je]))))
      ++je;
    std::string_view x = a.substr(i, ie - i), y = b.substr(j, je - j);
    if (num) {
      while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
      while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    }
    if (int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
    i = ie;
    j = je;
  }
  bool a_more = i < a.size(), b_more = j < b.size();
  return a_more == b_more ? 0 : (a_more ? 1 : -1);
}

const MenuItem* selectMenuItem(const std::vector<MenuItem>& items, std::string_view value,
                               std::string& why) {
  if (items.empty()) return nullptr;
  std::string_view head = value, tail;
  if (std::size_t gt = value.find('>'); gt != std::string_view::npos) {
    head = value.substr(0, gt);
    tail = value.substr(gt + 1);
  }
  const MenuItem* chosen = nullptr;
  if (head.empty()) {
    why = "first entry (no default set)";
    chosen = &items.front();
  } else {
    std::size_t index = 0;
    auto [ptr, ec] = std::from_chars(head.data(), head.data() + head.size(), index);
    if (ec == std::errc() && ptr == head.data() + head.size()) {
      if (index < items.size()) {
        chosen = &items[index];
        why = "entry " + std::string(head) + " (default=" + std::string(value) + ")";
      } else {
        chosen = &items.front();
        why = "first entry (default=" + std::string(value) + " is out of range)";
      }
    } else {
      for (const MenuItem& it : items) {
        if (menuEq(it.title, head) || (!it.id.empty() && menuEq(it.id, head))) {
          chosen = &it;
          why = "entry named by default=" + std::string(value);
          break;
        }
      }
      if (!chosen) {
        chosen = &items.front();
        why = "first entry (default=" + std::string(value) + " matches no entry)";
      }
    }
  }
  if (chosen->submenu) {
    std::string inner;
    const MenuItem* sub = selectMenuItem(chosen->children, tail, inner);
    if (!sub) return nullptr;
    why += "; in submenu '" + chosen->title + "': " + inner;
    return sub;
  }
  return chosen;
}

std::string stripGrubDevice(std::string_view path) {
  if (!path.empty() && path.front() == '(') {
    std::size_t close = path.find(')');
    if (close != std::string_view::npos) path.remove_prefix(close + 1);
  }
  return std::string(path);
}

std::string kernelReleaseFromImage(std::string_view image) {
  std::string_view base = baseName(image);
  for (std::string_view prefix : {"vmlinuz-", "vmlinux-", "kernel-", "bzImage-", "Image-"}) {
    if (base.starts_with(prefix) && base.size() > prefix.size()) {
      return std::string(base.substr(prefix.size()));
    }
  }
  return {};
}

}  // namespace guestprep::os_linux

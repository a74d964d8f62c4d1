// Account fixers: /etc/shadow writable again (L-SHADOW).
#include <fmt/format.h>

#include "fixers/fixers.h"
#include "host/host.h"

namespace guestprep::os_linux {

namespace {

/// L-SHADOW: the immutable and append-only flags are cleared (the cloud writes the password
/// into /etc/shadow at first boot). A read-only mount is not a file property: it is left to the
/// operator, with the reason.
Result<FixItem> planShadow(const FixContext& ctx) {
  const auto& sh = ctx.facts.auth.shadow;
  FixItem item;
  if (!sh.present) {
    return fail(ErrorCode::kUnsupported, "/etc/shadow does not exist: create it with pwconv");
  }
  if (sh.inode_flags.ok() && (*sh.inode_flags.value & (kInodeImmutable | kInodeAppendOnly))) {
    std::uint32_t flags = *sh.inode_flags.value;
    item.actions.push_back(
        setFlagsAction("/etc/shadow", 0,
                       fmt::format("clear {}{}", (flags & kInodeImmutable) ? "immutable " : "",
                                   (flags & kInodeAppendOnly) ? "append-only" : "")));
    item.summary = "clear the immutable/append-only flags of /etc/shadow (chattr -i -a)";
  }
  if (sh.mount.ok() && sh.mount.value->read_only) {
    item.notes.push_back("/etc/shadow is on a read-only mount (" + sh.mount.value->mount_point +
                         "): remount it read-write in /etc/fstab by hand");
  }
  if (item.summary.empty()) item.summary = "nothing this fixer can change";
  return item;
}

}  // namespace

std::vector<Fixer> authFixers() {
  return {
      {"shadow.writable", "clear immutable/append-only flags of /etc/shadow", planShadow, false},
      {"password.accepts_cloud_rule", "relax the password options stricter than the cloud's rule",
       planPasswordAcceptsCloudRule, false},
  };
}

}  // namespace guestprep::os_linux

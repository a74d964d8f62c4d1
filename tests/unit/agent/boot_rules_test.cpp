// The boot rules (drivers.present, nvme.present, bootkernel.ready) over Facts literals, and the
// JSON round trip of BootFacts.
#include <gtest/gtest.h>

#include "rules/boot_rules.h"
#include "rules/registry.h"

namespace guestprep {
namespace {

Params withDefaults(const std::vector<ParamSpec>& specs,
                    std::map<std::string, ParamValue> overrides = {}) {
  std::map<std::string, ParamValue> v;
  for (const auto& s : specs)
    v[s.name] = overrides.contains(s.name) ? overrides[s.name] : *s.default_value;
  return Params(v);
}

constexpr char kRel[] = "3.10.0-1160.el7.x86_64";

// A CentOS 7 kernel with every driver as a module and in its initramfs.
Facts healthy() {
  Facts f;
  DefaultKernel k;
  k.release = kRel;
  k.image = std::string("/boot/vmlinuz-") + kRel;
  k.title = "CentOS Linux 7";
  k.source = {"/boot/grub2/grub.cfg", 12};
  k.chosen_by = "entry 0 (default=0)";
  k.initrd = std::string("/boot/initramfs-") + kRel + ".img";
  f.boot.kernel = Observed<DefaultKernel>::of(k);
  f.boot.modules_dir = std::string("/lib/modules/") + kRel;
  f.boot.modules_dep = f.boot.modules_dir + "/modules.dep";
  f.boot.module_files_source = f.boot.modules_dep;
  f.boot.module_files = {"nvme",       "virtio_blk",  "virtio_console", "virtio_net",
                         "virtio_pci", "virtio_scsi", "xen_blkfront",   "xen_netfront"};
  f.boot.builtin_lists = {f.boot.modules_dir + "/modules.builtin"};
  f.boot.initramfs.path = k.initrd;
  f.boot.initramfs.found = true;
  f.boot.initramfs.segments = {"cpio", "gzip+cpio"};
  f.boot.initramfs.modules = {"nvme", "virtio_blk", "virtio_pci", "virtio_scsi", "xen_blkfront"};
  f.boot.initramfs.entries = 700;
  return f;
}

void drop(std::vector<std::string>& v, const std::string& s) { std::erase(v, s); }

Outcome drivers(const Facts& f) {
  return evaluateDriversPresent(f, withDefaults(driversPresentParams()));
}

TEST(DriversPresent, PassFailWarnError) {
  Outcome o = drivers(healthy());
  EXPECT_EQ(o.status, Status::kPass) << o.message;
  EXPECT_EQ(o.evidence.front().source, "/boot/grub2/grub.cfg");
  EXPECT_EQ(o.evidence.front().line, 12);

  Facts no_blk_in_ir = healthy();
  drop(no_blk_in_ir.boot.initramfs.modules, "virtio_blk");
  o = drivers(no_blk_in_ir);
  EXPECT_EQ(o.status, Status::kFail) << "a module root needs must be in the initramfs";
  EXPECT_NE(o.message.find("virtio_blk (a module missing from the initramfs)"), std::string::npos)
      << o.message;

  Facts builtin = no_blk_in_ir;
  builtin.boot.builtin = {{"virtio_blk", {"/boot/config-3.10", 40}}};
  EXPECT_EQ(drivers(builtin).status, Status::kPass) << "built in needs no initramfs";

  Facts no_net = healthy();
  drop(no_net.boot.module_files, "virtio_net");
  o = drivers(no_net);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("virtio_net (not installed)"), std::string::npos) << o.message;

  Facts net_not_in_ir = healthy();  // virtio_net loads from root: the initramfs need not hold it
  EXPECT_EQ(drivers(net_not_in_ir).status, Status::kPass);

  Facts no_xen = healthy();
  drop(no_xen.boot.module_files, "xen_netfront");
  drop(no_xen.boot.module_files, "virtio_console");
  o = drivers(no_xen);
  EXPECT_EQ(o.status, Status::kWarn);
  EXPECT_NE(o.message.find("virtio_console"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("xen_netfront"), std::string::npos) << o.message;

  Facts no_ir = healthy();
  no_ir.boot.initramfs = {};
  no_ir.boot.initramfs.path = "/boot/initramfs-x.img";
  o = drivers(no_ir);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.message.find("no initramfs"), std::string::npos) << o.message;

  Facts partial = no_blk_in_ir;
  partial.boot.initramfs.error = "cpio entry 'x' runs past the end of the image";
  EXPECT_EQ(drivers(partial).status, Status::kError)
      << "an incomplete listing never fails or passes";

  Facts unknown_builtin = healthy();
  unknown_builtin.boot.builtin_lists.clear();
  drop(unknown_builtin.boot.module_files, "virtio_pci");
  drop(unknown_builtin.boot.initramfs.modules, "virtio_pci");
  EXPECT_EQ(drivers(unknown_builtin).status, Status::kError);

  Facts no_kernel;
  no_kernel.boot.kernel = Observed<DefaultKernel>::failed("no boot loader configuration");
  o = drivers(no_kernel);
  EXPECT_EQ(o.status, Status::kError);
  EXPECT_NE(o.message.find("no boot loader configuration"), std::string::npos);
}

TEST(DriversPresent, ListsComeFromParameters) {
  Facts f = healthy();
  drop(f.boot.module_files, "virtio_console");
  Params strict = withDefaults(driversPresentParams(),
                               {{"required", std::vector<std::string>{"virtio_console"}},
                                {"recommended", std::vector<std::string>{}}});
  EXPECT_EQ(evaluateDriversPresent(f, strict).status, Status::kFail);
  Params empty = withDefaults(driversPresentParams(), {{"initramfs", std::vector<std::string>{}}});
  Facts no_ir = healthy();
  no_ir.boot.initramfs = {};
  EXPECT_EQ(evaluateDriversPresent(no_ir, empty).status, Status::kPass)
      << "with no driver required in the initramfs, a missing initramfs is not this rule's";
}

TEST(NvmePresent, Paths) {
  Params p = withDefaults(nvmePresentParams());
  EXPECT_EQ(evaluateNvmePresent(healthy(), p).status, Status::kPass);
  Facts f = healthy();
  drop(f.boot.initramfs.modules, "nvme");
  EXPECT_EQ(evaluateNvmePresent(f, p).status, Status::kFail);
  EXPECT_EQ(evaluateNvmePresent(
                f, withDefaults(nvmePresentParams(), {{"in_initramfs", ParamValue{false}}}))
                .status,
            Status::kPass);
  drop(f.boot.module_files, "nvme");
  f.boot.builtin_lists.clear();
  EXPECT_EQ(evaluateNvmePresent(f, p).status, Status::kError);
}

TEST(BootKernelReady, Paths) {
  Params p = withDefaults(bootKernelReadyParams());
  Outcome o = evaluateBootKernelReady(healthy(), p);
  EXPECT_EQ(o.status, Status::kPass) << o.message;
  Facts no_dep = healthy();
  no_dep.boot.modules_dep.clear();
  o = evaluateBootKernelReady(no_dep, p);
  EXPECT_EQ(o.status, Status::kFail);
  EXPECT_NE(o.remediation.find("depmod 3.10.0-1160.el7.x86_64"), std::string::npos);
  Facts no_dir = healthy();
  no_dir.boot.modules_dir.clear();
  EXPECT_EQ(evaluateBootKernelReady(no_dir, p).status, Status::kFail);
  Facts no_ir = healthy();
  no_ir.boot.initramfs.found = false;
  EXPECT_EQ(evaluateBootKernelReady(no_ir, p).status, Status::kFail);
  EXPECT_EQ(evaluateBootKernelReady(no_ir, withDefaults(bootKernelReadyParams(),
                                                        {{"require_initramfs", ParamValue{false}}}))
                .status,
            Status::kWarn);
  Facts bad_ir = healthy();
  bad_ir.boot.initramfs.error = "bad cpio magic at offset 0";
  EXPECT_EQ(evaluateBootKernelReady(bad_ir, p).status, Status::kError);
  Facts no_kernel;
  no_kernel.boot.kernel.error = "not collected";
  EXPECT_EQ(evaluateBootKernelReady(no_kernel, p).status, Status::kError);
}

TEST(BootRules, Registered) {
  for (const char* name : {"drivers.present", "nvme.present", "bootkernel.ready"}) {
    EXPECT_NE(findRuleType(name), nullptr) << name;
  }
}

TEST(BootFactsJson, RoundTripIsExact) {
  Facts f = healthy();
  f.boot.builtin = {{"virtio_console", {"/boot/config-x", 7}}};
  f.boot.config_modules = {{"virtio_blk", {"/boot/config-x", 8}}};
  f.boot.initramfs.error = "e";
  f.boot.problems = {{"/boot/grub2/grubenv", 0, "unreadable"}};
  nlohmann::json j = f.boot;
  BootFacts back = j.get<BootFacts>();
  EXPECT_EQ(back, f.boot);
  EXPECT_EQ(nlohmann::json(back), j);
  BootFacts failed;
  failed.kernel = Observed<DefaultKernel>::failed("no loader");
  EXPECT_EQ(nlohmann::json(failed).get<BootFacts>(), failed);
  j.erase("builtin_lists");
  EXPECT_THROW((void)j.get<BootFacts>(), nlohmann::json::exception) << "strict: every field";
}

}  // namespace
}  // namespace guestprep

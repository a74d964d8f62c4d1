// Tests for kernel command line splitting and the boot loader parsers (grub.cfg, grubenv,
// /etc/default/grub, GRUB legacy, BLS), on literals and the boot corpus.
#include "parsers/kernel_cmdline.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "support/corpus.h"

namespace guestprep::os_linux {
namespace {

using Args = std::vector<std::string>;

bool contains(const Args& args, const std::string& a) {
  return std::find(args.begin(), args.end(), a) != args.end();
}

// Whether some line, blanks trimmed, starts with `word`.
bool hasLineStarting(const std::string& text, std::string_view word) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line(text.data() + pos, (nl == std::string::npos ? text.size() : nl) - pos);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.starts_with(word)) return true;
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return false;
}

std::filesystem::path bootFile(const char* rel) { return *testing::corpusDir() / "boot" / rel; }

TEST(KernelCmdline, SplitKernelCmdline) {
  struct Case {
    const char* name;
    const char* text;
    Args args;
  };
  const Case cases[] = {
      {"plain", "ro root=/dev/sda1 quiet", {"ro", "root=/dev/sda1", "quiet"}},
      {"proc newline", "ro quiet\n", {"ro", "quiet"}},
      {"runs of blanks", "  ro \t  quiet  ", {"ro", "quiet"}},
      {"quoted value", "a=\"b c\" d", {"a=b c", "d"}},
      {"quoted whole", "\"a b\" c", {"a b", "c"}},
      {"empty", "", {}},
      {"blank only", " \n", {}},
  };
  for (const Case& c : cases) EXPECT_EQ(splitKernelCmdline(c.text), c.args) << c.name;
}

TEST(KernelCmdline, SplitGrubWords) {
  GrubVars vars = {{"kernelopts", "root=/dev/vda1 ro  quiet"}, {"one", "x"}, {"empty", ""}};
  struct Case {
    const char* name;
    const char* text;
    Args args;
  };
  const Case cases[] = {
      {"plain", "ro quiet", {"ro", "quiet"}},
      {"single quotes literal", "'a b' '$one'", {"a b", "$one"}},
      {"double quotes expand", "\"a $one\"", {"a x"}},
      {"unquoted expansion splits", "$kernelopts rhgb", {"root=/dev/vda1", "ro", "quiet", "rhgb"}},
      {"quoted expansion does not split", "\"$kernelopts\"", {"root=/dev/vda1 ro  quiet"}},
      {"braces", "a=${one}y", {"a=xy"}},
      {"undefined kept",
       "quiet $vt_handoff ${tuned_params}",
       {"quiet", "$vt_handoff", "${tuned_params}"}},
      {"empty variable vanishes", "a $empty b", {"a", "b"}},
      {"backslash escape", "a\\ b c\\$one", {"a b", "c$one"}},
      {"comment", "a # b c", {"a"}},
      {"hash inside word", "a#b", {"a#b"}},
      {"continuation", "a \\\n b", {"a", "b"}},
      {"empty quoted word", "a \"\" b", {"a", "", "b"}},
  };
  for (const Case& c : cases) EXPECT_EQ(splitGrubWords(c.text, vars), c.args) << c.name;
}

TEST(KernelCmdline, GrubScriptTokens) {
  std::vector<ConfigProblem> problems;
  std::vector<GrubToken> t =
      lexGrubScript("menuentry 'a b' {\n  linux \"$x\" ; }\necho 'open\n", {{"x", "1"}}, &problems);
  ASSERT_EQ(t.size(), 11u);
  EXPECT_EQ(t[0].text, "menuentry");
  EXPECT_TRUE(t[0].plain);
  EXPECT_EQ(t[1].text, "a b");
  EXPECT_FALSE(t[1].plain) << "quoted";
  EXPECT_EQ(t[2].text, "{");
  EXPECT_TRUE(t[2].plain);
  EXPECT_TRUE(t[3].separator) << "newline";
  EXPECT_EQ(t[4].text, "linux");
  EXPECT_EQ(t[4].line, 2);
  EXPECT_EQ(t[5].text, "1");
  EXPECT_FALSE(t[5].plain) << "expanded";
  EXPECT_TRUE(t[6].separator) << "semicolon";
  EXPECT_EQ(t[7].text, "}");
  EXPECT_TRUE(t[8].separator);
  EXPECT_EQ(t[9].text, "echo");
  EXPECT_EQ(t[9].line, 3);
  EXPECT_EQ(t[10].text, "open\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 3) << "unterminated quote opened on line 3";
}

TEST(KernelCmdline, GrubEnv) {
  GrubEnvFile env = parseGrubEnv(
      "# GRUB Environment Block\nsaved_entry=0\nkernelopts=root=/dev/vda1 ro\n"
      "multi=a\\\nb\nslash=c\\\\d\n######\n");
  EXPECT_TRUE(env.problems.empty());
  EXPECT_EQ(env.vars.size(), 4u);
  EXPECT_EQ(env.vars["saved_entry"], "0");
  EXPECT_EQ(env.vars["kernelopts"], "root=/dev/vda1 ro");
  EXPECT_EQ(env.vars["multi"], "a\nb");
  EXPECT_EQ(env.vars["slash"], "c\\d");

  env = parseGrubEnv("saved_entry=0\n");
  ASSERT_EQ(env.problems.size(), 1u) << "missing header";
  EXPECT_EQ(env.problems[0].line, 1);
  EXPECT_EQ(env.vars["saved_entry"], "0");

  env = parseGrubEnv("# GRUB Environment Block\nnot a pair\n=x\n");
  ASSERT_EQ(env.problems.size(), 2u) << "bad lines";
  EXPECT_EQ(env.problems[0].line, 2);
  EXPECT_EQ(env.problems[1].line, 3);
}

TEST(KernelCmdline, GrubCfgLiterals) {
  const char* cfg =
      "set default=0\n"                                                               // 1
      "function load_video {\n"                                                       // 2
      "  linux /not-an-entry ro\n"                                                    // 3
      "}\n"                                                                           // 4
      "menuentry 'Ubuntu' --class ubuntu $menuentry_id_option 'gnulinux-simple' {\n"  // 5
      "\trecordfail\n"                                                                // 6
      "\tlinux\t/boot/vmlinuz-5.4 root=UUID=abc ro  quiet splash $vt_handoff\n"       // 7
      "\tinitrd\t/boot/initrd.img-5.4\n"                                              // 8
      "}\n"                                                                           // 9
      "submenu 'Advanced' {\n"                                                        // 10
      "  menuentry \"Recovery\" {\n"                                                  // 11
      "    linuxefi /vmlinuz root=/dev/vda1 ro single \\\n"                           // 12
      "      nomodeset\n"                                                             // 13
      "  }\n"                                                                         // 14
      "  menuentry 'BLS-style' { linux ($root)/vmlinuz $kernelopts; }\n"              // 15
      "}\n"                                                                           // 16
      "menuentry 'Xen' {\n"                                                           // 17
      "  multiboot /boot/xen-4.11-amd64.gz placeholder dom0_mem=1024M\n"              // 18
      "  module /boot/vmlinuz-4.19 placeholder root=/dev/vda1 ro\n"                   // 19
      "  module --nounzip /boot/initrd.img-4.19\n"                                    // 20
      "}\n";                                                                          // 21
  BootConfig c = parseGrubCfg(cfg, {{"kernelopts", "root=/dev/vda2 ro"}});
  EXPECT_TRUE(c.problems.empty());
  ASSERT_EQ(c.entries.size(), 4u);
  EXPECT_EQ(c.entries[0].line, 7);
  EXPECT_EQ(c.entries[0].title, "Ubuntu");
  EXPECT_EQ(c.entries[0].kernel, "/boot/vmlinuz-5.4");
  EXPECT_EQ(c.entries[0].args, (Args{"root=UUID=abc", "ro", "quiet", "splash", "$vt_handoff"}));
  EXPECT_EQ(c.entries[1].line, 12);
  EXPECT_EQ(c.entries[1].title, "Recovery");
  EXPECT_EQ(c.entries[1].args, (Args{"root=/dev/vda1", "ro", "single", "nomodeset"}));
  EXPECT_EQ(c.entries[2].line, 15);
  EXPECT_EQ(c.entries[2].kernel, "($root)/vmlinuz");
  EXPECT_EQ(c.entries[2].args, (Args{"root=/dev/vda2", "ro"}));
  EXPECT_EQ(c.entries[3].line, 19);
  EXPECT_EQ(c.entries[3].kernel, "/boot/vmlinuz-4.19");
  EXPECT_EQ(c.entries[3].args, (Args{"root=/dev/vda1", "ro"}));
}

TEST(KernelCmdline, GrubCfgProblems) {
  BootConfig c = parseGrubCfg("}\nmenuentry 'x' {\n  linux\n", {});
  EXPECT_TRUE(c.entries.empty());
  ASSERT_EQ(c.problems.size(), 3u);
  EXPECT_EQ(c.problems[0].line, 1) << "stray brace";
  EXPECT_EQ(c.problems[1].line, 3) << "linux without image";
  EXPECT_EQ(c.problems[2].line, 2) << "unclosed menuentry";

  c = parseGrubCfg("menuentry 'x {\n linux /v ro\n}\n", {});
  EXPECT_FALSE(c.problems.empty()) << "unterminated quote";
}

TEST(KernelCmdline, GrubLegacyLiterals) {
  const char* conf =
      "default=0\n"                                    // 1
      "kernel /stray ro\n"                             // 2
      "title Linux\n"                                  // 3
      "\troot (hd0,0)\n"                               // 4
      "\tkernel /vmlinuz ro root=LABEL=/ a=\"b c\"\n"  // 5
      "title=Other\n"                                  // 6
      "kernel=--type=linux /vmlinuz2 ro\n"             // 7
      "title Xen\n"                                    // 8
      "  kernel /xen.gz dom0_mem=512M\n"               // 9
      "  module /vmlinuz-xen ro root=/dev/sda2\n"      // 10
      "  module /initrd-xen.img\n"                     // 11
      "title Broken Xen\n"                             // 12
      "  kernel /xen.gz\n";                            // 13
  BootConfig c = parseGrubLegacy(conf);
  ASSERT_EQ(c.entries.size(), 3u);
  EXPECT_EQ(c.entries[0].line, 5);
  EXPECT_EQ(c.entries[0].title, "Linux");
  EXPECT_EQ(c.entries[0].args, (Args{"ro", "root=LABEL=/", "a=b c"}));
  EXPECT_EQ(c.entries[1].line, 7);
  EXPECT_EQ(c.entries[1].title, "Other");
  EXPECT_EQ(c.entries[1].kernel, "/vmlinuz2");
  EXPECT_EQ(c.entries[1].args, (Args{"ro"}));
  EXPECT_EQ(c.entries[2].line, 10);
  EXPECT_EQ(c.entries[2].kernel, "/vmlinuz-xen");
  EXPECT_EQ(c.entries[2].args, (Args{"ro", "root=/dev/sda2"}));
  ASSERT_EQ(c.problems.size(), 2u);
  EXPECT_EQ(c.problems[0].line, 2) << "kernel outside a title";
  EXPECT_EQ(c.problems[1].line, 12) << "Xen entry without module";
}

TEST(KernelCmdline, BlsLiterals) {
  BootConfig c = parseBlsEntry(
      "title Fedora\nlinux /vmlinuz-6\noptions $kernelopts\noptions ipv6.disable=1 $unset\n",
      {{"kernelopts", "root=/dev/vda1 ro"}});
  ASSERT_EQ(c.entries.size(), 1u);
  EXPECT_EQ(c.entries[0].line, 3);
  EXPECT_EQ(c.entries[0].title, "Fedora");
  EXPECT_EQ(c.entries[0].kernel, "/vmlinuz-6");
  EXPECT_EQ(c.entries[0].args, (Args{"root=/dev/vda1", "ro", "ipv6.disable=1", "$unset"}));

  c = parseBlsEntry("title no options\nlinux /vmlinuz\n", {});
  ASSERT_EQ(c.entries.size(), 1u);
  EXPECT_EQ(c.entries[0].line, 2);
  EXPECT_TRUE(c.entries[0].args.empty());

  EXPECT_TRUE(parseBlsEntry("title efi\nefi /EFI/x.efi\n", {}).entries.empty());
}

TEST(KernelCmdline, GrubDefaultsLiterals) {
  GrubDefaults d = parseGrubDefaults(
      {{"/etc/default/grub",
        "GRUB_CMDLINE_LINUX=\"console=tty0\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n"},
       {"/etc/default/grub.d/50-cloudimg.cfg",
        "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT console=ttyS0 ${UNSET}\"\n"}});
  EXPECT_TRUE(d.problems.empty());
  EXPECT_EQ(d.cmdline.args, (Args{"console=tty0", "quiet", "splash", "console=ttyS0"}));
  EXPECT_EQ(d.cmdline.source, (SourceRef{"/etc/default/grub", 1}));

  d = parseGrubDefaults({{"/etc/default/grub",
                          "GRUB_CMDLINE_LINUX_DEFAULT=\"ipv6.disable=1\"\n"
                          "GRUB_CMDLINE_LINUX=\"\"\n"}});
  EXPECT_EQ(d.cmdline.args, (Args{"ipv6.disable=1"}));
  EXPECT_EQ(d.cmdline.source, (SourceRef{"/etc/default/grub", 1})) << "the non-empty one";

  d = parseGrubDefaults({{"/etc/default/grub", "GRUB_TIMEOUT=5\n"}});
  EXPECT_TRUE(d.cmdline.args.empty());
  EXPECT_EQ(d.cmdline.source, (SourceRef{"/etc/default/grub", 0})) << "neither assigned";

  d = parseGrubDefaults({{"/etc/default/grub", "GRUB_CMDLINE_LINUX=\"a=$(cat /x)\"\nbad line\n"}});
  ASSERT_EQ(d.problems.size(), 2u);
  EXPECT_EQ(d.problems[0].file, "/etc/default/grub");
  EXPECT_EQ(d.problems[0].line, 2) << "shell-vars problem";
  EXPECT_EQ(d.problems[1].line, 1) << "command substitution";
}

TEST(KernelCmdline, CorpusProcCmdline) {
  GUESTPREP_REQUIRE_CORPUS();
  Args aws =
      splitKernelCmdline(testing::readTestFile(bootFile("facter/proc-cmdline-aws-partuuid")));
  EXPECT_EQ(aws,
            (Args{"BOOT_IMAGE=/boot/vmlinuz-5.4.0-1024-aws", "root=PARTUUID=a2f52878-01", "ro",
                  "console=tty1", "console=ttyS0", "nvme_core.io_timeout=4294967295", "panic=-1"}));
  Args rhel =
      splitKernelCmdline(testing::readTestFile(bootFile("insights-core/proc-cmdline-rhel7-lvm")));
  ASSERT_EQ(rhel.size(), 9u);
  EXPECT_EQ(rhel.front(), "BOOT_IMAGE=/vmlinuz-3.10.0-327.36.3.el7.x86_64");
  EXPECT_EQ(rhel.back(), "LANG=en_GB.utf8");
  EXPECT_TRUE(contains(rhel, "rd.lvm.lv=system_vg/Swap"));
}

TEST(KernelCmdline, CorpusGrub2Cfg) {
  GUESTPREP_REQUIRE_CORPUS();
  BootConfig c = parseGrubCfg(testing::readTestFile(bootFile("inspec/grub2.cfg-centos7")), {});
  EXPECT_TRUE(c.problems.empty());
  ASSERT_EQ(c.entries.size(), 3u);
  EXPECT_EQ(c.entries[0].line, 88);
  EXPECT_EQ(c.entries[0].title, "Test GRUB_DEFAULT of 0");
  EXPECT_EQ(c.entries[0].kernel, "/vmlinuz-yup-kernel-works");
  EXPECT_EQ(c.entries[1].line, 103);
  EXPECT_EQ(c.entries[1].title, "CentOS Linux 7 (Core), with Linux 3.10.0-229.el7.x86_64");
  EXPECT_EQ(c.entries[1].args, (Args{"root=/dev/mapper/centos-root", "ro", "rd.lvm.lv=centos/root",
                                     "rd.lvm.lv=centos/swap", "crashkernel=auto", "rhgb", "quiet",
                                     "LANG=en_US.UTF-8"}));
  EXPECT_EQ(c.entries[2].line, 117);
  EXPECT_EQ(c.entries[2].kernel, "/vmlinuz-0-rescue");
  EXPECT_FALSE(contains(c.entries[2].args, "LANG=en_US.UTF-8"));

  c = parseGrubCfg(testing::readTestFile(bootFile("insights-core/grub2-menuentry-rhel7")), {});
  EXPECT_TRUE(c.problems.empty());
  ASSERT_EQ(c.entries.size(), 1u);
  EXPECT_EQ(c.entries[0].line, 8);
  EXPECT_EQ(c.entries[0].title,
            "Red Hat Enterprise Linux Server, with Linux 3.10.0-123.9.3.el7.x86_64");
  EXPECT_EQ(c.entries[0].args.size(), 8u);
  EXPECT_TRUE(contains(c.entries[0].args, "console=ttyS0,38400"));
}

TEST(KernelCmdline, CorpusGrubLegacy) {
  GUESTPREP_REQUIRE_CORPUS();
  BootConfig c = parseGrubLegacy(testing::readTestFile(bootFile("augeas/grub.conf-fedora8-xen")));
  EXPECT_TRUE(c.problems.empty());
  ASSERT_EQ(c.entries.size(), 4u);
  EXPECT_EQ(c.entries[0].line, 16);
  EXPECT_EQ(c.entries[0].title, "Fedora (2.6.24.4-64.fc8)");
  EXPECT_EQ(c.entries[2].line, 25) << "the Xen entry's Linux is its first module";
  EXPECT_EQ(c.entries[2].kernel, "/vmlinuz-2.6.21.7-3.fc8xen");
  EXPECT_EQ(c.entries[2].args, (Args{"ro", "root=/dev/vg00/lv00"}));
  EXPECT_EQ(c.entries[3].line, 29);

  c = parseGrubLegacy(testing::readTestFile(bootFile("inspec/grub.conf-centos6")));
  ASSERT_EQ(c.entries.size(), 2u);
  EXPECT_EQ(c.entries[0].line, 16);
  EXPECT_EQ(c.entries[1].line, 20);
  EXPECT_EQ(c.entries[1].title, "CentOS 6 (2.6.32-573.el6.x86_64)");
  EXPECT_EQ(c.entries[1].args.size(), 15u);
  EXPECT_TRUE(contains(c.entries[1].args, "rd_LVM_LV=VolGroup/lv_root"));
  EXPECT_EQ(c.entries[1].args.back(), "audit=1");

  c = parseGrubLegacy(testing::readTestFile(bootFile("inspec/grub.conf-centos6-nonindented")));
  ASSERT_EQ(c.entries.size(), 2u);
  EXPECT_EQ(c.entries[0].line, 16);
  EXPECT_EQ(c.entries[1].line, 22);

  c = parseGrubLegacy(testing::readTestFile(bootFile("insights-core/grub.conf-rhel-insights")));
  ASSERT_EQ(c.entries.size(), 2u);
  EXPECT_EQ(c.entries[1].line, 22);
  EXPECT_EQ(c.entries[1].args, (Args{"ro", "root=LABEL=/1", "crashkernel=128M@16M"}));

  c = parseGrubLegacy(
      testing::readTestFile(bootFile("insights-core/grub.conf-spaces-around-equals")));
  ASSERT_EQ(c.entries.size(), 1u);
  EXPECT_EQ(c.entries[0].line, 3);
  EXPECT_EQ(c.entries[0].kernel, "test");
  EXPECT_TRUE(c.entries[0].args.empty());
}

TEST(KernelCmdline, CorpusBlsAndGrubenv) {
  GUESTPREP_REQUIRE_CORPUS();
  GrubEnvFile env = parseGrubEnv(testing::readTestFile(bootFile("inspec/grubenv-centos7")));
  EXPECT_TRUE(env.problems.empty());
  ASSERT_EQ(env.vars.size(), 1u);
  EXPECT_EQ(env.vars["saved_entry"], "CentOS Linux 7 (Core), with Linux 3.10.0-229.el7.x86_64");

  std::string bls = testing::readTestFile(bootFile("insights-core/bls-entry-rhel8.conf"));
  BootConfig c = parseBlsEntry(bls, {});
  ASSERT_EQ(c.entries.size(), 1u);
  EXPECT_EQ(c.entries[0].line, 5);
  EXPECT_EQ(c.entries[0].title,
            "Red Hat Enterprise Linux (4.18.0-80.1.2.el8_0.x86_64) 8.0 (Ootpa)");
  EXPECT_EQ(c.entries[0].kernel, "/vmlinuz-4.18.0-80.1.2.el8_0.x86_64");
  EXPECT_EQ(c.entries[0].args,
            (Args{"root=/dev/mapper/rhel_vm37--146-root", "ro", "crashkernel=auto",
                  "resume=/dev/mapper/rhel_vm37--146-swap", "rd.lvm.lv=rhel_vm37-146/root",
                  "rd.lvm.lv=rhel_vm37-146/swap", "$tuned_params", "noapic"}));
  c = parseBlsEntry(bls, {{"tuned_params", "skew_tick=1 nohz=on"}});
  ASSERT_EQ(c.entries.size(), 1u);
  EXPECT_EQ(c.entries[0].args.size(), 9u);
  EXPECT_TRUE(contains(c.entries[0].args, "nohz=on"));
  EXPECT_FALSE(contains(c.entries[0].args, "$tuned_params"));
}

TEST(KernelCmdline, CorpusGrubDefaults) {
  GUESTPREP_REQUIRE_CORPUS();
  GrubDefaults d =
      parseGrubDefaults({{"/etc/default/grub",
                          testing::readTestFile(bootFile("inspec/default-grub-centos7-saved"))}});
  EXPECT_TRUE(d.problems.empty());
  EXPECT_EQ(d.cmdline.source, (SourceRef{"/etc/default/grub", 5}));
  EXPECT_EQ(d.cmdline.args, (Args{"rd.lvm.lv=centos/root", "rd.lvm.lv=centos/swap",
                                  "crashkernel=auto", "rhgb", "quiet"}));

  d = parseGrubDefaults(
      {{"/etc/default/grub", testing::readTestFile(bootFile("inspec/default-grub-debian"))}});
  EXPECT_TRUE(d.problems.empty()) << "the backquoted GRUB_DISTRIBUTOR is not a cmdline key";
  EXPECT_EQ(d.cmdline.source, (SourceRef{"/etc/default/grub", 11}));
  EXPECT_EQ(d.cmdline.args, (Args{"quiet"}));
}

// Every file of the boot category through every boot parser: no crash, lines in range, and a
// parser finds entries only in files of its own format.
TEST(KernelCmdline, CorpusAllBoot) {
  GUESTPREP_REQUIRE_CORPUS();
  auto files = testing::corpusFiles("boot");
  ASSERT_GE(files.size(), 15u);
  for (const auto& path : files) {
    std::string text = testing::readTestFile(path);
    int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    auto checkLines = [&](const BootConfig& c, const char* parser) {
      for (const BootEntry& e : c.entries) {
        EXPECT_GE(e.line, 1) << parser << " " << path;
        EXPECT_LE(e.line, lines) << parser << " " << path;
        EXPECT_FALSE(e.kernel.empty()) << parser << " " << path;
      }
      for (const ConfigProblem& p : c.problems) {
        EXPECT_GE(p.line, 0) << parser << " " << path;
        EXPECT_LE(p.line, lines) << parser << " " << path;
      }
    };
    BootConfig cfg = parseGrubCfg(text, {});
    checkLines(cfg, "grub.cfg");
    EXPECT_EQ(!cfg.entries.empty(), text.find("menuentry") != std::string::npos) << path;
    BootConfig legacy = parseGrubLegacy(text);
    checkLines(legacy, "legacy");
    EXPECT_EQ(!legacy.entries.empty(),
              hasLineStarting(text, "title") && hasLineStarting(text, "kernel"))
        << path;
    if (text.find("\noptions ") != std::string::npos) {
      BootConfig bls = parseBlsEntry(text, {});
      checkLines(bls, "bls");
      EXPECT_EQ(bls.entries.size(), 1u) << path;
    }
  }
}

}  // namespace
}  // namespace guestprep::os_linux

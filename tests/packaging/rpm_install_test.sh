#!/usr/bin/env bash
# Checks the .rpm's files and attributes (%config(noreplace), modes, requires), then installs it
# with `rpm --root` into a scratch root (an overlay of the cached Debian root, so that the
# scriptlets have a shell), runs it when static, upgrades and erases it keeping the journals.
# Usage: rpm_install_test.sh PACKAGE.rpm UPGRADE.rpm DEBIAN_ROOT_PATH_FILE
# The checks are strings evaluated by check(), which reads variables set here.
# shellcheck disable=SC2016,SC2034
set -euo pipefail
export LC_ALL=C
rpmfile=$1
upgrade=$2
root=$(cat "$3" 2>/dev/null) || { echo "ERROR: no Debian root: $3 unreadable" >&2; exit 1; }
[[ $(id -u) == 0 ]] || { echo "ERROR: needs root (rpm --root chroots, overlay mount)" >&2; exit 1; }
for f in "$rpmfile" "$upgrade"; do [[ -f $f ]] || { echo "ERROR: no package $f" >&2; exit 1; }; done
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1 ($2)" >&2; fail=1; fi; }

list=$(rpm -qlvp "$rpmfile")
echo "$list"
flags=$(rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILEMODES:perms} %{FILEUSERNAME} %{FILENAMES}\n]' "$rpmfile")
check "binary /usr/sbin/guestprep 0755 root" 'grep -qx " -rwxr-xr-x root /usr/sbin/guestprep" <<<"$flags"'
check "config noreplace /etc/guestprep/guestprep.yaml" 'grep -qx "cn -rw-r--r-- root /etc/guestprep/guestprep.yaml" <<<"$flags"'
check "/var/lib/guestprep 0700" 'grep -qx " drwx------ root /var/lib/guestprep" <<<"$flags"'
check "unit" 'grep -q " /usr/lib/systemd/system/guestprep.service$\| /lib/systemd/system/guestprep.service$" <<<"$flags"'
check "man page" 'grep -q " /usr/share/man/man8/guestprep.8.gz$" <<<"$flags"'
check "completion" 'grep -q " /usr/share/bash-completion/completions/guestprep$" <<<"$flags"'
check "policies" 'grep -q " /usr/share/guestprep/policies/aliyun-ecs-linux.yaml$" <<<"$flags"'
check "owns no system directory" '! grep -E " (/etc|/var/lib|/usr/lib/systemd/system|/usr/share/man/man8|/usr/sbin)$" <<<"$flags"'

work=$(mktemp -d /tmp/guestprep-rpm-XXXXXX)
trap 'rm -rf "$work"' EXIT
rpm2cpio "$rpmfile" | (cd "$work" && cpio -id --quiet ./usr/sbin/guestprep)
static=0
if file -L "$work/usr/sbin/guestprep" | grep -qE 'statically linked|static-pie linked'; then
  static=1
  requires=$(rpm -qp --requires "$rpmfile")
  check "static binary requires no shared library" '! grep -q "\.so" <<<"$requires"'
else
  echo "dynamic binary (not the static release build): not run from the scratch root"
fi

mkdir -p "$work/upper/tmp" "$work/work" "$work/merged"
cp "$rpmfile" "$work/upper/tmp/guestprep.rpm"
cp "$upgrade" "$work/upper/tmp/guestprep-upgrade.rpm"
cat > "$work/run.sh" <<'RUN'
set -u
m=$1
static=$2
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1 ($2)"; fail=1; fi; }
r() { rpm --root "$m" --dbpath /var/lib/rpm "$@"; }
journal=$m/var/lib/guestprep/journal/20260101T000000Z-test
r --initdb
r -i --nodeps "$m/tmp/guestprep.rpm" || exit 1
r -qlv guestprep
check "installed" 'r -q guestprep >/dev/null'
check "config listed" 'r -qc guestprep | grep -qx /etc/guestprep/guestprep.yaml'
check "/var/lib/guestprep 0700 after %post" '[ "$(stat -c %a "$m/var/lib/guestprep")" = 700 ]'
check "files verify (rpm -V)" 'r -V --nodeps guestprep'
if [ "$static" = 1 ]; then
  check "--version in the scratch root" 'chroot "$m" /usr/sbin/guestprep --version | grep -q "^guestprep "'
fi
mkdir -p "$journal" && echo '{"run":"test"}' > "$journal/manifest.json"
echo "# changed by the administrator" >> "$m/etc/guestprep/guestprep.yaml"
r -U --nodeps "$m/tmp/guestprep-upgrade.rpm" || exit 1
check "upgraded" '[ "$(r -q --qf "%{RELEASE}" guestprep)" = "$(rpm -qp --qf "%{RELEASE}" "$m/tmp/guestprep-upgrade.rpm")" ]'
check "upgrade keeps the journal" '[ -f "$journal/manifest.json" ]'
check "upgrade keeps the changed config" 'grep -q "changed by the administrator" "$m/etc/guestprep/guestprep.yaml"'
mkdir -p "$m/var/cache/guestprep/initramfs-listing-v1" && echo x > "$m/var/cache/guestprep/initramfs-listing-v1/k"
r -e --nodeps guestprep || exit 1
check "erase deletes /var/cache/guestprep" '! [ -e "$m/var/cache/guestprep" ]'
check "erased" '! [ -e "$m/usr/sbin/guestprep" ]'
check "erase keeps the journal" '[ -f "$journal/manifest.json" ]'
check "erase keeps the changed config as .rpmsave" '[ -f "$m/etc/guestprep/guestprep.yaml.rpmsave" ]'
exit $fail
RUN
set +e
unshare --mount --pid --net --fork sh -c '
  set -e
  mount --make-rprivate /
  mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$2/merged"
  mount -t proc proc "$2/merged/proc"
  exec bash "$2/run.sh" "$2/merged" "$3"
' sh "$root" "$work" "$static"
rc=$?
set -e
[[ $rc == 0 ]] || { echo "FAIL: install, upgrade or erase in the scratch root (exit $rc)" >&2; fail=1; }
((fail == 0)) || exit 1
echo "rpm files, install, upgrade and erase: all checks passed"

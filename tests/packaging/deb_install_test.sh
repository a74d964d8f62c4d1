#!/usr/bin/env bash
# Installs the .deb with dpkg into an overlay copy of the cached debootstrapped Debian 12 root (a
# chroot in new mount, pid and network namespaces), runs guestprep there, then upgrades, removes
# and purges it, checking that the fix journals survive and the conffile is handled.
# Usage: deb_install_test.sh PACKAGE.deb UPGRADE.deb DEBIAN_ROOT_PATH_FILE
set -euo pipefail
deb=$1
upgrade=$2
root=$(cat "$3" 2>/dev/null) || { echo "ERROR: no Debian root: $3 unreadable" >&2; exit 1; }
[[ $(id -u) == 0 ]] || { echo "ERROR: needs root (dpkg in a chroot, overlay mount)" >&2; exit 1; }
[[ -d $root/var/lib/dpkg ]] || { echo "ERROR: $root is not a Debian root" >&2; exit 1; }
for f in "$deb" "$upgrade"; do [[ -f $f ]] || { echo "ERROR: no package $f" >&2; exit 1; }; done

work=$(mktemp -d /tmp/guestprep-deb-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/upper/tmp/pkgs" "$work/work" "$work/merged"
cp "$deb" "$work/upper/tmp/pkgs/guestprep.deb"
cp "$upgrade" "$work/upper/tmp/pkgs/guestprep-upgrade.deb"
version=$(dpkg-deb -f "$deb" Version)
upgrade_version=$(dpkg-deb -f "$upgrade" Version)
dpkg --compare-versions "$upgrade_version" gt "$version" ||
  { echo "ERROR: $upgrade ($upgrade_version) is not newer than $version" >&2; exit 1; }

# A static binary (the release build) must come with no shared-library Depends. A dynamic one
# (a dev build) needs libraries the minimal root lacks: they are copied beside it, and dpkg is
# told to ignore the Depends it cannot satisfy offline.
dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/sbin/guestprep > "$work/guestprep"
force=""
if file -L "$work/guestprep" | grep -qE 'statically linked|static-pie linked'; then
  depends=$(dpkg-deb -f "$deb" Depends)
  if grep -q 'lib' <<<"$depends"; then
    echo "FAIL: static binary but shared-library Depends: $depends" >&2
    exit 1
  fi
  echo "static binary; Depends: '${depends}'"
else
  echo "dynamic binary (not the static release build): installing with --force-depends"
  force=--force-depends
  mkdir -p "$work/upper/tmp/libs"
  chmod +x "$work/guestprep"
  ldd "$work/guestprep" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
    [[ -e $root$lib ]] || cp -L "$lib" "$work/upper/tmp/libs/"
  done
fi

cat > "$work/upper/tmp/inner.sh" <<'INNER'
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LD_LIBRARY_PATH=/tmp/libs
unset GUESTPREP_CACHE_DIR  # the installed program's default: /var/cache/guestprep as root
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1 ($2)"; fail=1; fi; }
journal=/var/lib/guestprep/journal/20260101T000000Z-test
conf=/etc/guestprep/guestprep.yaml

dpkg $FORCE -i /tmp/pkgs/guestprep.deb > /tmp/dpkg1.log 2>&1 || { cat /tmp/dpkg1.log; exit 1; }
check "installed $VERSION" '[ "$(dpkg-query -W -f="\${Status} \${Version}" guestprep)" = "install ok installed $VERSION" ]'
check "--version" 'guestprep --version | grep -qx "guestprep ${VERSION%-*}"'
guestprep audit --root / > /tmp/audit.txt 2> /tmp/audit.err
rc=$?
check "audit --root / exits 0 or 1 (got $rc)" '[ $rc -le 1 ] && [ -s /tmp/audit.txt ]'
check "audit kept the initramfs listing in /var/cache/guestprep (0700)" '[ "$(stat -c %a /var/cache/guestprep)" = 700 ] && [ -n "$(ls /var/cache/guestprep/initramfs-listing-v1)" ]'
head -n1 /tmp/audit.txt
check "policies" '[ -f /usr/share/guestprep/policies/aliyun-ecs-linux.yaml ]'
check "policy validates" 'guestprep policy validate /usr/share/guestprep/policies/aliyun-ecs-linux.yaml >/dev/null'
check "man page" '[ -f /usr/share/man/man8/guestprep.8.gz ]'
check "completion" '[ -f /usr/share/bash-completion/completions/guestprep ]'
check "unit runs /usr/sbin/guestprep daemon" 'grep -qx "ExecStart=/usr/sbin/guestprep daemon" /usr/lib/systemd/system/guestprep.service'
check "unit not enabled" '! [ -e /etc/systemd/system/multi-user.target.wants/guestprep.service ]'
check "conffile" 'dpkg-query -W -f="\${Conffiles}" guestprep | grep -q " $conf "'
check "/var/lib/guestprep is 0700 root" '[ "$(stat -c %a:%U "/var/lib/guestprep")" = 700:root ]'
if guestprep --help | grep -q "^  daemon "; then
  # The shipped config must load: a bad one stops the daemon at once with exit 2.
  timeout 5 guestprep daemon --foreground > /tmp/daemon.log 2>&1
  rc=$?
  check "daemon starts with the shipped config (exit $rc; 124: still running after 5 s)" '[ $rc -eq 124 ]'
  [ $rc -eq 124 ] || cat /tmp/daemon.log
  # ...and it is the file the daemon reads: a bad key there stops it.
  cp "$conf" /tmp/conf.good && echo "no_such_key: 1" >> "$conf"
  timeout 5 guestprep daemon --foreground > /tmp/daemon.log 2>&1
  rc=$?
  check "daemon reads $conf (a bad key: exit $rc)" '[ $rc -eq 2 ] && grep -q no_such_key /tmp/daemon.log'
  cp /tmp/conf.good "$conf"
fi

# A fix run's journal, and an administrator's change to the conffile.
mkdir -p "$journal" && echo '{"run":"test"}' > "$journal/manifest.json"
echo "# changed by the administrator" >> "$conf"
dpkg $FORCE -i /tmp/pkgs/guestprep-upgrade.deb > /tmp/dpkg2.log 2>&1 || { cat /tmp/dpkg2.log; exit 1; }
check "upgraded to $UPGRADE_VERSION" '[ "$(dpkg-query -W -f="\${Version}" guestprep)" = "$UPGRADE_VERSION" ]'
check "upgrade keeps the journal" '[ -f "$journal/manifest.json" ]'
check "upgrade keeps the changed conffile" 'grep -q "changed by the administrator" "$conf"'

dpkg -r guestprep > /tmp/dpkg3.log 2>&1 || { cat /tmp/dpkg3.log; exit 1; }
check "removed" '! [ -e /usr/sbin/guestprep ] && ! [ -e /usr/lib/systemd/system/guestprep.service ]'
check "remove keeps the journal" '[ -f "$journal/manifest.json" ]'
check "remove deletes /var/cache/guestprep" '! [ -e /var/cache/guestprep ]'
check "remove keeps the conffile" '[ -f "$conf" ] && dpkg-query -W -f="\${Status}" guestprep | grep -q config-files'

dpkg -P guestprep > /tmp/dpkg4.log 2>&1 || { cat /tmp/dpkg4.log; exit 1; }
check "purge deletes the conffile" '! [ -e "$conf" ]'
check "purge keeps a non-empty journal, and says so" '[ -f "$journal/manifest.json" ] && grep -q "kept /var/lib/guestprep" /tmp/dpkg4.log'
rm -rf /var/lib/guestprep
dpkg $FORCE -i /tmp/pkgs/guestprep.deb > /tmp/dpkg5.log 2>&1 || { cat /tmp/dpkg5.log; exit 1; }
dpkg -P guestprep > /tmp/dpkg6.log 2>&1 || { cat /tmp/dpkg6.log; exit 1; }
check "purge with no journal deletes /var/lib/guestprep" '! [ -e /var/lib/guestprep ] && ! [ -e /etc/guestprep ]'
exit $fail
INNER

m=$work/merged
set +e
# shellcheck disable=SC2016  # expanded by the inner shell, from its arguments
unshare --mount --pid --net --fork sh -c '
  set -e
  mount --make-rprivate /
  mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$3"
  mount -t proc proc "$3/proc"
  exec chroot "$3" env FORCE="$4" VERSION="$5" UPGRADE_VERSION="$6" /bin/sh /tmp/inner.sh
' sh "$root" "$work" "$m" "$force" "$version" "$upgrade_version"
rc=$?
set -e
if [[ $rc != 0 ]]; then echo "FAIL: the install test in the chroot failed (exit $rc)" >&2; exit 1; fi
echo "deb install, upgrade, remove and purge: all checks passed"

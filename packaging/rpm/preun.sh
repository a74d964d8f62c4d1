# guestprep %preun: stop the daemon before an erase ($1 = 0), not before an upgrade.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
  systemctl --system stop guestprep.service >/dev/null 2>&1 || :
  systemctl --system disable guestprep.service >/dev/null 2>&1 || :
fi

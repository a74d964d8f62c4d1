# guestprep %postun: after an upgrade ($1 >= 1) restart the daemon only if it was running.
# An erase leaves /var/lib/guestprep (the fix journals) in place: RPM removes a directory it
# owns only when it is empty. An erase ($1 = 0) deletes /var/cache/guestprep: results guestprep
# can compute again (the initramfs listings).
if [ "$1" -eq 0 ]; then
  rm -rf /var/cache/guestprep
fi
if [ -d /run/systemd/system ]; then
  systemctl --system daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -ge 1 ]; then
    systemctl --system try-restart guestprep.service >/dev/null 2>&1 || :
  fi
fi

# guestprep %postun: after an upgrade ($1 >= 1) restart the daemon only if it was running.
# An erase leaves /var/lib/guestprep (the fix journals) in place: RPM removes a directory it
# owns only when it is empty.
if [ -d /run/systemd/system ]; then
  systemctl --system daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -ge 1 ]; then
    systemctl --system try-restart guestprep.service >/dev/null 2>&1 || :
  fi
fi

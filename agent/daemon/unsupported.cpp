// `guestprep daemon` where Poco is not built yet (the mingw-w64 build): an error saying so.
#include <iostream>

#include "daemon/daemon.h"

namespace guestprep {

int runDaemon(const DaemonOptions& /*options*/) {
  std::cerr << "guestprep: the daemon is not available in this build yet (Windows service: "
               "planned); run `guestprep audit` instead\n";
  return 2;
}

}  // namespace guestprep

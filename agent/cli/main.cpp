// guestprep's entry point.
#include "cli.h"

int main(int argc, char** argv) { return guestprep::runCli(argc, argv); }

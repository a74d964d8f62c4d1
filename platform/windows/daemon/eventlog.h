// The daemon's Windows Event Log source and the message table guestprep.exe carries for it
// (eventlog_messages.mc, built into the executable on Windows): names shared by the sink, the event
// source's registration and its tests.
#pragma once

namespace guestprep {

/// The service's name, its display name and the Event Log source (Application log).
inline constexpr const char* kServiceName = "guestprep";
inline constexpr const char* kEventSource = "guestprep";
inline constexpr const char* kServiceDescription =
    "guestprep daemon: audits this server for import into a cloud on an interval and answers "
    "a local HTTP API (docs/daemon.md)";
/// The message "%1" (the logged text): the event ID spdlog's win_eventlog_sink reports.
inline constexpr unsigned short kEventIdText = 1000;
/// Categories 1 to 5 name the level (debug, info, warning, error, critical): spdlog reports its
/// level number as the category.
inline constexpr unsigned kEventCategoryCount = 5;

}  // namespace guestprep

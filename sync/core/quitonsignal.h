// SIGTERM and SIGINT end the event loop cleanly (QCoreApplication::quit, so
// aboutToQuit runs and destructors close the cache and the outbox): systemd
// stops a service with SIGTERM. The handler only writes a byte to a socket
// pair; a QSocketNotifier on the event loop does the rest (the way Qt's
// documentation shows for calling Qt from a Unix signal handler).
#pragma once

namespace redbox {

// Call once, after the QCoreApplication exists. Throws std::runtime_error if
// the socket pair or the handlers cannot be set up.
void quitOnTerminationSignals();

}   // namespace redbox

// The last lines this process logged, kept in memory for a technician's
// diagnostics bundle (the journal keeps them too, but a technician at the
// kiosk has no shell). install() chains to the handler in place before it;
// scrub() takes out what must never leave the kiosk: card numbers, hashes,
// passwords and PINs.
#pragma once

#include <QStringList>

namespace redbox {

class LogBuffer {
public:
    static void install(int maxLines = 2000);
    static bool installed();
    static QStringList lines();   // oldest first, as logged (not scrubbed)
    static QString scrub(const QString &line);
};

}   // namespace redbox

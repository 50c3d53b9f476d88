// The diagnostics bundle a technician exports: versions, the kiosk's
// configuration without secrets, the health of every server it reaches, its
// cache and parked outbox entries, and its recent log lines, scrubbed of
// anything that looks like a password or card data. One JSON file, 0600.
#pragma once

#include "maintenance/techtypes.h"
#include "outbox/offlineoutbox.h"

#include <optional>

namespace redbox {

struct KioskConfig;

struct DiagnosticsFacts {
    std::optional<CacheCounts> cache;   // empty when the kiosk's storage could not be read
    QList<OutboxEntry> parked;
    QString storageError;
};

// Writes the bundle into the kiosk's export folder; the answer names the file (path) or says why not.
TechAnswer writeDiagnostics(const KioskConfig &cfg, const MaintenanceHealth &health, const DiagnosticsFacts &facts);

}   // namespace redbox

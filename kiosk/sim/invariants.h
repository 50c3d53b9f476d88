// What must hold once faults have healed and queues have drained, checked
// against every tier, each with a count (0 is the only right answer):
//   confirmed rentals lost     a disc came out, but HQ has no live rental for it
//   charged without a disc     a rental whose disc never came out is not void at HQ
//   duplicated rentals/charges two night charges for a rental; two rentals of a disc at one time
//   discs out on two rentals   at any node, one barcode with two open rentals
//   limits exceeded (whole)    HQ found a member over the plan's limit on an online rental
//   ledgers disagree           HQ's reconcile(): rentals, open counts, payments to the cent, disc counts
//   work left over             prepared transactions, undelivered or parked hops, returns waiting for
//                              their rental, kiosk outboxes and dispense journals not empty
//   unknown cards accepted     a card nobody issued reached the PIN screen
//   kept not closed everywhere a disc kept after its plan's last night is not kept (its maximum
//                              period charged, the disc no longer stock) at every node holding it
//   late returns not charged   a disc returned days late whose rental was charged fewer nights
//   kept discs not captured    a kept or bought disc's charge not captured, nothing in flight
// Blocking SQL: run it off the GUI (or event-loop) thread.
#pragma once

#include "network/networkstate.h"
#include "sim/history.h"
#include "sim/timemachine.h"

#include <QJsonObject>
#include <QStringList>

namespace redbox::sim {

struct KioskLeftovers {
    qint64 outbox = 0;   // queued and parked actions in kiosks' outboxes
    qint64 journal = 0;   // dispense journal entries
    qint64 unknownAccepted = 0;
};

struct InvariantReport {
    QList<QPair<QString, qint64>> counts;   // in the order above
    QStringList details;   // the first lines behind each non-zero count
    qint64 violations() const;
    QJsonObject toJson() const;
};

InvariantReport checkInvariants(const NetworkState &net, const QHash<QUuid, RentalTrace> &rentals, const KioskLeftovers &kiosks,
                                const DaysPassed &days = {});

// Delays from the red box's commit to the coast and to HQ, in ms, for the given rentals.
struct Delays {
    std::vector<double> toCoast;
    std::vector<double> toHq;
};
Delays replicationDelays(const NetworkState &net, const QList<QUuid> &rentalIds);

}   // namespace redbox::sim

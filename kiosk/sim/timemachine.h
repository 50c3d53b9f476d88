// Days pass, for chosen rentals. A simulator run lasts minutes, but late
// nights and kept discs take days, and neither the kiosks nor the simulator
// can claim a time: the servers take their own (an online rental's start is
// the red box's now(), an offline one's is the kiosk's clock corrected by the
// skew it measured). So the simulator moves a rental's start back by whole
// days at every node that holds it, as if it had been made that long ago,
// and lets the network do the rest: the coast's payments service raises the
// hold for the nights that accrued, a return charges its late nights, and
// close_overdue_rentals() (the forwarder's job every minute) keeps a disc not
// back after its plan's last night.
//
// A rental is only moved once every tier that must hold it does (its red box,
// the coasts of its kiosk and of its member, HQ), at all of them or at none (a
// node that a fault has taken away leaves it as it was): one still on its way,
// or behind a fault, comes back on time. Blocking SQL: run it off any event loop
// that others share. Thread-safe.
#pragma once

#include "network/networkstate.h"
#include "sim/world.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QUuid>

namespace redbox::sim {

// What days passed in a run, for the invariants.
struct DaysPassed {
    QHash<QUuid, int> late;   // rentals whose start was moved back before their return, by days
    QList<QUuid> kept;   // rentals left out past their plan's last night
};

class TimeMachine {
public:
    explicit TimeMachine(const NetworkState &net);

    // Moves HOLDING's rental DAYS back, before its member returns it; false when a tier
    // does not hold it open yet (nothing is moved). Throws pg::DbError when a node fails.
    bool ageBeforeReturn(const Holding &holding, const SimKioskRef &from, const QString &memberCoast, int days);

    // Of the run's RENTALS still out now, a SHARE (chosen by SEED) are never brought back:
    // each is moved past its plan's last night, and every red box closes its overdue
    // rentals at once, as its forwarder does every minute. Returns the rentals kept.
    QList<QUuid> keepUnreturned(const QList<QUuid> &rentals, double share, quint64 seed);

    DaysPassed passed() const;

private:
    // Moves RENTAL's start back DAYS at NODES (where it is open), at all of them or at none
    // (throws pg::DbError then).
    void age(const QUuid &rental, int days, const QStringList &nodes);

    const NetworkState &m_net;
    mutable QMutex m_mutex;
    DaysPassed m_passed;
};

}   // namespace redbox::sim

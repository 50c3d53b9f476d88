// What the simulated customers share: the members (cards and PINs from the
// deploy tool's roster of generated data), which kiosk each one visits, the
// discs each one holds, and the discs carried to another kiosk to be
// returned there. Thread-safe: kiosks on several threads use one World.
//
// Every member belongs to exactly one kiosk (a kiosk of their coast, or, for
// the travelers, a kiosk of the other coast), so one member is never at two
// kiosks at once; each kiosk also has a few walk-up customers of its own
// (credit cards the network has never seen, made from the seed), and a kiosk's customers (arrivals, choices) follow from
// the seed alone; only how the network answers varies between runs.
#pragma once

#include "sim/scenario.h"

#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>
#include <QUuid>

#include <optional>
#include <random>

namespace redbox::sim {

struct SimMember {
    qint64 id = 0;   // a walk-up customer's is the simulation's own (negative), not the network's
    QString card;
    QString pin;   // a walk-up card's billing ZIP
    QString coast;
    int planLimit = 1;
    bool walkUp = false;   // a credit card with no membership
};

struct SimKioskRef {
    QString id;
    QString node;
    QString coast;
    QString config;   // the kiosk's INI file
};

struct Holding {
    QUuid rentalId;
    QString barcode;
    QString fromKiosk;
    qint64 memberId = 0;
    bool carried = false;   // on its way to another kiosk's return slot
    int lateDays = 0;   // its member brings it back this many days after renting it
    QJsonObject toJson() const;
    static Holding fromJson(const QJsonObject &o);
};

// The deploy tool's roster (redbox-net roster --out FILE).
struct Roster {
    QList<SimMember> members;
    QList<SimKioskRef> kiosks;
    static Roster load(const QString &path);   // throws std::runtime_error
};

class World {
public:
    // Deals ROSTER's members to KIOSKS (home members and a traveler share per kiosk).
    World(const QList<SimMember> &members, const QList<SimKioskRef> &kiosks, quint64 seed);
    // A world of one kiosk whose members were dealt elsewhere (a kiosk in its own process).
    World(const SimKioskRef &kiosk, const QList<SimMember> &home, const QList<SimMember> &travelers);

    QList<qint64> homeMembers(const QString &kiosk) const { return m_home.value(kiosk); }
    QList<qint64> travelers(const QString &kiosk) const { return m_travelers.value(kiosk); }
    QList<qint64> walkUps(const QString &kiosk) const { return m_walkUps.value(kiosk); }
    SimMember member(qint64 id) const;
    QList<SimMember> membersOf(const QString &kiosk) const;
    const QList<SimKioskRef> &kiosks() const { return m_kiosks; }

    void hold(const Holding &h);
    void released(const QString &barcode);   // returned (or found back in a kiosk)
    QList<Holding> heldBy(qint64 memberId) const;
    int heldCount(qint64 memberId) const;
    QList<Holding> allHoldings() const;
    // Returns elsewhere: a member takes a disc to another kiosk's return slot.
    void carryTo(const QString &kiosk, const Holding &h);
    std::optional<Holding> takeCarried(const QString &kiosk);
    void uncarry(const QString &barcode);   // not returned there after all: back with its member
    void setCarryTargets(const QStringList &kiosks) { m_carryTargets = kiosks; }
    const QStringList &carryTargets() const { return m_carryTargets; }
    int carriedCount() const;

private:
    mutable QMutex m_mutex;
    QHash<qint64, SimMember> m_members;
    QList<SimKioskRef> m_kiosks;
    QHash<QString, QList<qint64>> m_home;
    QHash<QString, QList<qint64>> m_travelers;
    QHash<QString, QList<qint64>> m_walkUps;
    QHash<QString, Holding> m_held;   // by barcode
    QHash<QString, QList<Holding>> m_carried;   // by the kiosk they are carried to
    QStringList m_carryTargets;   // kiosks that take carried discs (in this process)
};

}   // namespace redbox::sim

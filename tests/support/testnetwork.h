// The test suite's view of the network the CTest fixture started with the
// deploy tool: connection strings per node and role (TLS verify-full, scram,
// passwords from the 0600 pgpass files), the tool itself for drills, and
// helpers that wait for the homegrown replication to settle.
#pragma once

#include "kioskcore/kioskconfig.h"
#include "pg/connection.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>

namespace redbox::test {

struct KioskRef {
    QString node;
    QString kioskId;
};

class TestNetwork {
public:
    static TestNetwork &get();

    QString stateDir() const { return m_state; }
    QString caFile() const;
    QStringList nodes(const QString &tier = {}) const;
    QString coastOf(const QString &node) const;
    QStringList servers(const QString &node) const;          // "host:port" of each server
    QString conninfo(const QString &node, const QString &role, int connectTimeout = 3) const;
    QString serverConninfo(const QString &hostPort, const QString &role, const QString &extra = {}) const;
    pg::Connection connect(const QString &node, const QString &role = QStringLiteral("postgres")) const;
    QByteArray cardKey() const;
    QString cardHash(const QString &cardNumber) const;
    QString kioskId(const QString &node, int k = 1) const;
    // A kiosk's configuration on this network, keeping its cache, outbox and key in STORAGEDIR.
    KioskConfig kioskConfig(const QString &node, int k, const QString &storageDir) const;

    // Runs deploy/redbox-net with the test topology and state; returns its exit code.
    int tool(const QStringList &args, QString *output = nullptr, int timeoutMs = 300'000) const;

    // Waits until no node has undelivered (unparked) hops; false on timeout.
    bool waitForQuiet(std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;
    // Polls `predicate` until it is true or the timeout passes.
    static bool waitFor(const std::function<bool()> &predicate, std::chrono::milliseconds timeout,
                        std::chrono::milliseconds interval = std::chrono::milliseconds(100));
    // The network's reconciliation report (HQ's reconcile()): one line per difference.
    QStringList reconcile() const;

    // Which server of NODE is primary now ("host:port"), empty if none answers as primary.
    QString primaryOf(const QString &node) const;
    QString memberAt(const QString &hostPort) const;        // Patroni member name of a server
    // kill -9 a server's postmaster (and, with hostDeath, its Patroni first: as if the host died).
    void killServer(const QString &member, bool hostDeath) const;
    // Waits until NODE has a primary and a streaming synchronous standby.
    bool waitHealthy(const QString &node, std::chrono::milliseconds timeout) const;

    // The test members and technicians `up` printed: {member_id, coast, card, pin}.
    QJsonObject tryIt() const;

    // A free disc ("in", good) at a kiosk, chosen among those no test has taken yet.
    QString takeDisc(const QString &node, const QString &kioskId) const;
    // A member of COAST who has no discs out and may rent (each call returns another one).
    qint64 takeMember(const QString &coast, int minPlanLimit = 1) const;

private:
    TestNetwork();
    QString m_state;
    QString m_tool;
    QString m_topology;
    QJsonObject m_network;
};

} // namespace redbox::test

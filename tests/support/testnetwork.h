// The test suite's view of the network the CTest fixture started with the
// deploy tool: the library's NetworkState (connection strings per node and
// role, TLS verify-full, scram from the 0600 pgpass files; kill -9; waits),
// plus the test topology for the tool's drills and helpers that hand each
// test its own discs and members.
#pragma once

#include "kioskcore/kioskconfig.h"
#include "network/networkstate.h"
#include "pg/connection.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>

namespace redbox::test {

class TestNetwork : public NetworkState {
public:
    static TestNetwork &get();

    QStringList servers(const QString &node) const;   // "host:port" of each server
    QString conninfo(const QString &node, const QString &role, int connectTimeout = 3) const
    {
        return NetworkState::conninfo(node, role, connectTimeout, QStringLiteral("redbox-tests"));
    }
    pg::Connection connect(const QString &node, const QString &role = QStringLiteral("postgres")) const
    {
        return pg::Connection::open(conninfo(node, role));
    }
    QByteArray cardKey() const;
    QString cardHash(const QString &cardNumber) const;
    QString kioskId(const QString &node, int k = 1) const;
    // A kiosk's configuration on this network (as enrolled), keeping its cache, outbox and key in STORAGEDIR.
    KioskConfig kioskConfig(const QString &node, int k, const QString &storageDir) const;
    // An enrolled kiosk's folder (its configuration and its own credentials) and a connection
    // string that logs in as that kiosk at its red box.
    QString kioskFolder(const QString &kioskId) const;
    QString kioskConninfo(const QString &kioskId, int connectTimeout = 3) const;
    // A connection string that logs in at TARGET as SENDER's own dblink login (node.SENDER), with
    // SENDER's password: what someone holding that node's credentials could do.
    QString nodeLoginConninfo(const QString &sender, const QString &target) const;

    // Brings back what an earlier test left broken (a stopped node, a dead
    // forwarder) so one failing test does not take the rest down with it.
    void heal() const;

    // Runs deploy/redbox-net with the test topology and state; returns its exit code.
    int tool(const QStringList &args, QString *output = nullptr, int timeoutMs = 300'000) const;

    // The test members and technicians `up` printed: {member_id, coast, card, pin}.
    QJsonObject tryIt() const;
    // The PIN of a generated member's or technician's card (by its hash); knowsCard: whether there is one.
    QString pinOfCard(const QString &cardHash) const;
    bool knowsCard(const QString &cardHash) const;

    // A free disc ("in", good) of a title in FORMAT at a kiosk, chosen among those no test has
    // taken yet (DVDs by default: their night costs exactly the plan's rate); ONSALE: of a title
    // whose discs are also sold.
    QString takeDisc(const QString &node, const QString &kioskId, const QString &format = QStringLiteral("dvd"), bool onSale = false) const;
    // A member of COAST who has no discs out and may rent (each call returns another one).
    qint64 takeMember(const QString &coast, int minPlanLimit = 1) const;

private:
    TestNetwork(const QString &state, const QString &tool, const QString &topology);
    const QHash<QString, QString> &roster() const;
    static TestNetwork make();
    QString m_topology;
};

}   // namespace redbox::test

// A running network as its deploy tool left it: STATE/network.json names
// every node, server, role password file, the CA and the card key. The
// simulator, the benchmarks and the tests read the network through this;
// operations on it (stop a node, restart its servers, the forwarders) go
// through deploy/redbox-net, kill -9 through the pid files the tool keeps.
// The calls that touch servers block: use them off any GUI thread.
#pragma once

#include "pg/connection.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>
#include <stdexcept>

namespace redbox {

class NetworkStateError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ServerRef {
    QString member;   // Patroni member name, e.g. "west-rb1-standby"
    QString host;
    int port = 0;
    int apiPort = 0;
    QString hostPort() const { return host + QLatin1Char(':') + QString::number(port); }
};

// The card acquirer the coasts' payments services charge through (network.json).
struct AcquirerRef {
    QString url;   // empty: the network takes no payments
    QString apiKeyFile;
    QString adminKeyFile;
    bool simulated = false;
};

class NetworkState {
public:
    // STATEDIR is the tool's --state-dir; TOOL the path of deploy/redbox-net (may be empty:
    // then only the read-only calls and kill -9 work).
    NetworkState(const QString &stateDir, const QString &tool = {});

    const QString &stateDir() const { return m_state; }
    QString name() const;
    QString caFile() const;
    QString cardKeyFile() const;
    QString passfile(const QString &role) const;
    AcquirerRef acquirer() const;
    QStringList nodes(const QString &tier = {}) const;
    QString tierOf(const QString &name) const;
    QString coastOf(const QString &name) const;   // the coast a red box or coast node belongs to
    QString coastNode(const QString &coast) const;   // the coast server node of COAST
    QList<ServerRef> servers(const QString &name) const;

    // libpq connection strings: TLS verify-full, scram (passfile), every server of NODE listed
    // with target_session_attrs=read-write so the primary answers wherever it is.
    QString conninfo(const QString &name, const QString &role, int connectTimeoutS = 3,
                     const QString &application = QStringLiteral("redbox-tools")) const;
    // The same for a login whose password is in PASSFILENAME (a kiosk's own, a node's).
    QString conninfoWith(const QString &name, const QString &role, const QString &passfileName, int connectTimeoutS = 3,
                         const QString &application = QStringLiteral("redbox-tools")) const;
    QString serverConninfo(const QString &hostPort, const QString &role, const QString &extra = {}) const;
    pg::Connection connect(const QString &name, const QString &role = QStringLiteral("postgres")) const;

    // Which server of NODE is primary now, empty if none answers as primary.
    QString primaryOf(const QString &name) const;
    QString memberAt(const QString &hostPort) const;
    // kill -9 a server's postmaster and its children (hostDeath: its Patroni first, as if the host died).
    void killServer(const QString &member, bool hostDeath) const;
    // kill -9 NODE's hop forwarder; returns its pid (0: none was running).
    qint64 killForwarder(const QString &node) const;
    bool forwarderRunning(const QString &node) const;
    // Waits until NODE has a primary and a streaming synchronous standby.
    bool waitHealthy(const QString &name, std::chrono::milliseconds timeout) const;
    // Waits until no node has undelivered (unparked) hops.
    bool waitForQuiet(std::chrono::milliseconds timeout) const;
    // HQ's reconcile(): one line per difference between the tiers.
    QStringList reconcile() const;

    // Runs deploy/redbox-net ARGS against this state folder; its exit code (-1: did not finish).
    int tool(const QStringList &args, QString *output = nullptr, int timeoutMs = 300'000) const;

    static bool waitFor(const std::function<bool()> &predicate, std::chrono::milliseconds timeout,
                        std::chrono::milliseconds interval = std::chrono::milliseconds(100));
    static qint64 readPid(const QString &path);

private:
    QJsonObject node(const QString &name) const;
    QString m_state;
    QString m_tool;
    QJsonObject m_network;
};

}   // namespace redbox

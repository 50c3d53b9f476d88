// A running network as its deploy tool left it (see networkstate.h).
#include "network/networkstate.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QThread>

#include <csignal>
#include <sys/types.h>
#include <utility>

namespace redbox {

NetworkState::NetworkState(const QString &stateDir, const QString &tool) : m_state(stateDir), m_tool(tool)
{
    QFile f(m_state + QStringLiteral("/network.json"));
    if (!f.open(QIODevice::ReadOnly))
        throw NetworkStateError(
            QStringLiteral("no network.json in %1: is the network up (deploy/redbox-net up)?").arg(m_state).toStdString());
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject() || !doc.object().value(QStringLiteral("nodes")).isArray())
        throw NetworkStateError(QStringLiteral("%1/network.json is not the deploy tool's network description: %2")
                                    .arg(m_state, err.errorString())
                                    .toStdString());
    m_network = doc.object();
}

QString NetworkState::name() const
{
    return m_network.value(QStringLiteral("name")).toString();
}
QString NetworkState::caFile() const
{
    return m_network.value(QStringLiteral("ca")).toString();
}
AcquirerRef NetworkState::acquirer() const
{
    const QJsonObject a = m_network.value(QStringLiteral("acquirer")).toObject();
    return AcquirerRef{a.value(QStringLiteral("url")).toString(), a.value(QStringLiteral("api_key_file")).toString(),
                       a.value(QStringLiteral("admin_key_file")).toString(), a.value(QStringLiteral("simulated")).toBool()};
}

QString NetworkState::cardKeyFile() const
{
    return m_network.value(QStringLiteral("card_key_file")).toString();
}

QString NetworkState::passfile(const QString &role) const
{
    QString p = m_network.value(QStringLiteral("pgpass")).toObject().value(role).toString();
    if (p.isEmpty())
        throw NetworkStateError(QStringLiteral("the network has no password file for role %1").arg(role).toStdString());
    return p;
}

QJsonObject NetworkState::node(const QString &name) const
{
    for (const auto &v : m_network.value(QStringLiteral("nodes")).toArray())
        if (v.toObject().value(QStringLiteral("name")).toString() == name)
            return v.toObject();
    throw NetworkStateError(QStringLiteral("the network has no node %1").arg(name).toStdString());
}

QStringList NetworkState::nodes(const QString &tier) const
{
    QStringList out;
    for (const auto &v : m_network.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject n = v.toObject();
        if (tier.isEmpty() || n.value(QStringLiteral("tier")).toString() == tier)
            out << n.value(QStringLiteral("name")).toString();
    }
    return out;
}

QString NetworkState::tierOf(const QString &name) const
{
    return node(name).value(QStringLiteral("tier")).toString();
}
QString NetworkState::coastOf(const QString &name) const
{
    return node(name).value(QStringLiteral("coast")).toString();
}

QString NetworkState::coastNode(const QString &coast) const
{
    for (const QString &n : nodes(QStringLiteral("coast")))
        if (coastOf(n) == coast)
            return n;
    throw NetworkStateError(QStringLiteral("the network has no coast server for %1").arg(coast).toStdString());
}

QList<ServerRef> NetworkState::servers(const QString &name) const
{
    QList<ServerRef> out;
    for (const auto &v : node(name).value(QStringLiteral("servers")).toArray()) {
        const QJsonObject s = v.toObject();
        out.append({s.value(QStringLiteral("member")).toString(), s.value(QStringLiteral("host")).toString(),
                    s.value(QStringLiteral("port")).toInt(), s.value(QStringLiteral("api_port")).toInt()});
    }
    return out;
}

QString NetworkState::conninfo(const QString &name, const QString &role, int connectTimeoutS, const QString &application) const
{
    return conninfoWith(name, role, passfile(role), connectTimeoutS, application);
}

QString NetworkState::conninfoWith(const QString &name, const QString &role, const QString &passfileName, int connectTimeoutS,
                                   const QString &application) const
{
    QStringList hosts, ports;
    for (const ServerRef &s : servers(name)) {
        hosts << s.host;
        ports << QString::number(s.port);
    }
    return QStringLiteral("host=%1 port=%2 dbname=%3 user=%4 passfile=%5 sslmode=verify-full sslrootcert=%6 "
                          "target_session_attrs=read-write connect_timeout=%7 application_name=%8")
        .arg(hosts.join(QLatin1Char(',')), ports.join(QLatin1Char(',')),
             m_network.value(QStringLiteral("database")).toString(QStringLiteral("redbox")), role, passfileName, caFile())
        .arg(connectTimeoutS)
        .arg(application);
}

QString NetworkState::serverConninfo(const QString &hostPort, const QString &role, const QString &extra) const
{
    return QStringLiteral("host=%1 port=%2 dbname=%3 user=%4 passfile=%5 sslmode=verify-full sslrootcert=%6 "
                          "connect_timeout=3 %7")
        .arg(hostPort.section(QLatin1Char(':'), 0, 0), hostPort.section(QLatin1Char(':'), 1, 1),
             m_network.value(QStringLiteral("database")).toString(QStringLiteral("redbox")), role, passfile(role), caFile(), extra);
}

pg::Connection NetworkState::connect(const QString &name, const QString &role) const
{
    return pg::Connection::open(conninfo(name, role));
}

QString NetworkState::primaryOf(const QString &name) const
{
    for (const ServerRef &s : servers(name)) {
        try {
            pg::Connection c = pg::Connection::open(serverConninfo(s.hostPort(), QStringLiteral("postgres")));
            if (!c.exec("SELECT pg_is_in_recovery()").boolean(0, 0))
                return s.hostPort();
        } catch (const pg::DbError &) {
        }
    }
    return {};
}

QString NetworkState::memberAt(const QString &hostPort) const
{
    for (const QString &n : nodes())
        for (const ServerRef &s : servers(n))
            if (s.hostPort() == hostPort)
                return s.member;
    return {};
}

qint64 NetworkState::readPid(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return f.readLine().trimmed().toLongLong();
}

void NetworkState::killServer(const QString &member, bool hostDeath) const
{
    if (hostDeath) {
        const qint64 patroni = readPid(m_state + QStringLiteral("/run/patroni-%1.pid").arg(member));
        if (patroni > 0)
            ::kill(static_cast<pid_t>(patroni), SIGKILL);
    }
    const qint64 postmaster = readPid(m_state + QStringLiteral("/data/%1/postmaster.pid").arg(member));
    if (postmaster > 0) {
        // The children first, so none outlives the postmaster for long.
        QProcess::execute(QStringLiteral("pkill"), {QStringLiteral("-9"), QStringLiteral("-P"), QString::number(postmaster)});
        ::kill(static_cast<pid_t>(postmaster), SIGKILL);
    }
}

qint64 NetworkState::killForwarder(const QString &node) const
{
    const qint64 pid = readPid(m_state + QStringLiteral("/run/forwarder-%1.pid").arg(node));
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), SIGKILL) == 0)
        return pid;
    return 0;
}

bool NetworkState::forwarderRunning(const QString &node) const
{
    const qint64 pid = readPid(m_state + QStringLiteral("/run/forwarder-%1.pid").arg(node));
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0;
}

bool NetworkState::waitFor(const std::function<bool()> &predicate, std::chrono::milliseconds timeout, std::chrono::milliseconds interval)
{
    QElapsedTimer t;
    t.start();
    while (true) {
        try {
            if (predicate())
                return true;
        } catch (const pg::DbError &) {
            // A node may be failing over; keep polling until the deadline.
        }
        if (t.elapsed() > timeout.count())
            return false;
        QThread::msleep(static_cast<unsigned long>(interval.count()));
    }
}

bool NetworkState::waitHealthy(const QString &name, std::chrono::milliseconds timeout) const
{
    return waitFor(
        [&] {
            const QString primary = primaryOf(name);
            if (primary.isEmpty())
                return false;
            pg::Connection c = pg::Connection::open(serverConninfo(primary, QStringLiteral("postgres")));
            const pg::Result r = c.exec("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync' AND state = 'streaming'");
            return r.int64(0, 0) == 1;
        },
        timeout, std::chrono::milliseconds(500));
}

bool NetworkState::waitForQuiet(std::chrono::milliseconds timeout) const
{
    // The nodes are read one after another, not at one instant: a hop delivered between two reads
    // leaves its successor where it was already read. So they are read in the direction hops
    // flow (red boxes, coasts, HQ), and quiet counts only when two passes in a row find nothing.
    QStringList order = nodes(QStringLiteral("redbox")) + nodes(QStringLiteral("coast")) + nodes(QStringLiteral("hq"));
    for (const QString &n : nodes())
        if (!order.contains(n))
            order << n;
    int quietPasses = 0;
    return waitFor(
        [this, &order, &quietPasses] {
            const int before = std::exchange(quietPasses, 0);   // a pass that throws is not quiet
            for (const QString &n : order) {
                pg::Connection c = connect(n);
                const auto r = c.exec("SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL AND parked_at IS NULL");
                if (r.int64(0, 0) != 0)
                    return false;
            }
            quietPasses = before + 1;
            return quietPasses >= 2;
        },
        timeout, std::chrono::milliseconds(200));
}

QStringList NetworkState::reconcile() const
{
    pg::Connection c = connect(nodes(QStringLiteral("hq")).value(0));
    c.exec("SET ROLE redbox_owner");
    const pg::Result r = c.exec("SELECT problem FROM redbox.reconcile()");
    QStringList out;
    for (int i = 0; i < r.rows(); ++i)
        out << r.text(i, 0);
    return out;
}

int NetworkState::tool(const QStringList &args, QString *output, int timeoutMs) const
{
    if (m_tool.isEmpty())
        throw NetworkStateError("the network tool's path (deploy/redbox-net) was not given");
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(m_tool, QStringList{QStringLiteral("--state-dir"), m_state} + args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        if (output)
            *output = QString::fromUtf8(p.readAll()) + QStringLiteral("\n(timed out)");
        return -1;
    }
    if (output)
        *output = QString::fromUtf8(p.readAll());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

}   // namespace redbox

// The test suite's view of the network (see testnetwork.h).
#include "testnetwork.h"

#include "core/cards.h"
#include "crypto/crypto.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSet>
#include <QThread>

#include <stdexcept>

namespace redbox::test {

TestNetwork &TestNetwork::get()
{
    static TestNetwork net;
    return net;
}

TestNetwork::TestNetwork()
{
    const auto env = QProcessEnvironment::systemEnvironment();
    m_state = env.value(QStringLiteral("REDBOX_TEST_STATE"));
    m_tool = env.value(QStringLiteral("REDBOX_NET_TOOL"));
    m_topology = env.value(QStringLiteral("REDBOX_TEST_TOPOLOGY"));
    if (m_state.isEmpty() || m_tool.isEmpty() || m_topology.isEmpty())
        throw std::runtime_error("REDBOX_TEST_STATE, REDBOX_NET_TOOL and REDBOX_TEST_TOPOLOGY must be set (ctest sets them)");
    QFile f(m_state + QStringLiteral("/network.json"));
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("no network.json in the test state folder: is the network up?");
    m_network = QJsonDocument::fromJson(f.readAll()).object();
}

QString TestNetwork::caFile() const
{
    return m_network.value(QStringLiteral("ca")).toString();
}

QStringList TestNetwork::nodes(const QString &tier) const
{
    QStringList out;
    for (const QJsonValue &v : m_network.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject n = v.toObject();
        if (tier.isEmpty() || n.value(QStringLiteral("tier")).toString() == tier)
            out << n.value(QStringLiteral("name")).toString();
    }
    return out;
}

QString TestNetwork::coastOf(const QString &node) const
{
    for (const QJsonValue &v : m_network.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject n = v.toObject();
        if (n.value(QStringLiteral("name")).toString() == node)
            return n.value(QStringLiteral("coast")).toString();
    }
    return {};
}

QStringList TestNetwork::servers(const QString &node) const
{
    QStringList out;
    for (const QJsonValue &v : m_network.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject n = v.toObject();
        if (n.value(QStringLiteral("name")).toString() != node)
            continue;
        for (const QJsonValue &s : n.value(QStringLiteral("servers")).toArray())
            out << QStringLiteral("%1:%2").arg(s.toObject().value(QStringLiteral("host")).toString())
                       .arg(s.toObject().value(QStringLiteral("port")).toInt());
    }
    return out;
}

QString TestNetwork::conninfo(const QString &node, const QString &role, int connectTimeout) const
{
    QStringList hosts, ports;
    for (const QString &hp : servers(node)) {
        hosts << hp.section(QLatin1Char(':'), 0, 0);
        ports << hp.section(QLatin1Char(':'), 1, 1);
    }
    const QString passfile = m_network.value(QStringLiteral("pgpass")).toObject().value(role).toString();
    return QStringLiteral("host=%1 port=%2 dbname=redbox user=%3 passfile=%4 sslmode=verify-full sslrootcert=%5 "
                          "target_session_attrs=read-write connect_timeout=%6 application_name=redbox-tests")
        .arg(hosts.join(QLatin1Char(',')), ports.join(QLatin1Char(',')), role, passfile, caFile())
        .arg(connectTimeout);
}

QString TestNetwork::serverConninfo(const QString &hostPort, const QString &role, const QString &extra) const
{
    const QString passfile = m_network.value(QStringLiteral("pgpass")).toObject().value(role).toString();
    return QStringLiteral("host=%1 port=%2 dbname=redbox user=%3 passfile=%4 sslmode=verify-full sslrootcert=%5 "
                          "connect_timeout=3 %6")
        .arg(hostPort.section(QLatin1Char(':'), 0, 0), hostPort.section(QLatin1Char(':'), 1, 1), role, passfile,
             caFile(), extra);
}

pg::Connection TestNetwork::connect(const QString &node, const QString &role) const
{
    return pg::Connection::open(conninfo(node, role));
}

QByteArray TestNetwork::cardKey() const
{
    QFile f(m_network.value(QStringLiteral("card_key_file")).toString());
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read the card key file");
    return QByteArray::fromHex(f.readAll().trimmed());
}

QString TestNetwork::cardHash(const QString &cardNumber) const
{
    return crypto::cardHash(cardKey(), cardNumber);
}

QString TestNetwork::kioskId(const QString &node, int k) const
{
    // Same rule as deploy/redboxnet/data.py kiosk_id().
    const QStringList parts = node.split(QLatin1Char('-'));
    QString shortName;
    for (int i = 0; i + 1 < parts.size(); ++i)
        shortName += parts[i].left(1).toUpper();
    shortName += parts.last().toUpper();
    return QStringLiteral("%1-%2").arg(shortName).arg(k, 2, 10, QLatin1Char('0'));
}

KioskConfig TestNetwork::kioskConfig(const QString &node, int k, const QString &storageDir) const
{
    auto endpoints = [this](const QString &n) {
        QList<Endpoint> out;
        for (const QString &hp : servers(n))
            out.append({hp.section(QLatin1Char(':'), 0, 0), hp.section(QLatin1Char(':'), 1, 1).toInt()});
        return out;
    };
    const QJsonObject pgpass = m_network.value(QStringLiteral("pgpass")).toObject();
    KioskConfig c;
    c.kioskId = kioskId(node, k);
    c.redboxNode = node;
    c.redbox = endpoints(node);
    c.coastNode = coastOf(node);
    c.coast = endpoints(c.coastNode);
    c.hq = endpoints(QStringLiteral("hq"));
    c.caFile = caFile();
    c.kioskPassfile = pgpass.value(QStringLiteral("kiosk")).toString();
    c.verifierPassfile = pgpass.value(QStringLiteral("verifier")).toString();
    c.technicianPassfile = pgpass.value(QStringLiteral("technician")).toString();
    c.cardKeyFile = m_network.value(QStringLiteral("card_key_file")).toString();
    c.storageDir = storageDir;
    c.kioskKeyFile = storageDir + QStringLiteral("/kiosk.key");
    c.offlineAfterMs = 3000;
    return c;
}

int TestNetwork::tool(const QStringList &args, QString *output, int timeoutMs) const
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(m_tool, QStringList{QStringLiteral("--topology"), m_topology, QStringLiteral("--state-dir"), m_state} + args);
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

bool TestNetwork::waitFor(const std::function<bool()> &predicate, std::chrono::milliseconds timeout,
                          std::chrono::milliseconds interval)
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

bool TestNetwork::waitForQuiet(std::chrono::milliseconds timeout) const
{
    return waitFor([this] {
        for (const QString &n : nodes()) {
            pg::Connection c = connect(n);
            const auto r = c.exec("SELECT count(*) FROM redbox.outbox WHERE delivered_at IS NULL AND parked_at IS NULL");
            if (r.int64(0, 0) != 0)
                return false;
        }
        return true;
    }, timeout, std::chrono::milliseconds(200));
}

QStringList TestNetwork::reconcile() const
{
    pg::Connection c = connect(QStringLiteral("hq"));
    c.exec("SET ROLE redbox_owner");
    const pg::Result r = c.exec("SELECT problem FROM redbox.reconcile()");
    QStringList out;
    for (int i = 0; i < r.rows(); ++i)
        out << r.text(i, 0);
    return out;
}

QJsonObject TestNetwork::tryIt() const
{
    QFile f(m_state + QStringLiteral("/try-it.json"));
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("no try-it.json in the test state folder");
    return QJsonDocument::fromJson(f.readAll()).object();
}

QString TestNetwork::primaryOf(const QString &node) const
{
    for (const QString &hp : servers(node)) {
        try {
            pg::Connection c = pg::Connection::open(serverConninfo(hp, QStringLiteral("postgres")));
            if (!c.exec("SELECT pg_is_in_recovery()").boolean(0, 0))
                return hp;
        } catch (const pg::DbError &) {
        }
    }
    return {};
}

QString TestNetwork::memberAt(const QString &hostPort) const
{
    for (const QJsonValue &v : m_network.value(QStringLiteral("nodes")).toArray())
        for (const QJsonValue &s : v.toObject().value(QStringLiteral("servers")).toArray()) {
            const QJsonObject o = s.toObject();
            if (QStringLiteral("%1:%2").arg(o.value(QStringLiteral("host")).toString()).arg(o.value(QStringLiteral("port")).toInt())
                == hostPort)
                return o.value(QStringLiteral("member")).toString();
        }
    return {};
}

static qint64 readPid(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return f.readLine().trimmed().toLongLong();
}

void TestNetwork::killServer(const QString &member, bool hostDeath) const
{
    if (hostDeath) {
        const qint64 patroni = readPid(m_state + QStringLiteral("/run/patroni-%1.pid").arg(member));
        if (patroni > 0)
            QProcess::execute(QStringLiteral("kill"), {QStringLiteral("-9"), QString::number(patroni)});
    }
    const qint64 postmaster = readPid(m_state + QStringLiteral("/data/%1/postmaster.pid").arg(member));
    if (postmaster > 0) {
        QProcess::execute(QStringLiteral("pkill"), {QStringLiteral("-9"), QStringLiteral("-P"), QString::number(postmaster)});
        QProcess::execute(QStringLiteral("kill"), {QStringLiteral("-9"), QString::number(postmaster)});
    }
}

bool TestNetwork::waitHealthy(const QString &node, std::chrono::milliseconds timeout) const
{
    return waitFor([&] {
        const QString primary = primaryOf(node);
        if (primary.isEmpty())
            return false;
        pg::Connection c = pg::Connection::open(serverConninfo(primary, QStringLiteral("postgres")));
        const pg::Result r = c.exec("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync' AND state = 'streaming'");
        return r.int64(0, 0) == 1;
    }, timeout, std::chrono::milliseconds(500));
}

QString TestNetwork::takeDisc(const QString &node, const QString &kioskId) const
{
    static QMutex mutex;
    static QSet<QString> taken;
    QMutexLocker lock(&mutex);
    pg::Connection c = connect(node);
    const pg::Result r = c.exec("SELECT barcode FROM redbox.dvd WHERE kiosk_id = $1 AND status = 'in' AND condition = 'good' "
                                "ORDER BY md5(barcode) LIMIT 500", {kioskId});
    for (int i = 0; i < r.rows(); ++i) {
        const QString b = r.text(i, 0);
        if (!taken.contains(b)) {
            taken.insert(b);
            return b;
        }
    }
    throw std::runtime_error("no free disc left at " + kioskId.toStdString());
}

qint64 TestNetwork::takeMember(const QString &coast, int minPlanLimit) const
{
    static QMutex mutex;
    static QSet<qint64> taken;
    QMutexLocker lock(&mutex);
    // Asked of a red box of that coast (it knows every member of its coast), so it
    // works while the coast server or HQ is down.
    for (const QString &rb : nodes(QStringLiteral("redbox"))) {
        if (coastOf(rb) != coast)
            continue;
        try {
            pg::Connection c = connect(rb);
            const pg::Result r = c.exec(
                "SELECT member_id FROM redbox.membershipstatus WHERE allowed AND discs_out = 0 AND plan_limit >= $1 "
                "AND member_id < 900000 ORDER BY md5(member_id::text) LIMIT 3000", {minPlanLimit});
            for (int i = 0; i < r.rows(); ++i) {
                const qint64 id = r.int64(i, 0);
                if (!taken.contains(id)) {
                    taken.insert(id);
                    return id;
                }
            }
        } catch (const pg::DbError &) {
            continue;   // that red box is down: ask its sibling
        }
    }
    throw std::runtime_error("no unused member left on the " + coast.toStdString() + " coast");
}

} // namespace redbox::test

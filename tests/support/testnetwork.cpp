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
#include <QProcessEnvironment>
#include <QSet>
#include <QThread>

#include <stdexcept>

namespace redbox::test {

TestNetwork &TestNetwork::get()
{
    static TestNetwork net = [] {
        TestNetwork n = make();
        n.heal();
        return n;
    }();
    return net;
}

TestNetwork TestNetwork::make()
{
    const auto env = QProcessEnvironment::systemEnvironment();
    const QString state = env.value(QStringLiteral("REDBOX_TEST_STATE"));
    const QString tool = env.value(QStringLiteral("REDBOX_NET_TOOL"));
    const QString topology = env.value(QStringLiteral("REDBOX_TEST_TOPOLOGY"));
    if (state.isEmpty() || tool.isEmpty() || topology.isEmpty())
        throw std::runtime_error("REDBOX_TEST_STATE, REDBOX_NET_TOOL and REDBOX_TEST_TOPOLOGY must be set (ctest sets them)");
    return TestNetwork(state, tool, topology);
}

TestNetwork::TestNetwork(const QString &state, const QString &tool, const QString &topology)
    : NetworkState(state, tool), m_topology(topology)
{}

void TestNetwork::heal() const
{
    bool forwarders = true;
    for (const QString &node : nodes()) {
        if (!forwarderRunning(node))
            forwarders = false;
        if (waitHealthy(node, std::chrono::milliseconds(0)))
            continue;
        qWarning("test network: %s is not whole; restarting its servers", qPrintable(node));
        if (tool({QStringLiteral("rejoin"), node}) != 0 || !waitHealthy(node, std::chrono::seconds(120)))
            throw std::runtime_error(("test network: " + node + " could not be brought back").toStdString());
    }
    QStringList start{QStringLiteral("forwarder"), QStringLiteral("start")};
    if (qEnvironmentVariableIsSet("REDBOX_FORWARDER"))
        start << QStringLiteral("--forwarder") << qEnvironmentVariable("REDBOX_FORWARDER");
    if (!forwarders && tool(start) != 0)
        throw std::runtime_error("test network: the forwarders could not be started");
}

QStringList TestNetwork::servers(const QString &node) const
{
    QStringList out;
    for (const ServerRef &s : NetworkState::servers(node))
        out << s.hostPort();
    return out;
}

QByteArray TestNetwork::cardKey() const
{
    QFile f(cardKeyFile());
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
    KioskConfig c;
    c.kioskId = kioskId(node, k);
    c.redboxNode = node;
    c.redbox = endpoints(node);
    c.coastNode = coastOf(node);
    c.coast = endpoints(c.coastNode);
    c.hq = endpoints(QStringLiteral("hq"));
    for (const ServerRef &s : NetworkState::servers(node))
        c.patroni.append({s.host, s.apiPort});
    c.caFile = caFile();
    c.kioskPassfile = passfile(QStringLiteral("kiosk"));
    c.verifierPassfile = passfile(QStringLiteral("verifier"));
    c.technicianPassfile = passfile(QStringLiteral("technician"));
    c.cardKeyFile = cardKeyFile();
    c.storageDir = storageDir;
    c.kioskKeyFile = storageDir + QStringLiteral("/kiosk.key");
    c.offlineAfterMs = 3000;
    return c;
}

int TestNetwork::tool(const QStringList &args, QString *output, int timeoutMs) const
{
    return NetworkState::tool(QStringList{QStringLiteral("--topology"), m_topology} + args, output, timeoutMs);
}

QJsonObject TestNetwork::tryIt() const
{
    QFile f(stateDir() + QStringLiteral("/try-it.json"));
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("no try-it.json in the test state folder");
    return QJsonDocument::fromJson(f.readAll()).object();
}

QString TestNetwork::takeDisc(const QString &node, const QString &kioskId) const
{
    static QMutex mutex;
    static QSet<QString> taken;
    QMutexLocker lock(&mutex);
    pg::Connection c = connect(node);
    const pg::Result r = c.exec("SELECT barcode FROM redbox.dvd WHERE kiosk_id = $1 AND status = 'in' AND condition = 'good' "
                                "ORDER BY md5(barcode) LIMIT 500",
                                {kioskId});
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
                "AND member_id < 900000 ORDER BY md5(member_id::text) LIMIT 3000",
                {minPlanLimit});
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

}   // namespace redbox::test

// The test suite's view of the network (see testnetwork.h).
#include "testnetwork.h"

#include "core/cards.h"
#include "crypto/crypto.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
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

const QHash<QString, QString> &TestNetwork::roster() const
{
    // The generated members' and technicians' cards and PINs (`redbox-net roster`), by card hash.
    static QMutex mutex;
    static QHash<QString, QString> pins;
    QMutexLocker lock(&mutex);
    if (!pins.isEmpty())
        return pins;
    const QString file = stateDir() + QStringLiteral("/tests-roster.json");
    if (tool({QStringLiteral("roster"), QStringLiteral("--out"), file}) != 0)
        throw std::runtime_error("redbox-net roster failed");
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read the roster");
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    const QByteArray key = cardKey();
    for (const char *list : {"members", "technicians"})
        for (const auto &v : o.value(QLatin1String(list)).toArray()) {
            const QJsonObject m = v.toObject();
            pins.insert(crypto::cardHash(key, m.value(QStringLiteral("card")).toString()), m.value(QStringLiteral("pin")).toString());
        }
    return pins;
}

QString TestNetwork::pinOfCard(const QString &cardHash) const
{
    const QString pin = roster().value(cardHash);
    if (pin.isEmpty())
        throw std::runtime_error("no generated member or technician has card hash " + cardHash.left(12).toStdString());
    return pin;
}

bool TestNetwork::knowsCard(const QString &cardHash) const
{
    return roster().contains(cardHash);
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
    // The kiosk's own configuration and credentials, as `redbox-net kiosk enroll` wrote them.
    KioskConfig c = KioskConfig::load(kioskFolder(kioskId(node, k)) + QStringLiteral("/kiosk.ini"));
    if (c.redboxNode != node)
        throw std::runtime_error("kiosk " + c.kioskId.toStdString() + " is served by " + c.redboxNode.toStdString());
    c.storageDir = storageDir;
    c.kioskKeyFile = storageDir + QStringLiteral("/kiosk.key");
    c.offlineAfterMs = 3000;
    return c;
}

QString TestNetwork::kioskFolder(const QString &kioskId) const
{
    return stateDir() + QStringLiteral("/kiosks/") + kioskId;
}

QString TestNetwork::kioskConninfo(const QString &kioskId, int connectTimeout) const
{
    const KioskConfig c = KioskConfig::load(kioskFolder(kioskId) + QStringLiteral("/kiosk.ini"));
    return conninfoWith(c.redboxNode, c.redboxLogin(), c.kioskPassfile, connectTimeout, QStringLiteral("redbox-tests"));
}

QString TestNetwork::nodeLoginConninfo(const QString &sender, const QString &target) const
{
    QFile secrets(stateDir() + QStringLiteral("/secrets/passwords.json"));
    if (!secrets.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read the network's passwords");
    const QString password =
        QJsonDocument::fromJson(secrets.readAll()).object().value(sender).toObject().value(QStringLiteral("link")).toString();
    if (password.isEmpty())
        throw std::runtime_error("no dblink password for node " + sender.toStdString());
    const QString login = QStringLiteral("node.") + sender;
    const QString file = stateDir() + QStringLiteral("/tests-%1.pgpass").arg(sender);
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw std::runtime_error("cannot write " + file.toStdString());
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    for (const QString &hp : servers(target))
        f.write(QStringLiteral("%1:*:%2:%3\n").arg(QString(hp).replace(QLatin1Char(':'), QStringLiteral(":")), login, password).toUtf8());
    f.close();
    return conninfoWith(target, login, file, 3, QStringLiteral("redbox-tests"));
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

QString TestNetwork::takeDisc(const QString &node, const QString &kioskId, const QString &format, bool onSale) const
{
    static QMutex mutex;
    static QSet<QString> taken;
    QMutexLocker lock(&mutex);
    pg::Connection c = connect(node);
    const pg::Result r = c.exec("SELECT d.barcode FROM redbox.dvd d JOIN redbox.movie m USING (movie_id) "
                                "WHERE d.kiosk_id = $1 AND d.status = 'in' AND d.condition = 'good' AND m.format = $2 "
                                "AND (NOT $3 OR redbox.on_sale(m.sell_from, current_date - 1)) "
                                "ORDER BY md5(d.barcode) LIMIT 500",
                                {kioskId, format, onSale});
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
                "SELECT s.member_id FROM redbox.membershipstatus s WHERE s.allowed AND s.discs_out = 0 AND s.plan_limit >= $1 "
                "AND s.member_id < 900000 AND (s.locked_until IS NULL OR s.locked_until < now()) "
                // Another test process may have tried wrong PINs on a member: not one for a clean sign-in.
                "AND NOT EXISTS (SELECT 1 FROM redbox.pin_attempt a WHERE a.card_hash = s.card_hash AND NOT a.ok) "
                "ORDER BY md5(s.member_id::text) LIMIT 3000",
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

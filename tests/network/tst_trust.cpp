// Trust no kiosk, and no red box: the network tried from the attacker's side,
// on the shared test network. With one kiosk's files: no other node opens,
// no other kiosk's rental can be made, voided or looked at, a dispensed disc
// cannot be voided, no PIN hash comes back from anything the kiosk may call;
// wrong PINs count at every kiosk; a revoked kiosk is shut out within
// seconds; its Patroni secret opens its own pair only. With one red box's
// dblink login: a forged member change, a made-up charge and a rental for a
// kiosk it does not serve are refused and kept for the operator. A kiosk
// whose clock is an hour fast rents online normally and knows its skew.
#include "dbcheck.h"
#include "enginecalls.h"
#include "kioskcalls.h"
#include "testnetwork.h"

#include "core/cards.h"
#include "kioskcore/kioskengine.h"
#include "maintenance/patroniclient.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace redbox;
using namespace redbox::test;
using namespace std::chrono_literals;

namespace {

// The libpq error of logging in with CONNINFO, or empty when it worked.
QString loginError(const QString &conninfo)
{
    try {
        pg::Connection c = pg::Connection::open(conninfo);
        c.exec("SELECT 1");
        return {};
    } catch (const pg::DbError &e) {
        return e.message();
    }
}

template <typename Call>
pg::DbError refusalOf(Call call)
{
    try {
        call();
    } catch (const pg::DbError &e) {
        return e;
    }
    throw std::runtime_error("accepted; a refusal was expected");
}

struct HttpAnswer {
    int status = 0;   // 0: no answer
    QByteArray body;
};

// One HTTPS POST on a plain TLS socket, as an attacker's script would send it: with the network's
// CA, optionally a client certificate (CERT.crt and CERT.key), and the given headers.
HttpAnswer httpsPost(const QString &host, int port, const QByteArray &path, const QByteArray &body,
                     const QList<QPair<QByteArray, QByteArray>> &headers, const QString &cert = {})
{
    QSslSocket sock;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromPath(TestNetwork::get().caFile()));
    if (!cert.isEmpty()) {
        tls.setLocalCertificate(QSslCertificate::fromPath(cert + QStringLiteral(".crt")).value(0));
        QFile key(cert + QStringLiteral(".key"));
        if (key.open(QIODevice::ReadOnly))
            tls.setPrivateKey(QSslKey(key.readAll(), QSsl::Ec));
    }
    sock.setSslConfiguration(tls);
    sock.connectToHostEncrypted(host, static_cast<quint16>(port));
    if (!sock.waitForEncrypted(10000))
        return {};
    QByteArray req = "POST " + path + " HTTP/1.1\r\nHost: " + host.toUtf8() + "\r\nContent-Type: application/json\r\n";
    for (const auto &[name, value] : headers)
        req += name + ": " + value + "\r\n";
    req += "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    sock.write(req);
    QByteArray answer;
    while (sock.waitForReadyRead(15000))
        answer += sock.readAll();
    answer += sock.readAll();
    const qsizetype headEnd = answer.indexOf("\r\n\r\n");
    const QList<QByteArray> status = answer.left(answer.indexOf("\r\n")).split(' ');
    return {status.size() >= 2 ? status[1].toInt() : 0, headEnd < 0 ? QByteArray() : answer.mid(headEnd + 4)};
}

// A body of etcd's JSON gateway naming KEY (and VALUE, unless empty), both base64 as it wants them.
QByteArray kv(const QByteArray &key, const QByteArray &value)
{
    QJsonObject o{{QStringLiteral("key"), QString::fromLatin1(key.toBase64())}};
    if (!value.isEmpty())
        o.insert(QStringLiteral("value"), QString::fromLatin1(value.toBase64()));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString wrongPin(const QString &right)
{
    return right == QLatin1String("0000") ? QStringLiteral("1111") : QStringLiteral("0000");
}

}   // namespace

class TestTrust : public QObject {
    Q_OBJECT
    TestNetwork &net = TestNetwork::get();
    const QString rb1 = QStringLiteral("west-rb1");

    // A hop as it would reach NODE over SENDER's own dblink login: its status and error.
    QJsonObject sendHop(const QString &sender, const QString &node, const QString &kind, const QJsonObject &payload)
    {
        pg::Connection peer = pg::Connection::open(net.nodeLoginConninfo(sender, node));
        const QJsonArray batch{QJsonObject{{QStringLiteral("hop_id"), 1},
                                           {QStringLiteral("event_id"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                                           {QStringLiteral("kind"), kind},
                                           {QStringLiteral("payload"), payload}}};
        const pg::Result r = peer.exec("SELECT redbox.apply_events($1)", {QJsonDocument(batch)}, true);
        return r.json(0, 0).array().first().toObject();
    }

private slots:
    void initTestCase()
    {
        for (const QString &node : net.nodes())
            QVERIFY2(net.waitHealthy(node, 120s), qPrintable(node));
        QVERIFY(net.waitForQuiet(60s));
    }

    void cleanup()
    {
        QVERIFY(net.waitForQuiet(120s));
        const QStringList problems = net.reconcile();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void oneKiosksFilesOpenItsOwnRedBoxAndEscalationOnly()
    {
        const QString id = net.kioskId(rb1, 1);
        const KioskConfig c = KioskConfig::load(net.kioskFolder(id) + QStringLiteral("/kiosk.ini"));
        QVERIFY(loginError(net.conninfoWith(rb1, c.redboxLogin(), c.kioskPassfile)).isEmpty());
        for (const QString &node : {QStringLiteral("west-rb2"), QStringLiteral("east-rb1"), QStringLiteral("west"), QStringLiteral("hq")}) {
            const QString e = loginError(net.conninfoWith(node, c.redboxLogin(), c.kioskPassfile));
            // Refused: the login is unknown there (no pg_hba line matches a role that is no kiosk's).
            QVERIFY2(e.contains(QLatin1String("password authentication failed")) || e.contains(QLatin1String("no pg_hba.conf entry")),
                     qPrintable(node + QLatin1String(": ") + e));
        }
        for (const QString &node : {QStringLiteral("west"), QStringLiteral("hq")})
            QVERIFY(loginError(net.conninfoWith(node, c.verifierLogin(), c.verifierPassfile)).isEmpty());
        for (const QString &node : {rb1, QStringLiteral("west-rb2"), QStringLiteral("east")})
            QVERIFY(!loginError(net.conninfoWith(node, c.verifierLogin(), c.verifierPassfile)).isEmpty());
        // Nothing in the kiosk's folder is anyone else's secret: no other kiosk's login, no
        // node's database or dblink password, no ticket key, no etcd password.
        QFile pw(net.stateDir() + QStringLiteral("/secrets/passwords.json"));
        QFile kiosks(net.stateDir() + QStringLiteral("/secrets/kiosks.json"));
        QVERIFY(pw.open(QIODevice::ReadOnly) && kiosks.open(QIODevice::ReadOnly));
        QStringList foreign;
        const QJsonObject all = QJsonDocument::fromJson(pw.readAll()).object();
        for (auto node = all.begin(); node != all.end(); ++node) {
            const QJsonObject roles = node.value().toObject();
            for (auto r = roles.begin(); r != roles.end(); ++r)
                if (!(node.key() == rb1 && r.key() == QLatin1String("patroni")))   // its own pair's REST credentials
                    foreign << r.value().toString();
        }
        const QJsonObject enrolled = QJsonDocument::fromJson(kiosks.readAll()).object();
        for (auto k = enrolled.begin(); k != enrolled.end(); ++k)
            if (k.key() != id)
                for (const char *login : {"redbox", "verifier"})
                    foreign << k.value().toObject().value(QLatin1String(login)).toString();
        foreign.removeAll(QString());
        QVERIFY(foreign.size() > 50);
        QDirIterator files(net.kioskFolder(id), QDir::Files);
        int checked = 0;
        while (files.hasNext()) {
            QFile f(files.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray text = f.readAll();
            for (const QString &secret : foreign)
                QVERIFY2(!text.contains(secret.toUtf8()), qPrintable(f.fileName() + QLatin1String(" holds another party's secret")));
            if (f.fileName().endsWith(QLatin1String(".pgpass")) || f.fileName().endsWith(QLatin1String(".secret")))
                QCOMPARE(f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
            ++checked;
        }
        QVERIFY(checked >= 5);
    }

    void aKioskActsOnlyAsItself()
    {
        KioskCalls k1(rb1, 1), k2(rb1, 2);
        const qint64 member = net.takeMember(QStringLiteral("west"));
        // Another kiosk's disc cannot be rented here.
        const QString theirs = net.takeDisc(rb1, k2.kioskId());
        pg::DbError e = refusalOf([&] { k1.rent(cardOf(member), theirs); });
        QCOMPARE(e.code(), RedboxError::DiscNotHere);
        QVERIFY2(e.message().contains(QLatin1String("belongs to kiosk")), qPrintable(e.message()));
        // Another kiosk's rental can be neither voided nor looked up.
        const Rented r = k2.rent(cardOf(member), theirs);
        e = refusalOf([&] { k1.conn().exec("SELECT * FROM redbox.kiosk_void_rental($1, 'jam', 1)", {r.rentalId}, true); });
        QCOMPARE(e.code(), RedboxError::IdReused);
        QCOMPARE(k1.conn().exec("SELECT * FROM redbox.kiosk_rental_status($1)", {r.rentalId}).rows(), 0);
        QCOMPARE(k2.conn().exec("SELECT * FROM redbox.kiosk_rental_status($1)", {r.rentalId}).rows(), 1);
        const Returned back = k2.giveBack(theirs);
        QCOMPARE(k1.conn().exec("SELECT * FROM redbox.kiosk_return_status($1)", {back.returnId}).rows(), 0);
        // No table, no level-1 entry point that took a kiosk id.
        for (const char *sql : {"SELECT count(*) FROM redbox.rental", "SELECT count(*) FROM redbox.kiosk_login",
                                "SELECT * FROM redbox.rent_core(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, NULL)"}) {
            e = refusalOf([&] { k1.conn().exec(sql); });
            QVERIFY2(e.kind() == pg::ErrorKind::Permission, qPrintable(QString::fromLatin1(sql) + QLatin1String(": ") + e.message()));
        }
        e = refusalOf([&] {
            k1.conn().exec("SELECT * FROM redbox.kiosk_rent($1, $2, $3, $4, $5, $6, $7, now(), false, NULL)",
                           {QUuid::createUuid(), k2.kioskId(), cardOf(member), net.takeDisc(rb1, k2.kioskId()), QUuid::createUuid(),
                            QStringLiteral("tok_abcdefgh1234"), QStringLiteral("4242")});
        });
        QCOMPARE(e.sqlstate(), QStringLiteral("42883"));   // no such function
    }

    void aHeartbeatIsTheKiosksOwnAndItsFiguresAreChecked()
    {
        KioskCalls k1(rb1, 1), k2(rb1, 2);
        const char *beat = "SELECT redbox.kiosk_heartbeat($1, $2, $3, $4, $5, $6, $7)";
        // The server's clock, the session's kiosk: nothing in the call names a kiosk or a time.
        k1.conn().exec(beat, {60, 3, qint64(125), qint64(40), qint64(-1500), QString(), QStringLiteral("0.1.0")}, true);
        pg::Connection owner = net.connect(rb1);
        const pg::Result r = owner.exec("SELECT outbox_depth, outbox_oldest_s, clock_skew_ms, storage_fault IS NULL, "
                                        "seen_at > now() - interval '1 minute' FROM redbox.kiosk_heartbeat WHERE kiosk_id = $1",
                                        {k1.kioskId()});
        QCOMPARE(r.rows(), 1);
        QCOMPARE(r.int32(0, 0), 3);
        QCOMPARE(r.int64(0, 1), qint64(125));
        QCOMPARE(r.int64(0, 2), qint64(-1500));
        QVERIFY(r.boolean(0, 3));
        QVERIFY(r.boolean(0, 4));
        // Figures out of range, an interval of none, text that is not a version: refused, nothing kept.
        const auto lastBeat = [&](const QString &kiosk) {
            const pg::Result b = owner.exec("SELECT seen_at::text FROM redbox.kiosk_heartbeat WHERE kiosk_id = $1", {kiosk});
            return b.rows() ? b.text(0, 0) : QString();
        };
        const QString before = lastBeat(k2.kioskId());
        const std::vector<std::vector<pg::Param>> bad{
            {0, 0, qint64(0), nullptr, nullptr, QString(), QStringLiteral("0.1.0")},
            {60, -1, qint64(0), nullptr, nullptr, QString(), QStringLiteral("0.1.0")},
            {60, 0, qint64(-5), nullptr, nullptr, QString(), QStringLiteral("0.1.0")},
            {60, 0, qint64(0), qint64(-1), nullptr, QString(), QStringLiteral("0.1.0")},
            {60, 0, qint64(0), nullptr, nullptr, QString(301, QLatin1Char('x')), QStringLiteral("0.1.0")},
            {60, 0, qint64(0), nullptr, nullptr, QString(), QStringLiteral("0.1.0\"} 1\nevil 2")},
            {60, 0, qint64(0), nullptr, nullptr, QString(), nullptr},
        };
        for (const auto &params : bad) {
            const pg::DbError e = refusalOf([&] {
                k2.conn().exec("SELECT redbox.kiosk_heartbeat($1, $2, $3, $4, $5, $6, $7)",
                               {params[0], params[1], params[2], params[3], params[4], params[5], params[6]}, true);
            });
            QCOMPARE(e.sqlstate(), QStringLiteral("22023"));
        }
        QCOMPARE(lastBeat(k2.kioskId()), before);   // (another test's engine may have beaten as kiosk 2 before)
        // The forwarder and a neighbour node's login may not beat for a kiosk.
        for (const QString &info : {net.conninfo(rb1, QStringLiteral("forwarder")), net.nodeLoginConninfo(QStringLiteral("west"), rb1)}) {
            pg::Connection c = pg::Connection::open(info);
            const pg::DbError e = refusalOf([&] {
                c.exec(beat, {60, 0, qint64(0), nullptr, nullptr, QString(), QStringLiteral("0.1.0")}, true);
            });
            QVERIFY2(e.kind() == pg::ErrorKind::Permission, qPrintable(e.message()));
        }
    }

    void aReplayedBatchIsTheKiosksOwnAndAnswersEachActionAlone()
    {
        KioskCalls k(rb1, 1), other(rb1, 2);
        const QString card = cardOf(net.takeMember(QStringLiteral("west"), 2));
        const QString disc = net.takeDisc(rb1, k.kioskId());
        const QUuid rental = QUuid::createUuid();
        const QString id = rental.toString(QUuid::WithoutBraces);
        const auto action = [](int seq, const char *kind, const QJsonArray &args) {
            return QJsonObject{{QStringLiteral("seq"), seq}, {QStringLiteral("kind"), QLatin1String(kind)}, {QStringLiteral("args"), args}};
        };
        const QJsonArray batch{
            action(1, "rent",
                   {id, card, disc, QUuid::createUuid().toString(QUuid::WithoutBraces), QStringLiteral("tok_replay0000000001"),
                    QStringLiteral("4242"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs), QStringLiteral("true"),
                    QJsonValue::Null, QJsonValue::Null}),
            action(2, "teleport", {}),
            action(3, "dispensed", {QStringLiteral("not-a-uuid")}),
            action(4, "dispensed", {id}),
        };
        const auto replay = [](KioskCalls &kiosk, const QJsonArray &actions) {
            return kiosk.conn().exec("SELECT action_seq, outcome, note, error_state, error_message FROM redbox.kiosk_replay($1)",
                                     {QJsonDocument(actions)}, true);
        };
        pg::Result r = replay(k, batch);
        QCOMPARE(r.rows(), 4);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(r.int64(i, "action_seq"), i + 1);
        QCOMPARE(r.text(0, "outcome"), QStringLiteral("done"));
        QVERIFY(r.isNull(0, r.column("note")));
        QCOMPARE(r.text(1, "outcome"), QStringLiteral("failed"));
        QCOMPARE(r.text(1, "error_state"), QStringLiteral("22023"));
        QVERIFY2(r.text(1, "error_message").contains(QLatin1String("teleport")), qPrintable(r.text(1, "error_message")));
        QCOMPARE(r.text(2, "outcome"), QStringLiteral("failed"));
        QCOMPARE(r.text(2, "error_state"), QStringLiteral("22P02"));
        QCOMPARE(r.text(3, "outcome"), QStringLiteral("done"));
        const auto rentals = [&] {
            return net.connect(rb1)
                .exec("SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND dispensed_at IS NOT NULL AND kiosk_id = $2",
                      {id, k.kioskId()})
                .int64(0, 0);
        };
        QCOMPARE(rentals(), 1);
        // The same batch again (its answer lost on the way): the same rental, once.
        r = replay(k, batch);
        QCOMPARE(r.rows(), 4);
        QCOMPARE(r.text(0, "outcome"), QStringLiteral("done"));
        QCOMPARE(rentals(), 1);
        // Another kiosk replaying the dispensed acts as itself: the rental is not its own.
        r = replay(other, QJsonArray{batch.at(3)});
        QCOMPARE(r.text(0, "outcome"), QStringLiteral("failed"));
        QCOMPARE(rentals(), 1);
        // A malformed batch is refused whole and writes nothing.
        QJsonArray tooMany;
        for (int i = 0; i < 501; ++i)
            tooMany << action(i + 1, "dispensed", {id});
        for (const QJsonDocument &bad : {QJsonDocument(QJsonObject{{QStringLiteral("seq"), 1}}), QJsonDocument(tooMany),
                                         QJsonDocument(QJsonArray{QJsonObject{{QStringLiteral("kind"), QStringLiteral("dispensed")},
                                                                              {QStringLiteral("args"), QJsonArray{id}}}}),
                                         QJsonDocument(QJsonArray{action(1, "dispensed", {}), QStringLiteral("not an action")})}) {
            const pg::DbError e = refusalOf([&] { k.conn().exec("SELECT * FROM redbox.kiosk_replay($1)", {bad}, true); });
            QVERIFY2(e.sqlstate() == QLatin1String("22023"), qPrintable(e.sqlstate() + QLatin1String(": ") + e.message()));
        }
        // The network's other logins have no replay.
        pg::Connection peer = pg::Connection::open(net.nodeLoginConninfo(QStringLiteral("west"), rb1));
        const pg::DbError e = refusalOf([&] { peer.exec("SELECT * FROM redbox.kiosk_replay($1)", {QJsonDocument(batch)}, true); });
        QCOMPARE(e.kind(), pg::ErrorKind::Permission);
        k.giveBack(disc);
    }

    void anOnlineRentalNeedsAServersSignInAndItsTicketIsThisKiosks()
    {
        KioskCalls k(rb1, 1);
        const qint64 member = net.takeMember(QStringLiteral("west"));
        const QString card = cardOf(member);
        // No ticket: the red box will not take the kiosk's word that the PIN was checked.
        pg::DbError e = refusalOf([&] {
            k.conn().exec("SELECT * FROM redbox.kiosk_rent($1, $2, $3, $4, $5, $6, NULL, false, NULL)",
                          {QUuid::createUuid(), card, net.takeDisc(rb1, k.kioskId()), QUuid::createUuid(),
                           QStringLiteral("tok_abcdefgh1234"), QStringLiteral("4242")},
                          true);
        });
        QCOMPARE(e.code(), RedboxError::TicketInvalid);
        // A wrong PIN gets no ticket; the right one does, for this kiosk only.
        const SignedIn no = k.signIn(card, wrongPin(net.pinOfCard(card)));
        QCOMPARE(no.outcome, QStringLiteral("wrong_pin"));
        QVERIFY(!no.ticket);
        const SignedIn yes = k.signIn(card);
        QCOMPARE(yes.outcome, QStringLiteral("ok"));
        QCOMPARE(yes.ticket->object().value(QStringLiteral("kiosk")).toString(), k.kioskId());
        KioskCalls other(rb1, 2);
        e = refusalOf([&] { other.rent(card, net.takeDisc(rb1, other.kioskId()), std::nullopt, yes.ticket); });
        QCOMPARE(e.code(), RedboxError::TicketInvalid);
        QCOMPARE(k.rent(card, net.takeDisc(rb1, k.kioskId()), std::nullopt, yes.ticket).outcome, QStringLiteral("rented"));
    }

    void aDispensedDiscCannotBeVoided()
    {
        KioskCalls k(rb1, 1);
        const qint64 member = net.takeMember(QStringLiteral("west"), 2);
        const QString disc = net.takeDisc(rb1, k.kioskId());
        const Rented r = k.rent(cardOf(member), disc);
        k.dispensed(r.rentalId);
        const pg::Result v = k.conn().exec("SELECT outcome, voided, note FROM redbox.kiosk_void_rental($1, 'jam', $2)",
                                           {r.rentalId, k.freeSlot()}, true);
        QCOMPARE(v.text(0, 0), QStringLiteral("parked"));
        QVERIFY(!v.boolean(0, 1));
        QVERIFY2(v.text(0, 2).contains(QLatin1String("dispensed")), qPrintable(v.text(0, 2)));
        const QString id = r.rentalId.toString(QUuid::WithoutBraces);
        QCOMPARE(count(rb1, "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'open'", {id}), 1);
        QCOMPARE(count(rb1, "SELECT count(*) FROM redbox.parked_claim WHERE claim_id = $1 AND kind = 'void'", {id}), 1);
        // A rental whose disc did not come out is voided, within the void window only.
        const Rented jam = k.rent(cardOf(member), net.takeDisc(rb1, k.kioskId()));
        QCOMPARE(
            k.conn().exec("SELECT outcome FROM redbox.kiosk_void_rental($1, 'jam', $2)", {jam.rentalId, k.freeSlot()}, true).text(0, 0),
            QStringLiteral("voided"));
        const Rented late = k.rent(cardOf(member), net.takeDisc(rb1, k.kioskId()));
        {
            pg::Connection admin = net.connect(rb1);
            admin.exec("UPDATE redbox.rental SET committed_at = now() - interval '2 hours' WHERE rental_id = $1", {late.rentalId}, true);
        }
        QCOMPARE(
            k.conn().exec("SELECT outcome FROM redbox.kiosk_void_rental($1, 'jam', $2)", {late.rentalId, k.freeSlot()}, true).text(0, 0),
            QStringLiteral("parked"));
        k.giveBack(disc);
        k.giveBack(late.barcode);
    }

    void noPinHashReachesAKiosk()
    {
        const QString id = net.kioskId(rb1, 1);
        const KioskConfig c = KioskConfig::load(net.kioskFolder(id) + QStringLiteral("/kiosk.ini"));
        struct Where {
            QString node;
            QString login;
        };
        for (const Where &w : {Where{rb1, c.redboxLogin()}, Where{QStringLiteral("west"), c.verifierLogin()},
                               Where{QStringLiteral("hq"), c.verifierLogin()}}) {
            pg::Connection admin = net.connect(w.node);
            const pg::Result r = admin.exec(
                "SELECT p.proname, pg_get_function_result(p.oid), coalesce(array_to_string(p.proargnames, ','), '') "
                "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname IN ('redbox', 'ext') AND has_function_privilege($1, p.oid, 'EXECUTE')",
                {w.login});
            QVERIFY2(r.rows() >= 2, qPrintable(w.node));
            for (int i = 0; i < r.rows(); ++i) {
                const QString what = r.text(i, 1) + QLatin1Char(' ') + r.text(i, 2);
                QVERIFY2(!what.contains(QLatin1String("pin_hash")) && !what.contains(QLatin1String("password")),
                         qPrintable(w.node + QLatin1String(": ") + r.text(i, 0) + QLatin1String(" ") + what));
                QVERIFY2(r.text(i, 0) != QLatin1String("dblink") && !r.text(i, 0).startsWith(QLatin1String("dblink_")),
                         qPrintable(r.text(i, 0)));
            }
        }
        // Everything the kiosk's cache is sent: no PIN hash, nothing PBKDF2.
        pg::Connection k = pg::Connection::open(net.kioskConninfo(id));
        const QString snapshot = k.exec("SELECT to_snapshot FROM redbox.cache_begin(NULL)").text(0, 0);
        const pg::Result rows = k.exec(
            "SELECT string_agg(data::text, '') FROM redbox.cache_changes(NULL, $1, NULL, NULL, NULL, NULL, 10000)", {snapshot});
        const QString all = rows.text(0, 0);
        QVERIFY(all.size() > 10000);
        QVERIFY(!all.contains(QLatin1String("pin_hash")));
        QVERIFY(!all.contains(QLatin1String("pbkdf2")));
    }

    void fiveWrongPinsOverTwoKiosksLockTheCardAtAThirdAndARestartKeepsIt()
    {
        KioskCalls here(rb1, 1), there(QStringLiteral("west-rb2"), 1), third(rb1, 2);
        const qint64 member = net.takeMember(QStringLiteral("west"));
        const QString card = cardOf(member);
        const QString wrong = wrongPin(net.pinOfCard(card));
        for (int i = 1; i <= 3; ++i)
            QCOMPARE(here.signIn(card, wrong).triesLeft, 5 - i);
        // The other red box hears of them through the coast.
        QVERIFY(eventually(
            [&] {
                return count(QStringLiteral("west-rb2"),
                             "SELECT count(*) FROM redbox.pin_attempt WHERE card_hash = $1 "
                             "AND NOT ok",
                             {card}) == 3;
            },
            30000));
        QCOMPARE(there.signIn(card, wrong).triesLeft, 1);
        const SignedIn fifth = there.signIn(card, wrong);
        QCOMPARE(fifth.outcome, QStringLiteral("locked"));
        QVERIFY(net.waitForQuiet(30s));
        // At a third kiosk, with the right PIN: locked, for about 15 minutes.
        const SignedIn locked = third.signIn(card);
        QCOMPARE(locked.outcome, QStringLiteral("locked"));
        QVERIFY(!locked.ticket);
        const qint64 left = QDateTime::currentDateTimeUtc().secsTo(locked.lockedUntil);
        QVERIFY2(left > 13 * 60 && left <= 15 * 60 + 5, qPrintable(QString::number(left)));
        // The coast and HQ know it too (a member away from home is checked there).
        for (const QString &node : {QStringLiteral("west"), QStringLiteral("hq")})
            QCOMPARE(count(node, "SELECT count(*) FROM redbox.pin_attempt WHERE card_hash = $1 AND NOT ok", {card}), 5);
        // The kiosks' caches carry the lock (it holds offline too).
        QCOMPARE(count(rb1, "SELECT count(*) FROM redbox.membershipstatus WHERE card_hash = $1 AND locked_until > now()", {card}), 1);
        // A restart of the red box (a switchover to its standby) does not unlock it.
        QCOMPARE(net.tool({QStringLiteral("failover"), rb1}), 0);
        QVERIFY(net.waitHealthy(rb1, 120s));
        KioskCalls afterRestart(rb1, 2);
        QCOMPARE(afterRestart.signIn(card).outcome, QStringLiteral("locked"));
    }

    void pinAttemptsCheckedOfflineAreReportedAndCount()
    {
        QTemporaryDir dir;
        KioskConfig cfg = net.kioskConfig(QStringLiteral("east-rb2"), 2, dir.path());
        cfg.offlineAfterMs = 1000;
        KioskEngine e(cfg);
        e.start();
        QVERIFY(waitSynced(e));
        const QString seen = cardOf(net.takeMember(QStringLiteral("east")));
        const QString strangerCard = cardOf(net.takeMember(QStringLiteral("east")));
        const MemberInfo m = signedIn(e, seen, net.pinOfCard(seen));   // online: the kiosk keeps its own verifier
        const MemberInfo s = lookup(e, strangerCard);
        QVERIFY(e.cacheCounts().verifiers >= 1);
        QCOMPARE(net.tool({QStringLiteral("stop"), QStringLiteral("east-rb2")}), 0);
        auto rejoin = qScopeGuard([&] { net.tool({QStringLiteral("rejoin"), QStringLiteral("east-rb2")}); });
        QVERIFY(QTest::qWaitFor([&] { return e.health().link == LinkStatus::Offline; }, 30000));
        const SignInResult bad = signIn(e, m, wrongPin(net.pinOfCard(seen)));
        QCOMPARE(bad.outcome, SignInOutcome::WrongPin);
        QCOMPARE(bad.checkedBy, QStringLiteral("kiosk"));
        const SignInResult good = signIn(e, m, net.pinOfCard(seen));
        QCOMPARE(good.outcome, SignInOutcome::Ok);
        QVERIFY(!good.member->ticket);   // offline: no server's ticket, so rentals take the offline rules
        // A card this kiosk never saw signed in holds no verifier here: its coast checks the PIN.
        const SignInResult stranger = signIn(e, s, net.pinOfCard(strangerCard));
        QCOMPARE(stranger.outcome, SignInOutcome::Ok);
        QCOMPARE(stranger.checkedBy, QStringLiteral("east"));
        QCOMPARE(e.outboxStatus().queued, 2);   // the coast counted its attempt itself
        rejoin.dismiss();
        QCOMPARE(net.tool({QStringLiteral("rejoin"), QStringLiteral("east-rb2")}), 0);
        QVERIFY(QTest::qWaitFor([&] { return e.outboxStatus().queued == 0; }, 120000));
        QCOMPARE(count(QStringLiteral("east-rb2"), "SELECT count(*) FROM redbox.pin_attempt WHERE card_hash = $1 AND offline", {seen}), 2);
        QVERIFY(net.waitForQuiet(60s));
        QCOMPARE(
            count(QStringLiteral("east"), "SELECT count(*) FROM redbox.pin_attempt WHERE card_hash = $1 AND offline AND NOT ok", {seen}),
            1);
    }

    // A red box that sells a disc cheaper than the price list, or sells one of a title not on sale:
    // its coast refuses the hop (RB021) and keeps it for the operator.
    void aRedBoxCannotSellCheaperOrSellWhatIsNotOnSale()
    {
        KioskCalls k(rb1, 1);
        const Rented r = k.rent(cardOf(net.takeMember(QStringLiteral("west"))), net.takeDisc(rb1, k.kioskId()));
        QVERIFY(net.waitForQuiet(30s));
        const QJsonObject real = net.connect(rb1)
                                     .exec("SELECT payload FROM redbox.outbox WHERE event_id = $1 AND kind = 'rental'", {r.rentalId}, true)
                                     .json(0, 0)
                                     .object();
        QVERIFY(!real.isEmpty());
        pg::Connection west = net.connect(QStringLiteral("west"));
        const int bp = real.value(QStringLiteral("tax_rate_bp")).toInt();
        const auto forged = [&](const char *movieSql, int cents) {
            QJsonObject p = real;
            p.insert(QStringLiteral("rental_id"), QUuid::createUuid().toString(QUuid::WithoutBraces));
            p.insert(QStringLiteral("movie_id"), west.exec(movieSql, {}, true).int32(0, 0));
            p.insert(QStringLiteral("purchase"), true);
            p.insert(QStringLiteral("daily_rate_cents"), cents);
            p.insert(QStringLiteral("max_charge_cents"), cents);
            QJsonObject pay = p.value(QStringLiteral("payment")).toObject();
            pay.insert(QStringLiteral("payment_id"), QUuid::createUuid().toString(QUuid::WithoutBraces));
            pay.insert(QStringLiteral("amount_cents"), cents);
            pay.insert(QStringLiteral("tax_cents"), west.exec("SELECT redbox.tax_on($1, $2)", {cents, bp}, true).int32(0, 0));
            p.insert(QStringLiteral("payment"), pay);
            return sendHop(rb1, QStringLiteral("west"), QStringLiteral("rental"), p);
        };
        const int price = west.exec("SELECT redbox.sale_price('west', 'dvd', now())", {}, true).int32(0, 0);
        for (const QJsonObject &hop :
             {forged("SELECT movie_id FROM redbox.movie WHERE format = 'dvd' AND sell_from <= current_date - 1 LIMIT 1", price / 5),
              forged("SELECT movie_id FROM redbox.movie WHERE format = 'dvd' AND sell_from IS NULL LIMIT 1", price)}) {
            QCOMPARE(hop.value(QStringLiteral("status")).toString(), QStringLiteral("parked"));
            QVERIFY2(hop.value(QStringLiteral("error")).toString().startsWith(QLatin1String("RB021")),
                     qPrintable(hop.value("error").toString()));
        }
        QCOMPARE(count(QStringLiteral("west"), "SELECT count(*) FROM redbox.rental WHERE purchase AND kiosk_id = $1 AND rented_at = $2",
                       {k.kioskId(), real.value(QStringLiteral("rented_at")).toString()}),
                 0);
    }

    void aRedBoxsLoginCannotRewriteItsCoast()
    {
        const QString victim = cardOf(net.takeMember(QStringLiteral("west")));
        const qint64 victimId = count(rb1, "SELECT member_id FROM redbox.membershipstatus WHERE card_hash = $1", {victim});
        const qint64 refusedBefore = count(QStringLiteral("west"), "SELECT count(*) FROM redbox.refused_hop");
        // An account takeover: the member's card and PIN replaced everywhere.
        QJsonObject hop = sendHop(rb1, QStringLiteral("west"), QStringLiteral("member_upsert"),
                                  {{QStringLiteral("member_id"), victimId},
                                   {QStringLiteral("card_hash"), QString(64, QLatin1Char('e'))},
                                   {QStringLiteral("pin_hash"), QStringLiteral("pbkdf2-sha256$1000$AAAA$AAAA")},
                                   {QStringLiteral("state_name"), QStringLiteral("California")}});
        QCOMPARE(hop.value(QStringLiteral("status")).toString(), QStringLiteral("parked"));
        QVERIFY2(hop.value(QStringLiteral("error")).toString().startsWith(QLatin1String("RB019")),
                 qPrintable(hop.value("error").toString()));
        // A charge made up for a real rental.
        KioskCalls k(rb1, 1);
        const qint64 renter = net.takeMember(QStringLiteral("west"));
        const QString disc = net.takeDisc(rb1, k.kioskId());
        const Rented r = k.rent(cardOf(renter), disc);
        QVERIFY(net.waitForQuiet(30s));
        hop = sendHop(rb1, QStringLiteral("west"), QStringLiteral("return"),
                      {{QStringLiteral("return_id"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                       {QStringLiteral("resolved"), true},
                       {QStringLiteral("rental_id"), r.rentalId.toString(QUuid::WithoutBraces)},
                       {QStringLiteral("barcode"), disc},
                       {QStringLiteral("member_id"), renter},
                       {QStringLiteral("member_coast"), QStringLiteral("west")},
                       {QStringLiteral("kiosk_id"), k.kioskId()},
                       {QStringLiteral("kiosk_node"), rb1},
                       {QStringLiteral("kiosk_coast"), QStringLiteral("west")},
                       {QStringLiteral("returned_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                       {QStringLiteral("slot_no"), 1},
                       {QStringLiteral("nights"), 1},
                       {QStringLiteral("charge_cents"), 99999},
                       {QStringLiteral("late_cents"), 99000},
                       {QStringLiteral("late_tax_cents"), 0},
                       {QStringLiteral("kept"), false},
                       {QStringLiteral("status_done"), true}});
        QCOMPARE(hop.value(QStringLiteral("status")).toString(), QStringLiteral("parked"));
        QVERIFY2(hop.value(QStringLiteral("error")).toString().startsWith(QLatin1String("RB021")),
                 qPrintable(hop.value("error").toString()));
        // A rental at a kiosk another red box serves.
        hop = sendHop(rb1, QStringLiteral("west"), QStringLiteral("rental"),
                      {{QStringLiteral("rental_id"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                       {QStringLiteral("kiosk_id"), net.kioskId(QStringLiteral("west-rb2"), 1)},
                       {QStringLiteral("kiosk_node"), rb1},
                       {QStringLiteral("kiosk_coast"), QStringLiteral("west")}});
        QCOMPARE(hop.value(QStringLiteral("status")).toString(), QStringLiteral("parked"));
        QVERIFY2(hop.value(QStringLiteral("error")).toString().contains(QLatin1String("is not one that west-rb1 serves")),
                 qPrintable(hop.value("error").toString()));
        // Another red box's partition cannot be pulled; HQ does not know this login at all.
        pg::Connection peer = pg::Connection::open(net.nodeLoginConninfo(rb1, QStringLiteral("west")));
        const pg::DbError pull = refusalOf([&] { peer.exec("SELECT redbox.export_rows('dvds', 'west-rb2', NULL, 10)"); });
        QCOMPARE(pull.code(), RedboxError::SenderRefused);
        QVERIFY(!loginError(net.nodeLoginConninfo(rb1, QStringLiteral("hq"))).isEmpty());
        // Nothing changed, and the coast's operator sees what was tried.
        QCOMPARE(count(QStringLiteral("west"), "SELECT count(*) FROM redbox.member_partitioned WHERE member_id = $1 AND card_hash = $2",
                       {victimId, victim}),
                 1);
        QCOMPARE(count(QStringLiteral("west"), "SELECT count(*) FROM redbox.rental WHERE rental_id = $1 AND status = 'open'",
                       {r.rentalId.toString(QUuid::WithoutBraces)}),
                 1);
        QCOMPARE(count(QStringLiteral("west"), "SELECT count(*) FROM redbox.refused_hop WHERE source = 'west-rb1'") - refusedBefore, 3);
        k.giveBack(disc);
    }

    void aRevokedKioskIsShutOutWithinSeconds()
    {
        const QString id = net.kioskId(QStringLiteral("west-rb2"), 2);
        KioskCalls k(QStringLiteral("west-rb2"), 2);
        QCOMPARE(k.conn().exec("SELECT kiosk_id FROM redbox.kiosk_hello()").text(0, 0), id);
        // What a thief keeps: a copy of the kiosk's password file, and a session already open.
        QTemporaryDir stolen;
        const KioskConfig cfg = KioskConfig::load(net.kioskFolder(id) + QStringLiteral("/kiosk.ini"));
        const QString copy = stolen.filePath(QStringLiteral("redbox.pgpass"));
        QVERIFY(QFile::copy(cfg.kioskPassfile, copy));
        QFile::setPermissions(copy, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const QString stolenLogin = net.conninfoWith(cfg.redboxNode, cfg.redboxLogin(), copy);
        QVERIFY(loginError(stolenLogin).isEmpty());
        QElapsedTimer t;
        t.start();
        QString out;
        QCOMPARE(net.tool({QStringLiteral("kiosk"), QStringLiteral("revoke"), id}, &out), 0);
        const qint64 revokeMs = t.elapsed();
        // Its open session was ended; a new one is refused; its escalation login too.
        const pg::DbError e = refusalOf([&] { k.conn().exec("SELECT kiosk_id FROM redbox.kiosk_hello()"); });
        QVERIFY2(e.kind() == pg::ErrorKind::BrokenConnection, qPrintable(e.message()));
        const QString again = loginError(stolenLogin);
        // Revoking changes the password and takes the right to log in: the copy fails on the first.
        QVERIFY2(again.contains(QLatin1String("password authentication failed")) ||
                     again.contains(QLatin1String("not permitted to log in")),
                 qPrintable(again));
        qInfo("kiosk %s revoked in %lld ms (%s); its next call was refused: %s", qPrintable(id), static_cast<long long>(revokeMs),
              qPrintable(out.trimmed()), qPrintable(e.message().left(80)));
        QVERIFY(!QFile::exists(net.kioskFolder(id) + QStringLiteral("/redbox.pgpass")));
        // Enrolled again: new credentials, and it works.
        QCOMPARE(net.tool({QStringLiteral("kiosk"), QStringLiteral("enroll"), id}), 0);
        QCOMPARE(pg::Connection::open(net.kioskConninfo(id)).exec("SELECT kiosk_id FROM redbox.kiosk_hello()").text(0, 0), id);
    }

    void aKiosksPatroniSecretOpensItsOwnPairOnly()
    {
        const KioskConfig c = KioskConfig::load(net.kioskFolder(net.kioskId(rb1, 1)) + QStringLiteral("/kiosk.ini"));
        const auto secret = readPatroniSecret(c.patroniSecretFile);
        QVERIFY(secret.has_value());
        // What an attacker would send with the kiosk's secret: a switchover to a member that does
        // not exist, refused for what it asks or for who asks.
        auto statusOf = [&](const QString &node) {
            const ServerRef s = net.NetworkState::servers(node).first();
            return httpsPost(s.host, s.apiPort, "/switchover", R"({"leader":"nobody","candidate":"nobody-else"})",
                             {{"Authorization", "Basic " + (secret->first + QLatin1Char(':') + secret->second).toUtf8().toBase64()}})
                .status;
        };
        QCOMPARE(statusOf(QStringLiteral("west-rb2")), 401);
        QCOMPARE(statusOf(QStringLiteral("hq")), 401);
        const int own = statusOf(rb1);
        QVERIFY2(own != 401 && own >= 400, qPrintable(QString::number(own)));   // authenticated; the bogus leader is refused
    }

    void aServerCertificateOpensOnlyItsOwnPairsEtcdKeys()
    {
        QFile nf(net.stateDir() + QStringLiteral("/network.json"));
        QVERIFY(nf.open(QIODevice::ReadOnly));
        const QJsonObject network = QJsonDocument::fromJson(nf.readAll()).object();
        const QJsonObject etcd = network.value(QStringLiteral("etcd")).toArray().first().toObject();
        const QString host = etcd.value(QStringLiteral("host")).toString();
        const int port = etcd.value(QStringLiteral("client_port")).toInt();
        const QByteArray ns = "/" + network.value(QStringLiteral("name")).toString().toUtf8() + "/";
        // What a taken red box host holds: its servers' certificates (the server's own, and the one
        // its Patroni shows etcd) and its pair's etcd password.
        const QString serverCert = net.stateDir() + QStringLiteral("/certs/") + rb1;
        const QString cert = net.stateDir() + QStringLiteral("/certs/etcd-client-") + rb1;
        QFile pf(net.stateDir() + QStringLiteral("/secrets/passwords.json"));
        QVERIFY(pf.open(QIODevice::ReadOnly));
        const QString password =
            QJsonDocument::fromJson(pf.readAll()).object().value(rb1).toObject().value(QStringLiteral("etcd")).toString();
        QVERIFY(!password.isEmpty());
        auto put = [&](const QByteArray &key, const QByteArray &token) {
            const QByteArray body = kv(key, "taken");
            QList<QPair<QByteArray, QByteArray>> headers;
            if (!token.isEmpty())
                headers.append({"Authorization", token});
            return httpsPost(host, port, "/v3/kv/put", body, headers, cert);
        };
        // The server's certificate is refused at etcd's gateway; the client certificate alone gets
        // asked who it is.
        const HttpAnswer named = httpsPost(host, port, "/v3/kv/put", kv(ns + "hq/leader", "taken"), {}, serverCert);
        QVERIFY2(named.status == 400 || named.status == 0, named.body.constData());
        const HttpAnswer anonymous = put(ns + "hq/leader", {});
        QVERIFY2(anonymous.status >= 400 && (anonymous.body.contains("user name is empty") || anonymous.body.contains("permission denied")),
                 anonymous.body.constData());
        // With its own pair's user: HQ's leader key is out of reach, its own scope is not.
        const HttpAnswer login = httpsPost(
            host, port, "/v3/auth/authenticate",
            QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("scope.") + rb1}, {QStringLiteral("password"), password}})
                .toJson(QJsonDocument::Compact),
            {}, cert);
        QCOMPARE(login.status, 200);
        const QByteArray token = QJsonDocument::fromJson(login.body).object().value(QStringLiteral("token")).toString().toUtf8();
        QVERIFY(!token.isEmpty());
        const HttpAnswer theirs = put(ns + "hq/leader", token);
        QVERIFY2(theirs.status >= 400 && theirs.body.contains("permission denied"), theirs.body.constData());
        const HttpAnswer coast = put(ns + "west/config", token);
        QVERIFY2(coast.status >= 400 && coast.body.contains("permission denied"), coast.body.constData());
        const QByteArray probe = ns + rb1.toUtf8() + "/trust-probe";
        const HttpAnswer own = put(probe, token);
        QVERIFY2(own.status == 200, own.body.constData());
        QCOMPARE(httpsPost(host, port, "/v3/kv/deleterange", kv(probe, {}), {{"Authorization", token}}, cert).status, 200);
        // The pairs kept running through all of it (Patroni logs in with its own scope's user).
        QVERIFY(net.waitHealthy(QStringLiteral("hq"), 30s));
        QVERIFY(net.waitHealthy(rb1, 30s));
        qInfo("etcd: a server certificate is refused at the gateway, a client certificate alone gets no key; %s's user is refused HQ's "
              "and its coast's keys and writes its own",
              qPrintable(rb1));
    }

    void aKioskWhoseClockIsAnHourFastRentsOnlineAndKnowsItsSkew()
    {
        const QString faketime = QStandardPaths::findExecutable(QStringLiteral("faketime"));
        QVERIFY2(!faketime.isEmpty(), "faketime is not installed (deploy/install-deps installs it)");
        QTemporaryDir dir;
        const QString node = QStringLiteral("east-rb1");
        const QString card = cardOf(net.takeMember(QStringLiteral("east")));
        const QString disc = net.takeDisc(node, net.kioskId(node, 2));
        QProcess helper;
        helper.setProcessChannelMode(QProcess::MergedChannels);
        helper.start(faketime,
                     {QStringLiteral("-f"), QStringLiteral("+1h"), QCoreApplication::applicationDirPath() + QStringLiteral("/kiosk_helper"),
                      QStringLiteral("rent"), node, QStringLiteral("2"), dir.path(), card, net.pinOfCard(card), disc});
        QVERIFY(helper.waitForFinished(120000));
        const QString out = QString::fromUtf8(helper.readAll());
        QCOMPARE(helper.exitCode(), 0);
        const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("skew_ms=(-?\\d+) offline=(\\d) failure=(\\w+)")).match(out);
        QVERIFY2(m.hasMatch(), qPrintable(out));
        const qint64 skew = m.captured(1).toLongLong();
        qInfo("a kiosk an hour fast measured its skew at %lld ms", static_cast<long long>(skew));
        QVERIFY2(std::abs(skew + 3600 * 1000) < 5000, qPrintable(out));   // the server is an hour behind it
        QVERIFY2(m.captured(3) == QLatin1String("none"), qPrintable(out));
        QCOMPARE(m.captured(2), QStringLiteral("0"));   // online, not offline
        // The red box kept its own time for the rental.
        QVERIFY(count(node, "SELECT count(*) FROM redbox.rental WHERE barcode = $1 AND abs(extract(epoch FROM rented_at - now())) < 120",
                      {disc}) == 1);
        KioskCalls k(node, 2);
        k.giveBack(disc);
    }
};

QTEST_GUILESS_MAIN(TestTrust)
#include "tst_trust.moc"

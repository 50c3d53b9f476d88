// The kiosk's SQLite cache and offline outbox on their own: migrations, a
// newer schema refused, a corrupted file rebuilt with the outbox intact,
// members sealed under the kiosk's key, search; an outbox entry that does not
// open parked without holding up the rest, a damaged outbox carried into a new
// one, files sealed under a lost kiosk key set aside.
#include "cache/cachestore.h"
#include "crypto/crypto.h"
#include "kioskcore/enginestate.h"
#include "kioskcore/kioskconfig.h"
#include "kioskcore/kioskstorage.h"
#include "outbox/offlineoutbox.h"
#include "sqlite/sqlite.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace redbox;

namespace {

CacheRow movie(int id, const QString &title, const QString &genre = QStringLiteral("Drama"), bool isNew = false)
{
    return CacheRow{QStringLiteral("100"), QStringLiteral("movie"), QString::number(id), false,
                    QJsonObject{{QStringLiteral("movie_id"), id},
                                {QStringLiteral("title"), title},
                                {QStringLiteral("genre"), genre},
                                {QStringLiteral("categories"), QJsonArray{genre}},
                                {QStringLiteral("rating"), QStringLiteral("PG")},
                                {QStringLiteral("release_year"), 2020},
                                {QStringLiteral("runtime_min"), 100},
                                {QStringLiteral("blurb"), QStringLiteral("A story.")},
                                {QStringLiteral("cover_ref"), QStringLiteral("cover:%1").arg(id)},
                                {QStringLiteral("rent_from"), QStringLiteral("2020-01-01")},
                                {QStringLiteral("is_new_release"), isNew}}};
}

CacheRow disc(const QString &barcode, int movieId, int slot, const QString &status = QStringLiteral("in"))
{
    return CacheRow{QStringLiteral("101"), QStringLiteral("dvd"), barcode, false,
                    QJsonObject{{QStringLiteral("barcode"), barcode},
                                {QStringLiteral("movie_id"), movieId},
                                {QStringLiteral("slot_no"), status == QLatin1String("in") ? QJsonValue(slot) : QJsonValue()},
                                {QStringLiteral("status"), status},
                                {QStringLiteral("condition"), QStringLiteral("good")}}};
}

CacheRow member(qint64 id, const QString &cardHash, int discsOut = 0)
{
    return CacheRow{QStringLiteral("102"), QStringLiteral("member"), QString::number(id), false,
                    QJsonObject{{QStringLiteral("member_id"), id},
                                {QStringLiteral("card_hash"), cardHash},
                                {QStringLiteral("locked_until"), QStringLiteral("2030-01-01T00:00:00.000Z")},
                                {QStringLiteral("allowed"), true},
                                {QStringLiteral("discs_out"), discsOut},
                                {QStringLiteral("plan_limit"), 4},
                                {QStringLiteral("membership_id"), 2},
                                {QStringLiteral("home_coast"), QStringLiteral("west")}}};
}

// A kiosk's storage folder with its card key (the kiosk key is made on first open).
KioskConfig storageIn(const QTemporaryDir &dir)
{
    KioskConfig c;
    c.kioskId = QStringLiteral("KIOSK-01");
    c.storageDir = dir.path();
    c.kioskKeyFile = dir.filePath(QStringLiteral("kiosk.key"));
    c.cardKeyFile = dir.filePath(QStringLiteral("card.key"));
    QFile f(c.cardKeyFile);
    if (!f.open(QIODevice::WriteOnly) || f.write(crypto::randomBytes(32).toHex() + '\n') <= 0)
        qFatal("cannot write the card key");
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return c;
}

QStringList filesLike(const QTemporaryDir &dir, const QString &pattern)
{
    return QDir(dir.path()).entryList({pattern}, QDir::Files);
}

}   // namespace

class TestCacheStore : public QObject {
    Q_OBJECT
    QByteArray key = crypto::randomBytes(32);
    const QString card = QString(64, QLatin1Char('a'));

private slots:
    void freshCacheIsMigratedToTheCurrentSchema()
    {
        QTemporaryDir dir;
        CacheStore c(dir.filePath(QStringLiteral("cache.db")), key, QStringLiteral("WRB1-01"));
        QVERIFY(!c.rebuilt());
        sqlite::Database db = sqlite::Database::open(dir.filePath(QStringLiteral("cache.db")));
        QCOMPARE(db.userVersion(), CacheStore::SchemaVersion);
        QVERIFY(c.cursor().fromSnapshot.isEmpty());
    }

    void cacheWrittenByANewerVersionIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.db"));
        {
            sqlite::Database db = sqlite::Database::open(path);
            db.exec(QStringLiteral("PRAGMA user_version = 99"));
        }
        try {
            CacheStore c(path, key, QStringLiteral("WRB1-01"));
            QFAIL("a newer cache was opened");
        } catch (const CacheError &e) {
            QCOMPARE(e.kind(), CacheError::Kind::NewerVersion);
            QVERIFY2(e.message().contains(QLatin1String("newer kiosk version")), qPrintable(e.message()));
        }
    }

    void corruptedCacheIsRebuiltAndTheOutboxKept()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.db"));
        const QUuid queued = QUuid::createUuid();
        {
            CacheStore c(path, key, QStringLiteral("WRB1-01"));
            c.applyPage({movie(1, QStringLiteral("Alpha"))});
            OfflineOutbox o(dir.filePath(QStringLiteral("outbox.db")), key);
            o.add(queued, QStringLiteral("rent"), QJsonObject{{QStringLiteral("rental_id"), queued.toString(QUuid::WithoutBraces)}});
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.seek(0);
        f.write(QByteArray(100, 'X'));   // the header: "file is not a database"
        f.close();
        CacheStore c(path, key, QStringLiteral("WRB1-01"));
        QVERIFY(c.rebuilt());
        QCOMPARE(c.counts().movies, 0);
        QVERIFY(c.cursor().fromSnapshot.isEmpty());   // a full resync follows
        QVERIFY(!QDir(dir.path()).entryList({QStringLiteral("cache.db.corrupt-*")}).isEmpty());
        OfflineOutbox o(dir.filePath(QStringLiteral("outbox.db")), key);
        QCOMPARE(o.depth(), 1);
        QCOMPARE(o.next()->id, queued);
    }

    void membersAreSealedAndFoundOnlyWithTheKiosksKey()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.db"));
        {
            CacheStore c(path, key, QStringLiteral("WRB1-01"));
            c.applyPage({member(42, card, 1)});
            const auto m = c.memberByCard(card);
            QVERIFY(m.has_value());
            QCOMPARE(m->memberId, 42);
            QCOMPARE(m->discsOut, 1);
            QCOMPARE(m->lockedUntil, QDateTime(QDate(2030, 1, 1), QTime(0, 0), Qt::UTC));
            QVERIFY(!c.memberByCard(QString(64, QLatin1Char('b'))).has_value());
            // The kiosk's own verifier of the card, made after a server checked its PIN.
            QVERIFY(c.verifier(card).isEmpty());
            c.setVerifier(card, crypto::hashSecret(QStringLiteral("1234"), 1000));
            QVERIFY(crypto::verifySecret(QStringLiteral("1234"), c.verifier(card)));
            QVERIFY(c.verifier(QString(64, QLatin1Char('b'))).isEmpty());
            QCOMPARE(c.counts().verifiers, 1);
        }
        // Nothing readable at rest: no card hash, no PIN verifier, no member id in the file.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray raw = f.readAll();
        QVERIFY(!raw.contains(card.toLatin1()));
        QVERIFY(!raw.contains("pbkdf2-sha256"));
        QVERIFY(!raw.contains("member_id"));
        // Another kiosk's key finds nothing.
        CacheStore other(path, crypto::randomBytes(32), QStringLiteral("WRB1-01"));
        QVERIFY(!other.memberByCard(card).has_value());
        QVERIFY(other.verifier(card).isEmpty());
    }

    void deletesAndCursorMoveTogether()
    {
        QTemporaryDir dir;
        CacheStore c(dir.filePath(QStringLiteral("cache.db")), key, QStringLiteral("WRB1-01"));
        c.beginRound(QStringLiteral("10:20:"), 3);
        c.applyPage({movie(1, QStringLiteral("Alpha")), member(7, card), disc(QStringLiteral("D000010000012"), 1, 5)});
        QCOMPARE(c.cursor().roundDone, 3);
        QCOMPARE(c.cursor().entity, QStringLiteral("dvd"));
        c.applyPage({CacheRow{QStringLiteral("103"), QStringLiteral("member"), QStringLiteral("7"), true, {}},
                     CacheRow{QStringLiteral("103"), QStringLiteral("dvd"), QStringLiteral("D000010000012"), true, {}}});
        QVERIFY(!c.memberByCard(card).has_value());
        QVERIFY(!c.disc(QStringLiteral("D000010000012")).has_value());
        QVERIFY(!c.cursor().live);
        c.finishRound();
        QCOMPARE(c.cursor().fromSnapshot, QStringLiteral("10:20:"));
        QVERIFY(c.cursor().roundTo.isEmpty());
    }

    void searchFindsWordPrefixesAndFilters()
    {
        QTemporaryDir dir;
        CacheStore c(dir.filePath(QStringLiteral("cache.db")), key, QStringLiteral("WRB1-01"));
        c.applyPage({movie(1, QStringLiteral("Academy Dinosaur"), QStringLiteral("Documentary")),
                     movie(2, QStringLiteral("Ace Goldfinger"), QStringLiteral("Horror"), true),
                     movie(3, QStringLiteral("Alice Fantasia"), QStringLiteral("Classics")),
                     movie(4, QStringLiteral("Not Stocked"), QStringLiteral("Drama")), disc(QStringLiteral("D000010000012"), 1, 1),
                     disc(QStringLiteral("D000020000010"), 2, 2), disc(QStringLiteral("D000030000018"), 3, 0, QStringLiteral("out"))});
        auto titles = [](const QList<Title> &ts) {
            QStringList out;
            for (const Title &t : ts)
                out << t.title;
            return out;
        };
        QCOMPARE(titles(c.search(QStringLiteral("a"))),
                 (QStringList{QStringLiteral("Academy Dinosaur"), QStringLiteral("Ace Goldfinger"), QStringLiteral("Alice Fantasia")}));
        QCOMPARE(titles(c.search(QStringLiteral("din"))), QStringList{QStringLiteral("Academy Dinosaur")});
        QCOMPARE(titles(c.search(QStringLiteral("gold ace"))), QStringList{QStringLiteral("Ace Goldfinger")});
        QCOMPARE(titles(c.search(QString(), QStringLiteral("Horror"))), QStringList{QStringLiteral("Ace Goldfinger")});
        QCOMPARE(titles(c.search(QString(), {}, {}, true)), QStringList{QStringLiteral("Ace Goldfinger")});
        QCOMPARE(titles(c.search(QString(), {}, {}, false, true)).size(), 2);   // "Alice" is out, "Not Stocked" absent
        QCOMPARE(c.search(QStringLiteral("alice")).value(0).available, 0);
        // Hostile input is just text.
        QVERIFY(c.search(QStringLiteral("\" OR 1=1; DROP TABLE movie; --")).isEmpty());
        QVERIFY(c.search(QString(5000, QLatin1Char('z'))).isEmpty());
        QCOMPARE(c.counts().movies, 4);
    }

    // A title outside its licence window (ended yesterday, or not yet begun) is not shown and
    // none of its discs is offered; one that ends today still is.
    void titlesOutsideTheirLicenceWindowAreNotShown()
    {
        QTemporaryDir dir;
        CacheStore c(dir.filePath(QStringLiteral("cache.db")), key, QStringLiteral("WRB1-01"));
        const QDate today = QDate::fromString(c.today(), Qt::ISODate);
        QVERIFY(today.isValid());
        CacheRow ended = movie(1, QStringLiteral("Ended Yesterday"));
        ended.data.insert(QStringLiteral("rent_until"), today.addDays(-1).toString(Qt::ISODate));
        CacheRow lastDay = movie(2, QStringLiteral("Ends Today"));
        lastDay.data.insert(QStringLiteral("rent_until"), today.toString(Qt::ISODate));
        CacheRow notYet = movie(3, QStringLiteral("Not Yet Released"));
        notYet.data.insert(QStringLiteral("rent_from"), today.addDays(1).toString(Qt::ISODate));
        c.applyPage({ended, lastDay, notYet, disc(QStringLiteral("D000010000012"), 1, 1), disc(QStringLiteral("D000020000010"), 2, 2),
                     disc(QStringLiteral("D000030000018"), 3, 3)});
        QStringList shown;
        for (const Title &t : c.search(QString()))
            shown << t.title;
        QCOMPARE(shown, QStringList{QStringLiteral("Ends Today")});
        QVERIFY(c.rentableDiscs(1).isEmpty());
        QVERIFY(c.rentableDiscs(3).isEmpty());
        QCOMPARE(c.rentableDiscs(2).size(), 1);
    }

    void outboxKeepsOrderAndParksRefusals()
    {
        QTemporaryDir dir;
        OfflineOutbox o(dir.filePath(QStringLiteral("outbox.db")), key);
        const QUuid a = QUuid::createUuid(), b = QUuid::createUuid();
        o.add(a, QStringLiteral("rent"), {}, card);
        o.add(b, QStringLiteral("return"), {});
        o.add(a, QStringLiteral("rent"), {}, card);   // the same id twice is kept once
        QCOMPARE(o.depth(), 2);
        QCOMPARE(o.queuedFor(card), 1);
        QCOMPARE(o.next()->id, a);
        o.park(o.next()->seq, QStringLiteral("RB004: not ours"));
        QCOMPARE(o.next()->id, b);
        QCOMPARE(o.parked().size(), 1);
        QCOMPARE(o.parked().first().lastError, QStringLiteral("RB004: not ours"));
        o.done(o.next()->seq);
        QVERIFY(!o.next().has_value());
        o.retryParked();
        QCOMPARE(o.next()->id, a);
    }

    void anEntryThatDoesNotOpenIsParkedAndTheRestGoOn()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("outbox.db"));
        const QUuid a = QUuid::createUuid(), b = QUuid::createUuid();
        {
            OfflineOutbox o(path, key);
            o.add(a, QStringLiteral("rent"), {{QStringLiteral("n"), 1}});
            o.add(b, QStringLiteral("return"), {{QStringLiteral("n"), 2}});
        }
        {
            sqlite::Database db = sqlite::Database::open(path);
            db.prepare(QStringLiteral("UPDATE action SET sealed = ? WHERE id = ?"))
                .bindAll({QByteArray("flipped bits"), a.toString(QUuid::WithoutBraces)})
                .run();
        }
        OfflineOutbox o(path, key);
        const auto first = o.next();
        QVERIFY(first.has_value());
        QCOMPARE(first->id, b);   // not stuck behind the one nobody can open
        QCOMPARE(first->payload.value(QStringLiteral("n")).toInt(), 2);
        QCOMPARE(o.depth(), 1);
        const QList<OutboxEntry> parked = o.parked();
        QCOMPARE(parked.size(), 1);
        QCOMPARE(parked.first().id, a);
        QVERIFY2(parked.first().lastError.contains(QLatin1String("does not open")), qPrintable(parked.first().lastError));
        // A key that is not the kiosk's opens nothing: every entry parked, none sent.
        OfflineOutbox other(path, crypto::randomBytes(32));
        QVERIFY(!other.next().has_value());
        QCOMPARE(other.parked().size(), 2);
    }

    void aDamagedOutboxIsCarriedIntoANewOne()
    {
        QTemporaryDir dir;
        const KioskConfig cfg = storageIn(dir);
        QList<QUuid> ids;
        {
            HealthState health;
            KioskStorage s(cfg, health);
            s.open();
            for (int i = 0; i < 3; ++i) {
                ids << QUuid::createUuid();
                s.outbox().add(ids.last(), QStringLiteral("return"), {{QStringLiteral("n"), i}});
            }
            s.outbox().beginDispense(QUuid::createUuid(), QStringLiteral("D000010000001"), 4);
        }
        {
            // An index's pages orphaned: the integrity check fails, the rows still read.
            sqlite::Database db = sqlite::Database::open(dir.filePath(QStringLiteral("outbox.db")));
            db.exec(QStringLiteral("PRAGMA writable_schema = ON; DELETE FROM sqlite_schema WHERE name = 'action_member';"));
        }
        HealthState health;
        KioskStorage s(cfg, health);
        s.open();   // does not throw: the kiosk starts, maintenance mode is reachable
        QCOMPARE(s.outbox().depth(), 3);
        QCOMPARE(s.outbox().next()->id, ids.first());   // in order
        QCOMPARE(s.outbox().pendingDispenses().size(), 1);
        QVERIFY2(health.value().storageFault.contains(QLatin1String("3 waiting action(s) were carried")),
                 qPrintable(health.value().storageFault));
        QCOMPARE(filesLike(dir, QStringLiteral("outbox.db.damaged-*[0-9]")).size(), 1);
        QVERIFY(s.guard("outbox", [&] { s.outbox().done(s.outbox().next()->seq); }));
        QVERIFY(health.value().storageFault.contains(QLatin1String("carried")));   // stays shown until a restart
    }

    void filesSealedUnderALostKioskKeyAreSetAside()
    {
        QTemporaryDir dir;
        const KioskConfig cfg = storageIn(dir);
        {
            HealthState health;
            KioskStorage s(cfg, health);
            s.open();
            s.outbox().add(QUuid::createUuid(), QStringLiteral("rent"), {{QStringLiteral("n"), 1}});
            QVERIFY(health.value().storageFault.isEmpty());
        }
        QVERIFY(QFile::remove(cfg.kioskKeyFile));
        HealthState health;
        KioskStorage s(cfg, health);
        s.open();
        QCOMPARE(s.outbox().depth(), 0);   // a new outbox under the new key: replay is never stuck
        QVERIFY(QFileInfo::exists(cfg.kioskKeyFile));
        QCOMPARE(filesLike(dir, QStringLiteral("outbox.db.lost-key-*[0-9]")).size(), 1);
        QCOMPARE(filesLike(dir, QStringLiteral("cache.db.lost-key-*[0-9]")).size(), 1);
        QVERIFY2(health.value().storageFault.contains(QLatin1String("kiosk key was missing")), qPrintable(health.value().storageFault));
        const QUuid next = QUuid::createUuid();
        QVERIFY(s.guard("outbox", [&] { s.outbox().add(next, QStringLiteral("return"), {}); }));
        QCOMPARE(s.outbox().next()->id, next);
    }
};

QTEST_GUILESS_MAIN(TestCacheStore)
#include "tst_cachestore.moc"

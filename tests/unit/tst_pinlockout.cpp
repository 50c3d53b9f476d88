// Wrong-PIN counting with a lockout (sync/core/pinlockout.h), by an injected
// clock: five failures lock a key for fifteen minutes, other keys are not
// touched, a success clears the count, and the state survives a save and
// restore (the first release's saved format included).
#include "core/pinlockout.h"

#include <QTest>
#include <QTimeZone>

using namespace redbox;

class TestPinLockout : public QObject {
    Q_OBJECT
    QDateTime now = QDateTime(QDate(2026, 5, 1), QTime(12, 0), QTimeZone::utc());

private slots:
    void fiveFailuresLockTheKeyForFifteenMinutes()
    {
        PinLockout l(5, 15, [this] { return now; });
        for (int i = 1; i <= 4; ++i) {
            QVERIFY(!l.fail(QStringLiteral("card-a")));
            QCOMPARE(l.failuresLeft(QStringLiteral("card-a")), 5 - i);
        }
        QVERIFY(l.fail(QStringLiteral("card-a")));
        QVERIFY(l.locked(QStringLiteral("card-a")));
        QCOMPARE(l.lockedUntil(QStringLiteral("card-a")), now.addSecs(15 * 60));
        QVERIFY(!l.locked(QStringLiteral("card-b")));
        QCOMPARE(l.failuresLeft(QStringLiteral("card-b")), 5);
        now = now.addSecs(14 * 60 + 59);
        QVERIFY(l.locked(QStringLiteral("card-a")));
        QVERIFY(!l.expire(QStringLiteral("card-a")));
        now = now.addSecs(2);
        QVERIFY(!l.locked(QStringLiteral("card-a")));
        QVERIFY(!l.lockedUntil(QStringLiteral("card-a")).isValid());
        QVERIFY(l.expire(QStringLiteral("card-a")));   // counting starts afresh
        QCOMPARE(l.failuresLeft(QStringLiteral("card-a")), 5);
    }

    void aSuccessClearsTheCount()
    {
        PinLockout l(5, 15, [this] { return now; });
        l.fail();
        l.fail();
        QCOMPARE(l.failuresLeft(), 3);
        l.succeed();
        QCOMPARE(l.failuresLeft(), 5);
    }

    void theStateSurvivesARestart()
    {
        PinLockout a(5, 15, [this] { return now; });
        for (int i = 0; i < 5; ++i)
            a.fail(QStringLiteral("card-a"));
        a.fail(QStringLiteral("card-b"));
        PinLockout b(5, 15, [this] { return now; });
        b.restore(a.save());
        QVERIFY(b.locked(QStringLiteral("card-a")));
        QCOMPARE(b.failuresLeft(QStringLiteral("card-b")), 4);
        // The first release kept the technicians' count unkeyed.
        PinLockout c(5, 15, [this] { return now; });
        c.restore(QStringLiteral("{\"failures\":5,\"until\":\"%1\"}").arg(now.addSecs(600).toString(Qt::ISODate)));
        QVERIFY(c.locked());
        c.restore(QStringLiteral("not json"));
        QVERIFY(!c.locked());
        QCOMPARE(c.failuresLeft(), 5);
    }
};

QTEST_APPLESS_MAIN(TestPinLockout)
#include "tst_pinlockout.moc"

// Checking the real network's tables from a test: one number from one
// query as the administrator, waiting for a condition that may throw while
// a server is away, a member's card hash, and a call the servers must refuse.
#pragma once

#include "core/cards.h"
#include "core/errorcodes.h"
#include "testnetwork.h"

#include <QTest>

#include <functional>
#include <initializer_list>

namespace redbox::test {

// SELECT count(*)-like SQL on NODE's primary as the administrator: its first value.
inline qint64 count(const QString &node, const char *sql, std::initializer_list<pg::Param> params = {})
{
    pg::Connection c = TestNetwork::get().connect(node);
    return c.exec(sql, params).int64(0, 0);
}

// True once F is, within MS; a throw counts as "not yet".
inline bool eventually(const std::function<bool()> &f, int ms = 60000)
{
    return QTest::qWaitFor(
        [&] {
            try {
                return f();
            } catch (const std::exception &) {
                return false;
            }
        },
        ms);
}

// The keyed hash of MEMBER's card, as a kiosk sends it.
inline QString cardOf(qint64 member)
{
    return TestNetwork::get().cardHash(memberCardNumber(member));
}

// CALL must throw CODE with WORDS in its message.
inline void expectRefusal(const std::function<void()> &call, RedboxError code, const QString &words)
{
    try {
        call();
        QFAIL(qPrintable(QStringLiteral("accepted; expected %1 (%2)").arg(QLatin1String(errorCodeInfo(code).name.data()), words)));
    } catch (const pg::DbError &e) {
        QVERIFY2(e.code() == code, qPrintable(e.sqlstate() + QLatin1String(": ") + e.message()));
        QVERIFY2(e.message().contains(words, Qt::CaseInsensitive), qPrintable(e.message()));
    }
}

// CALL must throw an error whose SQLSTATE starts SQLSTATE, with WORDS in its message.
inline void expectRefusal(const std::function<void()> &call, const QString &sqlstate, const QString &words)
{
    try {
        call();
        QFAIL(qPrintable(QStringLiteral("accepted; expected %1 (%2)").arg(sqlstate, words)));
    } catch (const pg::DbError &e) {
        QVERIFY2(e.sqlstate().startsWith(sqlstate), qPrintable(e.sqlstate() + QLatin1String(": ") + e.message()));
        QVERIFY2(e.message().contains(words, Qt::CaseInsensitive), qPrintable(e.message()));
    }
}

}   // namespace redbox::test

// Checking the real network's tables from a test: one number from one
// query as the administrator, and waiting for a condition that may throw
// while a server is away.
#pragma once

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

}   // namespace redbox::test

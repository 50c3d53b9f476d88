// Small helpers the benchmark programs share: this process's memory (from
// /proc/self/status); percentiles come from sync/core/percentile.h.
#pragma once

#include <QByteArray>
#include <QFile>

#include "core/percentile.h"

#include <algorithm>
#include <vector>

namespace redbox::bench {

// One "Key:   N kB" line of /proc/self/status (for example "VmRSS:"), in MB; 0 if absent.
inline double statusMb(const QByteArray &status, const QByteArray &key)
{
    for (const QByteArray &line : status.split('\n'))
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return 0;
}

inline QByteArray procStatus()
{
    QFile f(QStringLiteral("/proc/self/status"));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline double rssMb()
{
    return statusMb(procStatus(), "VmRSS:");
}

using redbox::percentile;   // sync/core/percentile.h: q in 0..1, nearest rank

}   // namespace redbox::bench

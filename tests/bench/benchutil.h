// Small helpers the benchmark programs share: this process's memory (from
// /proc/self/status), and a percentile (q in 0..1, nearest rank) of a list
// of samples.
#pragma once

#include <QByteArray>
#include <QFile>

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

inline double percentile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

} // namespace redbox::bench

// Small helpers the benchmark programs share: this process's memory, and a
// percentile (q in 0..1, nearest rank) of a list of samples.
#pragma once

#include <QByteArray>
#include <QFile>

#include <algorithm>
#include <vector>

namespace redbox::bench {

inline double rssMb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return 0;
}

inline double percentile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

} // namespace redbox::bench

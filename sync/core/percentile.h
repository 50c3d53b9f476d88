// The nearest-rank percentile of a list of samples, one definition for the
// simulator's report and every benchmark: Q is a fraction (0.5 the median,
// 0.99 the 99th percentile, 1 the maximum); an empty list gives 0.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace redbox {

inline double percentile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const double rank = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size()));
    const auto i = static_cast<size_t>(std::clamp(rank - 1.0, 0.0, static_cast<double>(v.size() - 1)));
    return v[i];
}

}   // namespace redbox

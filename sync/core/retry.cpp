// Jittered exponential backoff (see retry.h).
#include "core/retry.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace redbox {

std::chrono::milliseconds RetryPolicy::delayFor(int attempt) const
{
    const double base = static_cast<double>(initialDelay.count()) * std::pow(multiplier, std::max(0, attempt - 1));
    const double capped = std::min(base, static_cast<double>(maxDelay.count()));
    const double low = capped * (1.0 - std::clamp(jitter, 0.0, 1.0));
    const double pick = low + (capped - low) * QRandomGenerator::global()->generateDouble();
    return std::chrono::milliseconds(static_cast<long long>(std::llround(pick)));
}

bool RetryPolicy::allows(int attempt, std::chrono::milliseconds elapsed) const
{
    if (maxTries > 0 && attempt > maxTries)
        return false;
    if (maxElapsed.count() > 0 && elapsed >= maxElapsed)
        return false;
    return true;
}

}   // namespace redbox

// Who a card belongs to: the red box first (the coast's members), the
// kiosk's cache when the red box is away, then escalation for a card the red
// box does not know: the kiosk's coast server, then the HQ cloud, each asked
// once with the verify-only role and a short deadline. An away member comes
// back with the upper tier's signed ticket for the red box to check.
#pragma once

#include "kioskcore/enginestate.h"

#include <QObject>

#include <functional>
#include <optional>

namespace redbox {

class MemberLookup : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(std::optional<MemberInfo>, Failure, QString message)>;
    MemberLookup(EngineParts parts, QObject *parent = nullptr);

    void lookup(const QString &cardHash, Callback callback);

private:
    void fromCacheOrEscalate(const QString &cardHash, Callback callback);
    // Stage 0: this kiosk's coast server; stage 1: the HQ cloud.
    void escalate(const QString &cardHash, Callback callback, int stage);

    EngineParts m_parts;
};

}   // namespace redbox

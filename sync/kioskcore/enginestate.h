// What the parts of one kiosk engine share: its health as the screens see it
// (one value, changed in place, announced once per change) and the handles
// every part works with. KioskEngine owns all of them; the parts hold
// references and live exactly as long as the engine.
#pragma once

#include "core/kiosktypes.h"

#include <QObject>

namespace redbox {

struct KioskConfig;
class KioskStorage;
class Link;
class OutboxReplay;

class HealthState : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    const KioskHealth &value() const { return m_health; }
    // Applies CHANGE and announces the result if it differs (or ALWAYS).
    template <typename Change>
    void update(Change change, bool always = false)
    {
        KioskHealth next = m_health;
        change(next);
        if (next == m_health && !always)
            return;
        m_health = std::move(next);
        emit changed(m_health);
    }

signals:
    void changed(const redbox::KioskHealth &health);

private:
    KioskHealth m_health;
};

// The engine's shared handles, for its parts.
struct EngineParts {
    const KioskConfig &config;
    KioskStorage &storage;
    HealthState &health;
    Link *redbox = nullptr;   // made at start()
    OutboxReplay *replay = nullptr;
};

}   // namespace redbox

// One whole kiosk for a test (see kioskrig.h).
#include "kioskrig.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <stdexcept>

namespace redbox::test {

KioskRig::KioskRig(const QString &node, int k, int offlineAfterMs, bool waitSync)
{
    cfg = TestNetwork::get().kioskConfig(node, k, dir.path());
    cfg.offlineAfterMs = offlineAfterMs;
    start(waitSync);
}

KioskRig::~KioskRig()
{
    m.reset();
    ctl.reset();
    bridge.reset();
    engine.reset();
}

void KioskRig::start(bool waitSync)
{
    engine = std::make_unique<KioskEngine>(cfg);
    engine->start();
    bridge = std::make_unique<EngineBridge>(engine.get());
    hw.setLatencyMs(5);
    ctl = std::make_unique<KioskController>(bridge.get(), &hw);
    ctl->deviceWatch()->setAlertHandler(auditAlerts(bridge.get()));
    m = std::make_unique<MaintenanceController>(bridge.get(), bridge.get(), &hw, ctl.get());
    if (waitSync) {
        QSignalSpy synced(engine.get(), &KioskEngine::cacheSynced);
        if (!synced.wait(60000))
            throw std::runtime_error("the kiosk's cache did not sync");
        if (!QTest::qWaitFor([&] { return ctl->catalog()->rowCount() > 0; }, 10000))
            throw std::runtime_error("the kiosk's catalog stayed empty");
    }
    // The carousel as the cache says now (not followed later: a technician's unload that jammed
    // leaves its disc in the slot although the red box already counts it out).
    fillCarouselFromCache();
}

void KioskRig::restart(bool waitSync)
{
    m.reset();
    ctl.reset();
    bridge.reset();
    engine.reset();
    start(waitSync);
}

void KioskRig::fillCarouselFromCache()
{
    hw.setContents(engine->slotContents());
}

bool KioskRig::waitScreen(KioskController::Screen s, int ms)
{
    return QTest::qWaitFor([&] { return ctl->screen() == s; }, ms);
}

int KioskRig::availableTitle(int skip)
{
    for (int i = 0; i < ctl->catalog()->rowCount(); ++i) {
        const QVariantMap t = ctl->catalog()->get(i);
        if (t.value(QStringLiteral("available")).toInt() > 0 && skip-- <= 0)
            return t.value(QStringLiteral("movieId")).toInt();
    }
    return 0;
}

QByteArray track(const QString &card)
{
    return ";" + card.toLatin1() + "=3012?";
}

QJsonObject tryMember(const QString &coast, int index)
{
    int seen = 0;
    for (const auto &v : TestNetwork::get().tryIt().value(QStringLiteral("members")).toArray())
        if (v.toObject().value(QStringLiteral("coast")).toString() == coast && seen++ == index)
            return v.toObject();
    throw std::runtime_error("no such test member");
}

QJsonObject tryTechnician(int index)
{
    return TestNetwork::get().tryIt().value(QStringLiteral("technicians")).toArray().at(index).toObject();
}

void memberSignIn(KioskRig &k, const QJsonObject &member)
{
    k.hw.swipeCard(track(member.value(QStringLiteral("card")).toString()));
    QVERIFY(k.waitScreen(KioskController::Screen::Pin));
    for (const QChar c : member.value(QStringLiteral("pin")).toString())
        k.ctl->pinDigit(c.digitValue());
    k.ctl->pinEnter();
}

}   // namespace redbox::test

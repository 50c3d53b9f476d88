// Qt Quick Test of each screen, offscreen: the screens get a real
// KioskController (engine on the test network, simulated hardware), exposed
// as the QML singleton exactly as the app does, plus a small "Harness"
// object for what a test needs to do to the hardware.
#include "testnetwork.h"

#include "controllers/kioskcontroller.h"
#include "hardware/simulatedhardware.h"
#include "maintenance/maintenancecontroller.h"

#include <QQmlEngine>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtQuickTest>

using namespace redbox;

class Harness : public QObject {
    Q_OBJECT
public:
    SimulatedHardware *hw = nullptr;
    Q_INVOKABLE void swipe(const QString &card) { hw->swipeCard(";" + card.toLatin1() + "=3012?"); }
    Q_INVOKABLE void insertDisc(const QString &barcode) { hw->insertDisc(barcode); }
    Q_INVOKABLE QString memberCard(int i) const { return member(i).value(QStringLiteral("card")).toString(); }
    Q_INVOKABLE QString memberPin(int i) const { return member(i).value(QStringLiteral("pin")).toString(); }
    // The generated technician every coast knows (the first one is the east coast's only).
    Q_INVOKABLE QString technicianCard() const { return technician().value(QStringLiteral("card")).toString(); }
    Q_INVOKABLE QString technicianPin() const { return technician().value(QStringLiteral("pin")).toString(); }

private:
    static QJsonObject technician()
    {
        return test::TestNetwork::get().tryIt().value(QStringLiteral("technicians")).toArray().at(1).toObject();
    }
    static QJsonObject member(int i)
    {
        return test::TestNetwork::get().tryIt().value(QStringLiteral("members")).toArray().at(i).toObject();
    }
};

class Setup : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::unique_ptr<KioskEngine> engine;
    std::unique_ptr<EngineBridge> bridge;
    SimulatedHardware hw;
    std::unique_ptr<KioskController> controller;
    std::unique_ptr<MaintenanceController> maintenance;
    Harness harness;

public slots:
    void applicationAvailable()
    {
        KioskConfig cfg = test::TestNetwork::get().kioskConfig(QStringLiteral("west-rb1"), 2, dir.path());
        engine = std::make_unique<KioskEngine>(cfg);
        engine->start();
        QSignalSpy synced(engine.get(), &KioskEngine::cacheSynced);
        if (!synced.wait(60000))
            qWarning("the kiosk's cache did not sync");
        bridge = std::make_unique<EngineBridge>(engine.get());
        hw.setLatencyMs(5);
        QSet<int> filled;
        for (const CachedDisc &d : engine->cache().discs())
            if (d.status == QLatin1String("in"))
                filled.insert(d.slot);
        hw.setOccupied(filled);
        controller = std::make_unique<KioskController>(bridge.get(), &hw);
        KioskController::setInstance(controller.get());
        maintenance = std::make_unique<MaintenanceController>(bridge.get(), &hw, controller.get());
        MaintenanceController::setInstance(maintenance.get());
        harness.hw = &hw;
        if (!QTest::qWaitFor([&] { return controller->catalog()->rowCount() > 0; }, 20000))
            qWarning("the kiosk's catalog is still empty");
        qmlRegisterSingletonInstance("RedboxTest", 1, 0, "Harness", &harness);
    }
    void qmlEngineAvailable(QQmlEngine *engine_)
    {
        engine_->addImportPath(QStringLiteral("qrc:/qt/qml"));
    }
    void cleanupTestCase()
    {
        maintenance.reset();
        controller.reset();
        bridge.reset();
        engine.reset();
    }
};

QUICK_TEST_MAIN_WITH_SETUP(tst_screens, Setup)
#include "tst_screens.moc"

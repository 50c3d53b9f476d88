// Qt Quick Test of each screen, offscreen: the screens get a real
// KioskController (engine on the test network, simulated hardware), exposed
// as the QML singleton exactly as the app does, plus a small "Harness"
// object for what a test needs to do to the hardware.
#include "kioskrig.h"
#include "testnetwork.h"

#include <QQmlEngine>
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
    std::unique_ptr<test::KioskRig> kiosk;
    Harness harness;

public slots:
    void applicationAvailable()
    {
        try {
            kiosk = std::make_unique<test::KioskRig>(QStringLiteral("west-rb1"), 2, 15000);
        } catch (const std::exception &e) {
            qFatal("the screens' kiosk could not start: %s", e.what());
        }
        KioskController::setInstance(kiosk->ctl.get());
        MaintenanceController::setInstance(kiosk->m.get());
        harness.hw = &kiosk->hw;
        qmlRegisterSingletonInstance("RedboxTest", 1, 0, "Harness", &harness);
    }
    void qmlEngineAvailable(QQmlEngine *engine) { engine->addImportPath(QStringLiteral("qrc:/qt/qml")); }
    void cleanupTestCase() { kiosk.reset(); }
};

QUICK_TEST_MAIN_WITH_SETUP(tst_screens, Setup)
#include "tst_screens.moc"

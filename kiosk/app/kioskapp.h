// The kiosk app assembled: configuration, the engine on its own thread, the
// hardware, the controller, the QML engine with the screens, translations.
// main() is a thin wrapper around this; the end-to-end tests build the same.
#pragma once

#include "backend/enginebridge.h"
#include "controllers/kioskcontroller.h"
#include "hardware/kioskhardware.h"
#include "maintenance/maintenancecontroller.h"

#include <QObject>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QThread>
#include <QTranslator>

#include <memory>

namespace redbox {

class DevicePanel;
class KeyboardWedge;

struct KioskAppOptions {
    QString configPath;
    QString hardware = QStringLiteral("simulated");   // "simulated" or "serial:/dev/ttyXXX"
    bool fullscreen = false;
    QString orientation;   // override the configuration's
    int idleTimeoutMs = 60'000;
    // "keyboard": cards and discs typed on the keyboard (as USB readers do) reach the simulated
    // hardware's card reader and return slot; "" : only the hardware's own.
    QString cardReader;
    // A network's try-it.json: a device panel window plays the simulated hardware (devicepanel.h).
    QString devicePanel;
};

class KioskApp : public QObject {
    Q_OBJECT
public:
    explicit KioskApp(KioskAppOptions options, QObject *parent = nullptr);
    ~KioskApp() override;

    // Loads and validates everything; throws ConfigError / CacheError / std::runtime_error.
    void start(const KioskConfig *configOverride = nullptr);

    KioskEngine *engine() const { return m_engine; }
    EngineBridge *bridge() const { return m_bridge.get(); }
    KioskController *controller() const { return m_controller.get(); }
    MaintenanceController *maintenance() const { return m_maintenance.get(); }
    // The hardware as the kiosk uses it (every request with a deadline), and the device behind it.
    KioskHardware *hardware() const { return m_hardware.get(); }
    KioskHardware *device() const { return m_device.get(); }
    QQmlApplicationEngine *qml() const { return m_qml.get(); }
    QQuickWindow *window() const;

private:
    void setLanguage(const QString &language);

    KioskAppOptions m_options;
    QThread m_engineThread;
    KioskEngine *m_engine = nullptr;
    std::unique_ptr<EngineBridge> m_bridge;
    std::unique_ptr<KioskHardware> m_device;
    std::unique_ptr<KioskHardware> m_hardware;
    std::unique_ptr<KeyboardWedge> m_wedge;
    std::unique_ptr<DevicePanel> m_panel;
    std::unique_ptr<KioskController> m_controller;
    std::unique_ptr<MaintenanceController> m_maintenance;
    std::unique_ptr<QQmlApplicationEngine> m_qml;
    QTranslator m_translator;
};

}   // namespace redbox

// The kiosk app assembled (see kioskapp.h).
#include "app/kioskapp.h"

#include "app/devicepanel.h"
#include "app/keyboardwedge.h"
#include "core/crossthread.h"
#include "hardware/guardedhardware.h"
#include "hardware/serialhardware.h"
#include "hardware/simulatedhardware.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QQuickWindow>
#include <QSemaphore>

#include <stdexcept>

namespace redbox {

namespace {

DeviceDeadlines deviceDeadlines(const KioskConfig &c)
{
    DeviceDeadlines d;
    d.dispenseMs = c.dispenseTimeoutMs;
    d.storeMs = c.storeTimeoutMs;
    d.ejectMs = c.ejectTimeoutMs;
    d.paymentMs = c.paymentTimeoutMs;
    d.selfTestMs = c.selfTestTimeoutMs;
    d.clearJamMs = c.clearJamTimeoutMs;
    d.statusMs = c.statusTimeoutMs;
    return d;
}

}   // namespace

KioskApp::KioskApp(KioskAppOptions options, QObject *parent) : QObject(parent), m_options(std::move(options)) {}

KioskApp::~KioskApp()
{
    m_qml.reset();
    m_maintenance.reset();
    m_controller.reset();
    if (m_engine) {
        // The engine lives on its thread: stop and delete it there.
        postTo(
            m_engine,
            [e = m_engine] {
                e->stop();
                delete e;
            },
            Qt::BlockingQueuedConnection);
        m_engine = nullptr;
    }
    m_engineThread.quit();
    m_engineThread.wait();
}

void KioskApp::start(const KioskConfig *configOverride)
{
    KioskConfig config = configOverride ? *configOverride : KioskConfig::load(m_options.configPath);
    if (!m_options.orientation.isEmpty())
        config.orientation = m_options.orientation;

    // The engine (network, SQLite) runs on its own thread; the GUI thread only posts to it.
    m_engineThread.setObjectName(QStringLiteral("kiosk-engine"));
    m_engineThread.start();
    m_engine = new KioskEngine(config);
    m_engine->moveToThread(&m_engineThread);
    std::exception_ptr failure;
    postTo(
        m_engine,
        [this, &failure] {
            try {
                m_engine->start();
            } catch (...) {
                failure = std::current_exception();
            }
        },
        Qt::BlockingQueuedConnection);
    if (failure)
        std::rethrow_exception(failure);
    m_bridge = std::make_unique<EngineBridge>(m_engine);

    if (m_options.hardware == QLatin1String("simulated")) {
        m_device = std::make_unique<SimulatedHardware>();
    } else if (m_options.hardware.startsWith(QLatin1String("serial:"))) {
        auto serial = std::make_unique<SerialHardware>(m_options.hardware.mid(7));
        QString error;
        if (!serial->open(&error))
            throw std::runtime_error(error.toStdString());
        m_device = std::move(serial);
    } else {
        throw ConfigError(QStringLiteral("--hardware must be \"simulated\" or \"serial:/dev/PORT\", not %1").arg(m_options.hardware));
    }
    m_hardware = std::make_unique<GuardedHardware>(m_device.get(), deviceDeadlines(config));

    m_controller = std::make_unique<KioskController>(m_bridge.get(), m_hardware.get());
    m_controller->setIdleTimeoutMs(m_options.idleTimeoutMs);
    m_controller->deviceWatch()->setAlertHandler(auditAlerts(m_bridge.get()));
    m_controller->setLanguageHandler([this](const QString &l) { setLanguage(l); });
    KioskController::setInstance(m_controller.get());
    m_maintenance = std::make_unique<MaintenanceController>(m_bridge.get(), m_bridge.get(), m_hardware.get(), m_controller.get());
    MaintenanceController::setInstance(m_maintenance.get());
    if (!m_options.cardReader.isEmpty()) {
        auto *sim = qobject_cast<SimulatedHardware *>(m_device.get());
        if (m_options.cardReader != QLatin1String("keyboard"))
            throw ConfigError(QStringLiteral("--card-reader must be \"keyboard\", not %1").arg(m_options.cardReader));
        if (!sim)
            throw ConfigError(
                QStringLiteral("--card-reader keyboard plays the simulated hardware's readers: use it with --hardware simulated"));
        m_wedge = std::make_unique<KeyboardWedge>([sim](const QByteArray &track) { sim->swipeCard(track); },
                                                  [sim](const QString &barcode) { sim->insertDisc(barcode); });
        QCoreApplication::instance()->installEventFilter(m_wedge.get());
    }
    if (!m_options.devicePanel.isEmpty()) {
        auto *sim = qobject_cast<SimulatedHardware *>(m_device.get());
        if (!sim)
            throw ConfigError(QStringLiteral("--device-panel plays the simulated hardware: use it with --hardware simulated"));
        m_panel = std::make_unique<DevicePanel>(sim, DevicePanel::loadTestCards(m_options.devicePanel));
    }
    if (auto *sim = qobject_cast<SimulatedHardware *>(m_device.get())) {
        // The simulated carousel holds the discs the cache says are in.
        EngineBridge *bridge = m_bridge.get();
        sim->followRecords([bridge](std::function<void(QHash<int, QString>)> done) { bridge->slotContents(std::move(done)); });
        connect(bridge, &KioskBackend::catalogChanged, sim, &SimulatedHardware::refreshFromRecords);
    }
    setLanguage(config.language);

    m_qml = std::make_unique<QQmlApplicationEngine>();
    m_qml->addImportPath(QStringLiteral("qrc:/qt/qml"));
    bool failed = false;
    connect(
        m_qml.get(), &QQmlApplicationEngine::objectCreationFailed, this, [&failed] { failed = true; }, Qt::DirectConnection);
    m_qml->load(QUrl(QStringLiteral("qrc:/qt/qml/Redbox/Screens/Main.qml")));
    if (failed || m_qml->rootObjects().isEmpty())
        throw std::runtime_error("the kiosk's screens could not be loaded (see the QML errors above)");
    if (QQuickWindow *w = window()) {
        const bool landscape = config.orientation == QLatin1String("landscape");
        w->resize(landscape ? QSize(1920, 1080) : QSize(1080, 1920));
        // Shown only now, so a kiosk's first frame is already fullscreen (tst_cage).
        if (m_options.fullscreen)
            w->showFullScreen();
        else
            w->show();
        if (m_panel) {
            m_qml->setInitialProperties({{QStringLiteral("panel"), QVariant::fromValue<QObject *>(m_panel.get())},
                                         {QStringLiteral("x"), w->x() + w->width() + 8},
                                         {QStringLiteral("y"), w->y()}});
            m_qml->load(QUrl(QStringLiteral("qrc:/qt/qml/Redbox/Screens/DevicePanel.qml")));
            if (failed || m_qml->rootObjects().size() < 2)
                throw std::runtime_error("the device panel could not be loaded (see the QML errors above)");
        }
    }
}

QQuickWindow *KioskApp::window() const
{
    return m_qml && !m_qml->rootObjects().isEmpty() ? qobject_cast<QQuickWindow *>(m_qml->rootObjects().first()) : nullptr;
}

void KioskApp::setLanguage(const QString &language)
{
    QCoreApplication::removeTranslator(&m_translator);
    if (language != QLatin1String("en") && m_translator.load(QStringLiteral(":/i18n/redbox_%1.qm").arg(language)))
        QCoreApplication::installTranslator(&m_translator);
    if (m_qml)
        m_qml->retranslate();
}

}   // namespace redbox

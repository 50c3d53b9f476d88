// redbox-kiosk: the kiosk app. A thin wrapper: options, then KioskApp.
#include "app/kioskapp.h"
#include "cache/cachestore.h"
#include "core/logbuffer.h"
#include "core/quitonsignal.h"
#include "core/servicenotifier.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QLoggingCategory>

#include <cstdio>

Q_LOGGING_CATEGORY(lcApp, "redbox.kiosk.app", QtInfoMsg)

int main(int argc, char **argv)
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    // The on-screen keyboard is Qt Virtual Keyboard.
    qputenv("QT_IM_MODULE", QByteArrayLiteral("qtvirtualkeyboard"));
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-dd hh:mm:ss.zzz} %{category} %{type}: %{message}"));
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("redbox-kiosk"));
    QGuiApplication::setApplicationVersion(QStringLiteral(REDBOX_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The Redbox kiosk: customers rent and return DVDs."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configOpt(QStringLiteral("config"), QStringLiteral("The kiosk's configuration file."), QStringLiteral("file"));
    const QCommandLineOption hwOpt(QStringLiteral("hardware"), QStringLiteral("\"simulated\" (default) or \"serial:/dev/PORT\"."),
                                   QStringLiteral("kind"), QStringLiteral("simulated"));
    const QCommandLineOption fullOpt(QStringLiteral("fullscreen"), QStringLiteral("Fill the screen (a real kiosk)."));
    const QCommandLineOption orientOpt(QStringLiteral("orientation"), QStringLiteral("portrait or landscape (overrides the file)."),
                                       QStringLiteral("o"));
    const QCommandLineOption idleOpt(QStringLiteral("idle-timeout"),
                                     QStringLiteral("Seconds untouched before the attract loop (default 60)."), QStringLiteral("s"),
                                     QStringLiteral("60"));
    const QCommandLineOption readerOpt(
        QStringLiteral("card-reader"),
        QStringLiteral("\"keyboard\": type a card's track (;NUMBER=YYMM? Enter) or a disc's barcode (D + 12 digits, Enter) to "
                       "play the simulated card reader and return slot, as USB readers that type do."),
        QStringLiteral("kind"));
    const QCommandLineOption panelOpt(
        QStringLiteral("device-panel"),
        QStringLiteral("A window beside the kiosk's that plays the simulated hardware: swipe the test cards of FILE (the network's "
                       "try-it.json), put a dispensed disc back, jam the dispenser, unplug the device."),
        QStringLiteral("file"));
    parser.addOptions({configOpt, hwOpt, fullOpt, orientOpt, idleOpt, readerOpt, panelOpt});
    parser.process(app);
    if (!parser.isSet(configOpt)) {
        std::fprintf(stderr, "redbox-kiosk: --config FILE is required (redbox-net up writes one per kiosk in STATE/kiosks/)\n");
        return 2;
    }
    bool ok = false;
    const int idle = parser.value(idleOpt).toInt(&ok);
    if (!ok || idle < 5 || idle > 3600) {
        std::fprintf(stderr, "redbox-kiosk: --idle-timeout must be 5-3600 seconds\n");
        return 2;
    }
    if (parser.isSet(orientOpt) && parser.value(orientOpt) != QLatin1String("portrait") &&
        parser.value(orientOpt) != QLatin1String("landscape")) {
        std::fprintf(stderr, "redbox-kiosk: --orientation must be portrait or landscape\n");
        return 2;
    }
    redbox::KioskAppOptions options;
    options.configPath = parser.value(configOpt);
    options.hardware = parser.value(hwOpt);
    options.fullscreen = parser.isSet(fullOpt);
    options.orientation = parser.value(orientOpt);
    options.idleTimeoutMs = idle * 1000;
    options.cardReader = parser.value(readerOpt);
    options.devicePanel = parser.value(panelOpt);
    redbox::LogBuffer::install();   // a technician's diagnostics bundle carries the last lines (scrubbed)
    redbox::KioskApp kiosk(options);
    try {
        kiosk.start();
    } catch (const redbox::ConfigError &e) {
        std::fprintf(stderr, "redbox-kiosk: configuration: %s\n", qPrintable(e.message()));
        return 2;
    } catch (const redbox::CacheError &e) {
        std::fprintf(stderr, "redbox-kiosk: cache: %s\n", qPrintable(e.message()));
        return 3;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "redbox-kiosk: %s\n", e.what());
        return 1;
    }
    // Under systemd (deploy/systemd/redbox-kiosk.service): the watchdog is pinged from this,
    // the GUI thread's event loop, so a hung GUI is restarted like a dead one.
    redbox::ServiceNotifier service;
    QObject::connect(&app, &QCoreApplication::aboutToQuit, &service, &redbox::ServiceNotifier::stopping);
    try {
        redbox::quitOnTerminationSignals();   // systemd stops it with SIGTERM: quit cleanly
    } catch (const std::exception &e) {
        std::fprintf(stderr, "redbox-kiosk: %s\n", e.what());
        return 1;
    }
    // The first frame on screen: the attract loop is interactive from here on.
    if (QQuickWindow *w = kiosk.window()) {
        QObject::connect(
            w, &QQuickWindow::frameSwapped, w,
            [&sinceStart, &service] {
                qCInfo(lcApp, "first frame %lld ms after start", static_cast<long long>(sinceStart.elapsed()));
                service.ready(QStringLiteral("attract loop on screen"));
            },
            Qt::SingleShotConnection);
    }
    return app.exec();
}

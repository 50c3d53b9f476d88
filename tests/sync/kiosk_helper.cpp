// A kiosk process for tests that kill one mid-way (kill -9): it syncs the
// cache, or replays the offline outbox, of a kiosk whose files are in a given
// folder, then exits. Usage: kiosk_helper sync|replay NODE KIOSK STORAGE [PAGE]
#include "kioskcore/kioskengine.h"
#include "testnetwork.h"

#include <QCoreApplication>
#include <QTimer>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 5) {
        std::fprintf(stderr, "usage: kiosk_helper sync|replay NODE KIOSK STORAGE [PAGE]\n");
        return 2;
    }
    redbox::KioskConfig cfg = redbox::test::TestNetwork::get().kioskConfig(args[2], args[3].toInt(), args[4]);
    if (args.size() > 5)
        cfg.cachePageSize = args[5].toInt();
    redbox::KioskEngine engine(cfg);
    if (args[1] == QLatin1String("sync")) {
        QObject::connect(&engine, &redbox::KioskEngine::cacheSynced, &app, &QCoreApplication::quit);
    } else {
        QObject::connect(&engine, &redbox::KioskEngine::outboxReplayed, &app, &QCoreApplication::quit);
    }
    QTimer::singleShot(120'000, &app, [] { QCoreApplication::exit(3); });
    engine.start();
    return app.exec();
}

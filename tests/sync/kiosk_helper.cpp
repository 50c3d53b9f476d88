// A kiosk process for tests that kill one mid-way (kill -9), or run one under
// a clock of its own (faketime): it syncs the cache, or replays the offline
// outbox, of a kiosk whose files are in a given folder, then exits; or signs a
// member in and rents one disc, printing the clock skew it measured.
// Usage: kiosk_helper sync|replay NODE KIOSK STORAGE [PAGE]
//        kiosk_helper rent NODE KIOSK STORAGE CARDHASH PIN BARCODE
//        kiosk_helper beat NODE KIOSK STORAGE SECONDS HEARTBEAT_S   (runs, beating, for SECONDS)
#include "enginecalls.h"
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
    if (args[1] == QLatin1String("rent")) {
        if (args.size() != 8) {
            std::fprintf(stderr, "usage: kiosk_helper rent NODE KIOSK STORAGE CARDHASH PIN BARCODE\n");
            return 2;
        }
        redbox::KioskEngine engine(cfg);
        engine.start();
        try {
            using namespace redbox;
            test::waitSynced(engine);
            const MemberInfo m = test::signedIn(engine, args[5], args[6]);
            const RentResult r = test::rent(engine, m, args[7]);
            engine.dispensed(r.rentalId);
            QTest::qWait(500);
            std::printf("skew_ms=%lld offline=%d failure=%s message=%s\n", static_cast<long long>(engine.health().clockSkewMs.value_or(0)),
                        r.offline ? 1 : 0, qPrintable(failureName(r.failure)), qPrintable(r.message));
            return 0;
        } catch (const std::exception &e) {
            std::fprintf(stderr, "kiosk_helper rent: %s\n", e.what());
            return 1;
        }
    }
    if (args[1] == QLatin1String("beat")) {
        bool okRun = false;
        bool okBeat = false;
        const int seconds = args.value(5).toInt(&okRun);
        cfg.heartbeatEveryS = args.value(6).toInt(&okBeat);
        if (args.size() != 7 || !okRun || !okBeat || seconds < 1 || cfg.heartbeatEveryS < 1) {
            std::fprintf(stderr, "usage: kiosk_helper beat NODE KIOSK STORAGE SECONDS HEARTBEAT_S\n");
            return 2;
        }
        redbox::KioskEngine engine(cfg);
        engine.start();
        std::printf("kiosk %s beating every %d s for %d s\n", qPrintable(cfg.kioskId), cfg.heartbeatEveryS, seconds);
        std::fflush(stdout);
        QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
        return app.exec();
    }
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

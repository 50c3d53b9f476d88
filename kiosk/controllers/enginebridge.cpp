// The bridge between the screens and the engine (see enginebridge.h).
#include "controllers/enginebridge.h"

#include "crypto/crypto.h"

#include <QElapsedTimer>

namespace redbox {

EngineBridge::EngineBridge(KioskEngine *engine, QObject *parent)
    : QObject(parent), m_engine(engine), m_config(engine->config())
{
    connect(engine, &KioskEngine::healthChanged, this, [this](const KioskHealth &h) {
        m_health = h;
        emit healthChanged(h);
    });
    connect(engine, &KioskEngine::cacheSynced, this, &EngineBridge::cacheSynced);
    connect(engine, &KioskEngine::catalogChanged, this, &EngineBridge::catalogChanged);
    connect(engine, &KioskEngine::cacheProgress, this, &EngineBridge::cacheProgress);
}

void EngineBridge::lookupMember(const QString &cardHash, std::function<void(Lookup)> done)
{
    const QUuid id = QUuid::createUuid();
    QElapsedTimer t;
    t.start();
    record({QStringLiteral("lookup"), id, QStringLiteral("invoked"), {}, {}, {}, 0, false, 0});
    async<Lookup>([cardHash](KioskEngine &e, std::function<void(Lookup)> cb) {
        e.lookupMember(cardHash, [cb](std::optional<MemberInfo> m, Failure f, QString msg) { cb(Lookup{std::move(m), f, std::move(msg)}); });
    }, [this, id, t, done](Lookup r) {
        record({QStringLiteral("lookup"), id, r.member ? QStringLiteral("ok") : QStringLiteral("failed"), failureName(r.failure),
                r.member ? r.member->source : r.message, {}, r.member ? r.member->memberId : 0, false, t.elapsed()});
        done(std::move(r));
    });
}

void EngineBridge::checkPin(const MemberInfo &member, const QString &pin, std::function<void(bool)> done)
{
    run<bool>([member, pin](KioskEngine &) { return KioskEngine::checkPin(member, pin); }, std::move(done));
}

void EngineBridge::rent(const RentRequest &request, std::function<void(RentResult)> done)
{
    QElapsedTimer t;
    t.start();
    const qint64 member = request.member.memberId;
    record({QStringLiteral("rent"), request.rentalId, QStringLiteral("invoked"), {}, {}, request.barcode, member, false, 0});
    async<RentResult>([request](KioskEngine &e, std::function<void(RentResult)> cb) { e.rent(request, cb); },
                      [this, request, member, t, done](RentResult r) {
                          const QString phase = r.failure == Failure::None ? QStringLiteral("ok")
                              : r.failure == Failure::InDoubt ? QStringLiteral("unknown") : QStringLiteral("failed");
                          record({QStringLiteral("rent"), request.rentalId, phase, failureName(r.failure), r.message,
                                  request.barcode, member, r.offline, t.elapsed()});
                          done(std::move(r));
                      });
}

void EngineBridge::dispensed(const QUuid &rentalId)
{
    record({QStringLiteral("dispense"), rentalId, QStringLiteral("ok"), {}, {}, {}, 0, false, 0});
    QMetaObject::invokeMethod(m_engine, [engine = QPointer<KioskEngine>(m_engine), rentalId] {
        if (engine)
            engine->dispensed(rentalId);
    }, Qt::QueuedConnection);
}

void EngineBridge::voidRental(const QUuid &rentalId, const QString &barcode, int slot, bool damaged, const QString &reason,
                              std::function<void(bool)> done)
{
    QElapsedTimer t;
    t.start();
    record({QStringLiteral("void"), rentalId, QStringLiteral("invoked"), {}, reason, barcode, 0, false, 0});
    async<std::pair<bool, QString>>([=](KioskEngine &e, std::function<void(std::pair<bool, QString>)> cb) {
        e.voidRental(rentalId, barcode, slot, damaged, reason, [cb](bool ok, QString msg) { cb({ok, msg}); });
    }, [this, rentalId, barcode, t, done](std::pair<bool, QString> r) {
        record({QStringLiteral("void"), rentalId, r.first ? QStringLiteral("ok") : QStringLiteral("failed"), {}, r.second,
                barcode, 0, r.second == QLatin1String("kept offline"), t.elapsed()});
        done(r.first);
    });
}

void EngineBridge::returnDisc(const ReturnRequest &request, std::function<void(ReturnResult)> done)
{
    QElapsedTimer t;
    t.start();
    record({QStringLiteral("return"), request.returnId, QStringLiteral("invoked"), {}, {}, request.barcode, 0, false, 0});
    async<ReturnResult>([request](KioskEngine &e, std::function<void(ReturnResult)> cb) { e.returnDisc(request, cb); },
                        [this, request, t, done](ReturnResult r) {
                            record({QStringLiteral("return"), request.returnId,
                                    r.failure == Failure::None ? QStringLiteral("ok") : QStringLiteral("failed"),
                                    failureName(r.failure), r.rentalId.isNull() ? r.message : r.rentalId.toString(QUuid::WithoutBraces),
                                    request.barcode, 0, r.offline, t.elapsed()});
                            done(std::move(r));
                        });
}

QString EngineBridge::cardHashFor(const QString &cardNumber) const
{
    return m_engine->cardHashFor(cardNumber);   // pure computation with a key read at start
}

} // namespace redbox

// The bridge between the screens and the engine (see enginebridge.h).
#include "controllers/enginebridge.h"

#include "crypto/crypto.h"

namespace redbox {

EngineBridge::EngineBridge(KioskEngine *engine, QObject *parent)
    : QObject(parent), m_engine(engine), m_config(engine->config())
{
    connect(engine, &KioskEngine::healthChanged, this, [this](const KioskHealth &h) {
        m_health = h;
        emit healthChanged(h);
    });
    connect(engine, &KioskEngine::cacheSynced, this, &EngineBridge::cacheSynced);
    connect(engine, &KioskEngine::cacheProgress, this, &EngineBridge::cacheProgress);
}

void EngineBridge::lookupMember(const QString &cardHash, std::function<void(Lookup)> done)
{
    async<Lookup>([cardHash](KioskEngine &e, std::function<void(Lookup)> cb) {
        e.lookupMember(cardHash, [cb](std::optional<MemberInfo> m, Failure f, QString msg) { cb(Lookup{std::move(m), f, std::move(msg)}); });
    }, std::move(done));
}

void EngineBridge::checkPin(const MemberInfo &member, const QString &pin, std::function<void(bool)> done)
{
    run<bool>([member, pin](KioskEngine &) { return KioskEngine::checkPin(member, pin); }, std::move(done));
}

void EngineBridge::rent(const RentRequest &request, std::function<void(RentResult)> done)
{
    async<RentResult>([request](KioskEngine &e, std::function<void(RentResult)> cb) { e.rent(request, cb); }, std::move(done));
}

void EngineBridge::voidRental(const QUuid &rentalId, const QString &barcode, int slot, bool damaged, const QString &reason,
                              std::function<void(bool)> done)
{
    async<bool>([=](KioskEngine &e, std::function<void(bool)> cb) {
        e.voidRental(rentalId, barcode, slot, damaged, reason, [cb](bool ok, QString) { cb(ok); });
    }, std::move(done));
}

void EngineBridge::returnDisc(const ReturnRequest &request, std::function<void(ReturnResult)> done)
{
    async<ReturnResult>([request](KioskEngine &e, std::function<void(ReturnResult)> cb) { e.returnDisc(request, cb); }, std::move(done));
}

QString EngineBridge::cardHashFor(const QString &cardNumber) const
{
    return m_engine->cardHashFor(cardNumber);   // pure computation with a key read at start
}

} // namespace redbox

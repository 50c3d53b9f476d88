// The kiosk's screens talk to the engine through this bridge: calls hop to
// the engine's thread (where the network and disk work happens), answers hop
// back to the caller's thread. The kiosk app runs the engine on a worker
// thread; the simulator runs many engines and their bridges on one thread.
// Either way nothing the screens call ever blocks.
#pragma once

#include "cache/cachestore.h"
#include "kioskcore/kioskengine.h"

#include <QObject>
#include <QPointer>

#include <functional>

namespace redbox {

class EngineBridge : public QObject {
    Q_OBJECT
public:
    explicit EngineBridge(KioskEngine *engine, QObject *parent = nullptr);

    KioskEngine *engine() const { return m_engine; }
    const KioskConfig &config() const { return m_config; }
    KioskHealth health() const { return m_health; }

    // Runs WORK with the engine in its thread, then DONE with the result in ours.
    template <typename R>
    void run(std::function<R(KioskEngine &)> work, std::function<void(R)> done)
    {
        QPointer<EngineBridge> self(this);
        QPointer<KioskEngine> engine(m_engine);
        QMetaObject::invokeMethod(m_engine, [self, engine, work, done]() {
            if (!engine)
                return;
            R result = work(*engine);
            if (self)
                QMetaObject::invokeMethod(self.data(), [self, done, result]() { if (self) done(result); }, Qt::QueuedConnection);
        }, Qt::QueuedConnection);
    }
    // Runs an asynchronous engine operation; its callback's value comes back in our thread.
    template <typename R>
    void async(std::function<void(KioskEngine &, std::function<void(R)>)> op, std::function<void(R)> done)
    {
        QPointer<EngineBridge> self(this);
        QPointer<KioskEngine> engine(m_engine);
        QMetaObject::invokeMethod(m_engine, [self, engine, op, done]() {
            if (!engine)
                return;
            op(*engine, [self, done](R result) {
                if (self)
                    QMetaObject::invokeMethod(self.data(), [self, done, result]() { if (self) done(result); }, Qt::QueuedConnection);
            });
        }, Qt::QueuedConnection);
    }

    // Every call the screens make, as it starts and as it ends, for whoever keeps a history of
    // them (the simulator traces each rental by its id). Runs in the bridge's thread.
    struct CallRecord {
        QString kind;          // lookup | rent | void | return
        QUuid id;              // the rental's, the return's (lookups: a fresh id)
        QString phase;         // invoked | ok | failed | unknown (the answer did not settle it)
        QString failure;       // failureName() when failed
        QString detail;
        QString barcode;
        qint64 memberId = 0;
        bool offline = false;  // kept in the kiosk's outbox
        qint64 latencyMs = 0;  // ended - invoked
    };
    void setRecorder(std::function<void(const CallRecord &)> recorder) { m_recorder = std::move(recorder); }

    struct Lookup {
        std::optional<MemberInfo> member;
        Failure failure = Failure::None;
        QString message;
    };
    void lookupMember(const QString &cardHash, std::function<void(Lookup)> done);
    void checkPin(const MemberInfo &member, const QString &pin, std::function<void(bool)> done);
    void rent(const RentRequest &request, std::function<void(RentResult)> done);
    void voidRental(const QUuid &rentalId, const QString &barcode, int slot, bool damaged, const QString &reason,
                    std::function<void(bool)> done);
    void returnDisc(const ReturnRequest &request, std::function<void(ReturnResult)> done);
    void dispensed(const QUuid &rentalId);
    QString cardHashFor(const QString &cardNumber) const;

signals:
    void healthChanged(const redbox::KioskHealth &health);
    void cacheSynced();
    void catalogChanged();
    void cacheProgress(qint64 done, qint64 total);

private:
    void record(const CallRecord &r) const
    {
        if (m_recorder)
            m_recorder(r);
    }
    std::function<void(const CallRecord &)> m_recorder;
    KioskEngine *m_engine;
    KioskConfig m_config;
    KioskHealth m_health;
};

} // namespace redbox

// One full simulated kiosk: the real kiosk minus its screen. Its own engine
// (SQLite cache, durable outbox, connections), the same EngineBridge and
// KioskController the touchscreen drives, simulated hardware; customers
// arrive at random (the scenario's rate) and each visit is a script of taps,
// swipes and discs against the controller, as a person at the screen would
// do it. Everything lives in one thread, event-driven: many kiosks share a
// thread, none blocks it.
#pragma once

#include "backend/enginebridge.h"
#include "controllers/kioskcontroller.h"
#include "hardware/guardedhardware.h"
#include "hardware/simulatedhardware.h"
#include "kioskcore/kioskengine.h"
#include "sim/scenario.h"
#include "sim/timemachine.h"
#include "sim/world.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <random>

namespace redbox::sim {

struct VisitPlan {
    enum class Kind { Rent, Return, UnknownCard };
    Kind kind = Kind::Rent;
    SimMember member;
    int titles = 1;
    bool wrongPin = false;
    bool declined = false;
    bool jam = false;
    bool promo = false;   // types the scenario's promo code before paying
    bool buy = false;   // also buys a disc of a title on sale
    int lostAnswers = 0;   // the device's next answers lost (the payment's, then the first dispense's)
    int lateDays = 0;   // a late returner: brings these discs back this many days after renting them
    QList<Holding> returning;
};

struct KioskStats {
    qint64 visits = 0;
    qint64 rentVisits = 0;
    qint64 walkUpVisits = 0;   // of the rent visits: a walk-up card
    qint64 promoTries = 0;   // of the rent visits that got to the summary: a promo code typed
    qint64 promoApplied = 0;   // of those: HQ granted it (a card's first use)
    qint64 buyTries = 0;   // of the rent visits: a disc on sale put in the cart to buy
    qint64 bought = 0;   // discs bought and dispensed (they are never returned)
    qint64 lostAnswers = 0;   // of the rent visits that paid: device answers lost on the way
    qint64 returnVisits = 0;
    qint64 unknownCardVisits = 0;
    qint64 walkedAway = 0;   // arrived while the queue was full
    qint64 noMember = 0;   // every member of this kiosk was at their plan's limit
    qint64 stuck = 0;   // a visit that waited for the screen longer than the deadline
    qint64 lateReturns = 0;   // discs returned days late (their rentals moved back by the time machine)
    qint64 lateOnTime = 0;   // a late returner's discs whose rentals were still on their way: returned on time
    qint64 carriedAway = 0;   // discs taken to another kiosk to return
    int maxOutbox = 0;

    KioskStats &operator+=(const KioskStats &o)
    {
        visits += o.visits;
        rentVisits += o.rentVisits;
        walkUpVisits += o.walkUpVisits;
        promoTries += o.promoTries;
        promoApplied += o.promoApplied;
        buyTries += o.buyTries;
        bought += o.bought;
        lostAnswers += o.lostAnswers;
        returnVisits += o.returnVisits;
        unknownCardVisits += o.unknownCardVisits;
        walkedAway += o.walkedAway;
        noMember += o.noMember;
        stuck += o.stuck;
        lateReturns += o.lateReturns;
        lateOnTime += o.lateOnTime;
        carriedAway += o.carriedAway;
        maxOutbox = std::max(maxOutbox, o.maxOutbox);
        return *this;
    }
};

// A simulated kiosk's configuration: the network's file for it, with its files in STORAGE.
KioskConfig simKioskConfig(const SimKioskRef &ref, const QString &storage, int offlineAfterMs);

class SimKiosk : public QObject {
    Q_OBJECT
public:
    using Recorder = std::function<void(const QJsonObject &)>;
    SimKiosk(SimKioskRef ref, KioskConfig config, World *world, const Scenario &scenario, Recorder recorder, QObject *parent = nullptr);
    ~SimKiosk() override;

    // Starts the engine (opens or rebuilds its files; throws when it cannot); ready() follows
    // the first completed cache sync.
    void boot();
    void startCustomers(qint64 untilEpochMs);
    // Late returners' rentals are moved back by TIME before they come back (none: they come on time).
    void setTimeMachine(TimeMachine *time) { m_time = time; }
    void stopCustomers();

    const SimKioskRef &ref() const { return m_ref; }
    bool isReady() const { return m_ready; }
    bool inVisit() const { return m_visitActive; }
    qint64 bootMs() const { return m_bootMs; }
    KioskHealth health() const { return m_bridge ? m_bridge->health() : KioskHealth{}; }
    KioskStats stats() const { return m_stats; }
    int outboxDepth() const { return health().outboxDepth; }
    KioskEngine *engine() const { return m_engine.get(); }

signals:
    void ready();
    void visitFinished();

private:
    void scheduleArrival();
    void arrive();
    std::optional<VisitPlan> plan();
    void startVisit(VisitPlan plan);
    void endVisit(const QString &outcome);

    // The visit's script: wait for a state of the screen, then act.
    void expect(std::function<bool()> condition, std::function<void()> then, int deadlineMs = 90'000);
    void evaluate();
    void think(std::function<void()> next);
    void rentStep();
    void swipeStep();
    void pinStep(bool wrongFirst);
    void payStep();
    void payNow();
    void passDays(std::function<void()> then);
    void returnStep(int index);
    QByteArray track(const QString &card) const;

    SimKioskRef m_ref;
    KioskConfig m_config;
    World *m_world;
    TimeMachine *m_time = nullptr;
    Scenario m_scenario;
    Recorder m_recorder;
    std::unique_ptr<KioskEngine> m_engine;
    std::unique_ptr<EngineBridge> m_bridge;
    std::unique_ptr<SimulatedHardware> m_hw;
    std::unique_ptr<GuardedHardware> m_guard;   // what the controller uses: deadlines on m_hw
    std::unique_ptr<KioskController> m_ctrl;
    std::mt19937_64 m_rng;
    QTimer m_arrival;
    QTimer m_deadline;
    QElapsedTimer m_bootClock;
    qint64 m_bootMs = 0;
    qint64 m_until = 0;
    bool m_ready = false;
    bool m_customers = false;
    int m_queued = 0;
    KioskStats m_stats;

    // The visit in progress.
    bool m_visitActive = false;
    VisitPlan m_plan;
    std::function<bool()> m_condition;
    std::function<void()> m_then;
    bool m_rentalFinished = false;
    bool m_returnFinished = false;
    bool m_returnAccepted = false;
    QString m_lastReturnFailure;
};

}   // namespace redbox::sim

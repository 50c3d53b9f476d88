// One full simulated kiosk and its customers (see simkiosk.h).
#include "sim/simkiosk.h"

#include "core/cards.h"
#include "sim/history.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QThreadPool>

Q_LOGGING_CATEGORY(lcSimKiosk, "redbox.sim.kiosk", QtInfoMsg)

namespace redbox::sim {

KioskConfig simKioskConfig(const SimKioskRef &ref, const QString &storage, int offlineAfterMs)
{
    KioskConfig c = KioskConfig::load(ref.config);
    c.storageDir = storage;
    c.kioskKeyFile = storage + QStringLiteral("/kiosk.key");
    c.offlineAfterMs = offlineAfterMs;
    return c;
}

namespace {

quint64 stableHash(const QString &s)
{
    quint64 h = 1469598103934665603ULL;   // FNV-1a: the same in every process, unlike qHash
    for (const QChar c : s) {
        h ^= c.unicode();
        h *= 1099511628211ULL;
    }
    return h;
}

}   // namespace

SimKiosk::SimKiosk(SimKioskRef ref, KioskConfig config, World *world, const Scenario &scenario, Recorder recorder, QObject *parent)
    : QObject(parent),
      m_ref(std::move(ref)),
      m_config(std::move(config)),
      m_world(world),
      m_scenario(scenario),
      m_recorder(std::move(recorder)),
      m_rng(scenario.seed ^ stableHash(m_ref.id))
{
    m_arrival.setSingleShot(true);
    connect(&m_arrival, &QTimer::timeout, this, &SimKiosk::arrive);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (!m_visitActive)
            return;
        ++m_stats.stuck;
        qCWarning(lcSimKiosk) << m_ref.id << "visit stuck on screen" << static_cast<int>(m_ctrl->screen()) << m_ctrl->message();
        m_recorder(QJsonObject{{QStringLiteral("at"), static_cast<double>(QDateTime::currentMSecsSinceEpoch())},
                               {QStringLiteral("kiosk"), m_ref.id},
                               {QStringLiteral("kind"), QStringLiteral("event")},
                               {QStringLiteral("event"), QStringLiteral("visit stuck")},
                               {QStringLiteral("detail"), m_ctrl->message()}});
        m_ctrl->cancel();
        endVisit(QStringLiteral("stuck"));
    });
}

SimKiosk::~SimKiosk()
{
    m_ctrl.reset();
    m_hw.reset();
    m_bridge.reset();
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
}

void SimKiosk::boot()
{
    m_bootClock.start();
    m_engine = std::make_unique<KioskEngine>(m_config);
    m_engine->start();
    m_bridge = std::make_unique<EngineBridge>(m_engine.get());
    m_bridge->setRecorder([this](const EngineBridge::CallRecord &r) {
        if (r.kind == QLatin1String("return") && r.phase == QLatin1String("failed"))
            m_lastReturnFailure = r.failure;
        m_recorder(recordToJson(m_ref.id, m_ref.node, r));
    });
    m_hw = std::make_unique<SimulatedHardware>();
    m_hw->setLatencyMs(20);
    EngineBridge *bridge = m_bridge.get();
    m_hw->followRecords([bridge](std::function<void(QHash<int, QString>)> done) { bridge->slotContents(std::move(done)); });
    connect(bridge, &KioskBackend::catalogChanged, m_hw.get(), &SimulatedHardware::refreshFromRecords);
    // The simulated device answers in 20 ms: a few seconds is a long wait for it.
    DeviceDeadlines deadlines;
    deadlines.dispenseMs = deadlines.storeMs = deadlines.ejectMs = deadlines.paymentMs = 3000;
    deadlines.statusMs = 1000;
    m_guard = std::make_unique<GuardedHardware>(m_hw.get(), deadlines);
    m_ctrl = std::make_unique<KioskController>(m_bridge.get(), m_guard.get());
    m_ctrl->setIdleTimeoutMs(10 * 60'000);   // customers here never walk off mid-visit; the deadline catches a stuck one
    for (auto sig : {&KioskController::screenChanged, &KioskController::busyChanged, &KioskController::messageChanged,
                     &KioskController::progressChanged})
        connect(m_ctrl.get(), sig, this, &SimKiosk::evaluate);
    connect(m_ctrl->catalog(), &CatalogModel::loadingChanged, this, &SimKiosk::evaluate);
    connect(m_ctrl.get(), &KioskController::rentalFinished, this, [this] {
        m_rentalFinished = true;
        evaluate();
    });
    connect(m_ctrl.get(), &KioskController::returnFinished, this, [this](bool accepted) {
        m_returnFinished = true;
        m_returnAccepted = accepted;
        evaluate();
    });
    connect(m_bridge.get(), &EngineBridge::healthChanged, this,
            [this](const KioskHealth &h) { m_stats.maxOutbox = std::max(m_stats.maxOutbox, h.outboxDepth); });
    connect(m_bridge.get(), &EngineBridge::cacheSynced, this, [this] {
        if (m_ready)
            return;
        m_ready = true;
        m_bootMs = m_bootClock.elapsed();
        emit ready();
    });
}

void SimKiosk::startCustomers(qint64 untilEpochMs)
{
    m_until = untilEpochMs;
    m_customers = true;
    scheduleArrival();
}

void SimKiosk::stopCustomers()
{
    m_customers = false;
    m_arrival.stop();
    m_queued = 0;
}

void SimKiosk::scheduleArrival()
{
    std::exponential_distribution<double> gap(m_scenario.arrivalsPerKioskPerMin / 60.0);
    m_arrival.start(static_cast<int>(std::min(gap(m_rng) * 1000.0, 3'600'000.0)));
}

void SimKiosk::arrive()
{
    if (!m_customers || QDateTime::currentMSecsSinceEpoch() >= m_until)
        return;
    scheduleArrival();
    if (m_visitActive) {
        if (m_queued < 3)
            ++m_queued;
        else
            ++m_stats.walkedAway;
        return;
    }
    if (auto p = plan())
        startVisit(*p);
}

std::optional<VisitPlan> SimKiosk::plan()
{
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const double r = u(m_rng);
    VisitPlan p;
    if (r < m_scenario.returns) {
        if (auto carried = m_world->takeCarried(m_ref.id)) {
            p.kind = VisitPlan::Kind::Return;
            p.member = m_world->member(carried->memberId);
            p.returning = {*carried};
            return p;
        }
        QList<qint64> mine = m_world->homeMembers(m_ref.id) + m_world->travelers(m_ref.id);
        std::shuffle(mine.begin(), mine.end(), m_rng);
        QStringList others = m_world->carryTargets();
        others.removeAll(m_ref.id);
        for (qint64 id : mine) {
            QList<Holding> held;
            for (const Holding &h : m_world->heldBy(id))
                if (!h.carried)
                    held.append(h);
            if (held.isEmpty())
                continue;
            p.kind = VisitPlan::Kind::Return;
            p.member = m_world->member(id);
            for (const Holding &h : held) {
                if (!others.isEmpty() && u(m_rng) < m_scenario.returnElsewhere) {
                    m_world->carryTo(others[static_cast<int>(m_rng() % static_cast<quint64>(others.size()))], h);
                    ++m_stats.carriedAway;
                } else {
                    p.returning.append(h);
                }
            }
            if (p.returning.isEmpty())
                return std::nullopt;   // they took every disc to another kiosk
            return p;
        }
        // Nobody of this kiosk holds a disc yet: this customer rents.
    } else if (r < m_scenario.returns + m_scenario.unknownCard) {
        p.kind = VisitPlan::Kind::UnknownCard;
        p.member.card = memberCardNumber(9'000'000 + static_cast<qint64>(m_rng() % 999'999));
        p.titles = 1;
        return p;
    }
    p.kind = VisitPlan::Kind::Rent;
    const bool walkUp = u(m_rng) < m_scenario.walkUp && !m_world->walkUps(m_ref.id).isEmpty();
    const bool away = u(m_rng) < m_scenario.away;
    QList<qint64> pool = walkUp ? m_world->walkUps(m_ref.id) : away ? m_world->travelers(m_ref.id) : m_world->homeMembers(m_ref.id);
    if (pool.isEmpty())
        pool = m_world->homeMembers(m_ref.id) + m_world->travelers(m_ref.id);
    if (pool.isEmpty()) {
        ++m_stats.noMember;
        return std::nullopt;
    }
    for (int attempt = 0; attempt < 8; ++attempt) {
        const SimMember m = m_world->member(pool[static_cast<int>(m_rng() % static_cast<quint64>(pool.size()))]);
        const int room = m.planLimit - m_world->heldCount(m.id);
        if (room <= 0)
            continue;
        p.member = m;
        p.titles = std::min(room, std::uniform_int_distribution<int>(m_scenario.titlesMin, m_scenario.titlesMax)(m_rng));
        p.wrongPin = u(m_rng) < m_scenario.wrongPin && !m.walkUp;   // a wrong ZIP shows as a decline
        p.declined = u(m_rng) < m_scenario.declined;
        p.jam = u(m_rng) < m_scenario.jam;
        p.promo = u(m_rng) < m_scenario.promo;
        p.buy = u(m_rng) < m_scenario.buy;
        p.lostAnswers = u(m_rng) < m_scenario.lostAnswer ? 1 + static_cast<int>(m_rng() % 2) : 0;
        p.lateDays = u(m_rng) < m_scenario.lateReturn ? 2 + static_cast<int>(m_rng() % 4) : 0;
        return p;
    }
    ++m_stats.noMember;
    return std::nullopt;
}

QByteArray SimKiosk::track(const QString &card) const
{
    return ";" + card.toLatin1() + "=3012?";   // ISO 7813 track 2, expiring December 2030
}

void SimKiosk::startVisit(VisitPlan plan)
{
    m_visitActive = true;
    ++m_stats.visits;
    m_plan = std::move(plan);
    m_rentalFinished = m_returnFinished = m_returnAccepted = false;
    m_ctrl->touch();
    if (m_plan.kind == VisitPlan::Kind::Return) {
        ++m_stats.returnVisits;
        passDays([this] { returnStep(0); });
        return;
    }
    if (m_plan.kind == VisitPlan::Kind::UnknownCard)
        ++m_stats.unknownCardVisits;
    else
        ++m_stats.rentVisits;
    if (m_plan.member.walkUp)
        ++m_stats.walkUpVisits;
    m_ctrl->start();
    expect([this] { return m_ctrl->screen() == KioskController::Screen::Browse && !m_ctrl->catalog()->loading(); }, [this] { rentStep(); });
}

void SimKiosk::endVisit(const QString &outcome)
{
    Q_UNUSED(outcome);
    m_visitActive = false;
    m_condition = nullptr;
    m_then = nullptr;
    m_deadline.stop();
    emit visitFinished();
    if (m_queued > 0 && m_customers && QDateTime::currentMSecsSinceEpoch() < m_until) {
        --m_queued;
        think([this] {
            if (m_visitActive || !m_customers)
                return;
            if (auto p = plan())
                startVisit(*p);
        });
    }
}

void SimKiosk::expect(std::function<bool()> condition, std::function<void()> then, int deadlineMs)
{
    m_condition = std::move(condition);
    m_then = std::move(then);
    m_deadline.start(deadlineMs);
    QMetaObject::invokeMethod(this, &SimKiosk::evaluate, Qt::QueuedConnection);
}

void SimKiosk::evaluate()
{
    if (!m_visitActive || !m_condition || !m_condition())
        return;
    auto then = std::move(m_then);
    m_condition = nullptr;
    m_then = nullptr;
    m_deadline.stop();
    think(std::move(then));
}

void SimKiosk::think(std::function<void()> next)
{
    // A person's pause between taps; the jitter does not draw from the customers' generator.
    const int ms = m_scenario.thinkMs > 0
                       ? m_scenario.thinkMs / 2 + static_cast<int>(QRandomGenerator::global()->bounded(m_scenario.thinkMs + 1))
                       : 0;
    QTimer::singleShot(ms, this, [this, next = std::move(next)] {
        if (m_visitActive)
            next();
    });
}

void SimKiosk::rentStep()
{
    const CatalogModel *catalog = m_ctrl->catalog();
    QList<int> available;
    QList<int> onSale;
    for (int row = 0; row < catalog->rowCount(); ++row) {
        const QModelIndex i = catalog->index(row);
        if (catalog->data(i, CatalogModel::AvailableRole).toInt() > 0) {
            available.append(catalog->data(i, CatalogModel::MovieIdRole).toInt());
            if (catalog->data(i, CatalogModel::SaleRole).toInt() > 0)
                onSale.append(available.last());
        }
    }
    std::sort(available.begin(), available.end());
    std::shuffle(available.begin(), available.end(), m_rng);
    if (m_plan.buy && !onSale.isEmpty()) {
        ++m_stats.buyTries;
        m_ctrl->buy(onSale[static_cast<int>(m_rng() % static_cast<quint64>(onSale.size()))]);
    }
    for (int i = 0; i < std::min(m_plan.titles, static_cast<int>(available.size())); ++i)
        m_ctrl->addToCart(available[i]);
    if (m_ctrl->cart()->rowCount() == 0) {
        m_ctrl->cancel();
        endVisit(QStringLiteral("nothing to rent"));
        return;
    }
    m_ctrl->checkout();
    expect([this] { return m_ctrl->screen() == KioskController::Screen::SignIn; }, [this] { swipeStep(); });
}

void SimKiosk::swipeStep()
{
    m_hw->swipeCard(track(m_plan.member.card), m_plan.member.walkUp ? m_plan.member.pin : QString());
    expect(
        [this] {
            return m_ctrl->screen() == KioskController::Screen::Pin ||
                   (m_ctrl->screen() == KioskController::Screen::SignIn && !m_ctrl->busy() && !m_ctrl->message().isEmpty());
        },
        [this] {
            if (m_ctrl->screen() == KioskController::Screen::Pin) {
                if (m_plan.kind == VisitPlan::Kind::UnknownCard) {
                    // A card nobody issued must never get as far as the PIN.
                    m_recorder(QJsonObject{{QStringLiteral("at"), static_cast<double>(QDateTime::currentMSecsSinceEpoch())},
                                           {QStringLiteral("kiosk"), m_ref.id},
                                           {QStringLiteral("kind"), QStringLiteral("event")},
                                           {QStringLiteral("event"), QStringLiteral("unknown card accepted")}});
                    m_ctrl->cancel();
                    endVisit(QStringLiteral("unknown card accepted"));
                    return;
                }
                pinStep(m_plan.wrongPin);
                return;
            }
            m_ctrl->cancel();   // refused: unknown card, account on hold, or no way to check it now
            endVisit(QStringLiteral("card refused"));
        },
        std::max(30'000, 3 * m_scenario.offlineAfterMs));
}

void SimKiosk::pinStep(bool wrongFirst)
{
    QString pin = m_plan.member.pin;
    if (wrongFirst)
        pin[0] = QChar(u'0' + ((pin[0].digitValue() + 1) % 10));
    for (const QChar c : pin)
        m_ctrl->pinDigit(c.digitValue());
    m_ctrl->pinEnter();
    if (wrongFirst) {
        expect([this] { return m_ctrl->screen() != KioskController::Screen::Pin || (!m_ctrl->busy() && !m_ctrl->message().isEmpty()); },
               [this] {
                   if (m_ctrl->screen() != KioskController::Screen::Pin) {
                       m_ctrl->cancel();
                       endVisit(QStringLiteral("wrong PIN took an unexpected turn"));
                       return;
                   }
                   pinStep(false);
               });
        return;
    }
    expect(
        [this] {
            const auto s = m_ctrl->screen();
            return s == KioskController::Screen::Summary || s == KioskController::Screen::Browse ||
                   ((s == KioskController::Screen::Pin || s == KioskController::Screen::SignIn) && !m_ctrl->busy() &&
                    !m_ctrl->message().isEmpty());
        },
        [this] {
            if (m_ctrl->screen() == KioskController::Screen::Summary) {
                payStep();
                return;
            }
            m_ctrl->cancel();   // the plan's limit emptied the cart, the PIN was refused, or a walk-up card needs the network
            endVisit(QStringLiteral("no rental"));
        });
}

void SimKiosk::payStep()
{
    if (!m_plan.promo) {
        payNow();
        return;
    }
    // The code first: granted (a card's first use), or refused with a message; then pay either way.
    ++m_stats.promoTries;
    m_ctrl->applyPromo(m_scenario.promoCode);
    expect(
        [this] {
            return m_ctrl->screen() != KioskController::Screen::Summary ||
                   (!m_ctrl->busy() && (!m_ctrl->promoCode().isEmpty() || !m_ctrl->message().isEmpty()));
        },
        [this] {
            if (m_ctrl->screen() != KioskController::Screen::Summary) {
                m_ctrl->cancel();
                endVisit(QStringLiteral("promo took an unexpected turn"));
                return;
            }
            if (!m_ctrl->promoCode().isEmpty())
                ++m_stats.promoApplied;
            payNow();
        });
}

void SimKiosk::payNow()
{
    if (m_plan.declined)
        m_hw->declineNextPayment();
    if (m_plan.jam)
        m_hw->jamNextDispense();
    if (m_plan.lostAnswers > 0) {
        ++m_stats.lostAnswers;
        m_hw->loseNextAnswers(m_plan.lostAnswers);
    }
    m_rentalFinished = false;
    m_ctrl->pay();
    const int discs = m_ctrl->cart()->rowCount();
    expect(
        [this] {
            // Declined: back on the summary (a walk-up card: its ZIP screen, to type it again).
            const auto s = m_ctrl->screen();
            return m_rentalFinished || ((s == KioskController::Screen::Summary || s == KioskController::Screen::Pin) && !m_ctrl->busy() &&
                                        !m_ctrl->message().isEmpty());
        },
        [this] {
            if (!m_rentalFinished) {
                m_ctrl->cancel();
                endVisit(QStringLiteral("declined"));
                return;
            }
            for (const CartModel::Item &item : m_ctrl->cart()->items()) {
                if (item.state == CartModel::State::Done && item.purchase)
                    ++m_stats.bought;   // the customer's to keep: never returned
                else if (item.state == CartModel::State::Done)
                    m_world->hold({item.rentalId, item.barcode, m_ref.id, m_plan.member.id, false, m_plan.lateDays});
            }
            m_ctrl->finish();
            endVisit(QStringLiteral("rented"));
        },
        30'000 + discs * 4 * m_scenario.offlineAfterMs);
}

// A late returner's discs: days pass for their rentals (off this thread, which other kiosks share).
void SimKiosk::passDays(std::function<void()> then)
{
    QList<std::pair<Holding, SimKioskRef>> late;
    for (const Holding &h : m_plan.returning) {
        if (h.lateDays <= 0)
            continue;
        const auto &all = m_world->kiosks();
        const auto from = std::find_if(all.cbegin(), all.cend(), [&](const SimKioskRef &k) { return k.id == h.fromKiosk; });
        if (from != all.cend())
            late.append({h, *from});
    }
    if (late.isEmpty() || !m_time) {
        m_stats.lateOnTime += late.size();
        then();
        return;
    }
    QThreadPool::globalInstance()->start([this, late, coast = m_plan.member.coast, then = std::move(then)] {
        int aged = 0;
        for (const auto &[h, from] : late) {
            try {
                aged += m_time->ageBeforeReturn(h, from, coast, h.lateDays) ? 1 : 0;
            } catch (const std::exception &e) {
                qCWarning(lcSimKiosk) << m_ref.id << "could not move rental" << h.rentalId << "back:" << e.what();
            }
        }
        QMetaObject::invokeMethod(
            this,
            [this, aged, all = late.size(), then] {
                m_stats.lateReturns += aged;
                m_stats.lateOnTime += all - aged;
                then();
            },
            Qt::QueuedConnection);
    });
}

void SimKiosk::returnStep(int index)
{
    if (index >= m_plan.returning.size()) {
        endVisit(QStringLiteral("returned"));
        return;
    }
    const Holding h = m_plan.returning[index];
    m_returnFinished = m_returnAccepted = false;
    m_lastReturnFailure.clear();
    m_ctrl->startReturn();
    expect([this] { return m_ctrl->screen() == KioskController::Screen::ReturnInsert; },
           [this, h, index] {
               m_hw->insertDisc(h.barcode);
               expect([this] { return m_returnFinished && !m_ctrl->busy(); },
                      [this, h, index] {
                          if (m_returnAccepted) {
                              m_world->released(h.barcode);
                              m_ctrl->finish();
                          } else {
                              if (m_lastReturnFailure == QLatin1String("disc already in") ||
                                  m_lastReturnFailure == QLatin1String("disc not ours") ||
                                  m_lastReturnFailure == QLatin1String("bad input"))
                                  m_world->released(h.barcode);   // not out any more (its rental was voided), or never ours
                              else
                                  m_world->uncarry(h.barcode);   // kept; the member tries again another day
                              m_ctrl->cancel();
                          }
                          returnStep(index + 1);
                      },
                      std::max(30'000, 3 * m_scenario.offlineAfterMs));
           });
}

}   // namespace redbox::sim

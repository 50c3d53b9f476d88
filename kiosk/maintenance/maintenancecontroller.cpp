// See maintenancecontroller.h.
#include "maintenance/maintenancecontroller.h"

#include "controllers/kioskcontroller.h"
#include "core/cards.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QQmlEngine>

namespace redbox {

namespace {

QVariantMap row(const QString &name, const QString &level, const QString &words, const QString &detail = {})
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("level"), level}, {QStringLiteral("words"), words},
            {QStringLiteral("detail"), detail}};
}

QString ago(qint64 seconds)
{
    if (seconds < 90)
        return MaintenanceController::tr("%1 s ago").arg(seconds);
    if (seconds < 5400)
        return MaintenanceController::tr("%1 min ago").arg(seconds / 60);
    return MaintenanceController::tr("%1 h ago").arg(seconds / 3600);
}

} // namespace

MaintenanceController::MaintenanceController(EngineBridge *bridge, KioskHardware *hardware, KioskController *kiosk, QObject *parent)
    : QObject(parent), m_bridge(bridge), m_hw(hardware), m_kiosk(kiosk)
{
    m_idle.setSingleShot(true);
    m_idle.setInterval(IdleMinutes * 60 * 1000);
    connect(&m_idle, &QTimer::timeout, this, [this] { close(QStringLiteral("idle")); });
    connect(hardware, &KioskHardware::cardSwiped, this, &MaintenanceController::onCard);
    connect(hardware, &KioskHardware::discInserted, this, &MaintenanceController::onDisc);
    connect(hardware, &KioskHardware::discUnreadable, this, &MaintenanceController::onDiscUnreadable);
    connect(hardware, &KioskHardware::selfTestDone, this, [this](bool ok, const QString &report) {
        if (!signedIn())
            return;
        --m_busy;
        emit busyChanged();
        m_hardwareReport = (ok ? tr("Self-test passed: %1") : tr("Self-test FAILED: %1")).arg(report);
        emit hardwareChanged();
        audit(QStringLiteral("selftest"), {}, {{QStringLiteral("ok"), ok}, {QStringLiteral("report"), report.left(300)}});
        finishAction(QStringLiteral("selftest"), ok, m_hardwareReport);
    });
    connect(hardware, &KioskHardware::jamCleared, this, [this](bool ok, const QString &report) {
        if (!signedIn())
            return;
        --m_busy;
        emit busyChanged();
        audit(QStringLiteral("jam_cleared"), {}, {{QStringLiteral("ok"), ok}, {QStringLiteral("report"), report.left(300)}});
        if (!ok) {
            m_hardwareReport = tr("The jam could not be cleared: %1").arg(report);
            emit hardwareChanged();
            finishAction(QStringLiteral("clear_jam"), false, m_hardwareReport);
            return;
        }
        m_hardwareReport = tr("Jam cleared: %1.").arg(report);
        if (m_retrySlot > 0) {
            m_pendingDispenseSlot = m_retrySlot;
            m_retrySlot = 0;
            ++m_busy;
            emit busyChanged();
            m_hardwareReport += tr(" Retrying slot %1...").arg(m_pendingDispenseSlot);
            m_hw->dispense(m_pendingDispenseSlot);
        }
        emit hardwareChanged();
        finishAction(QStringLiteral("clear_jam"), true, m_hardwareReport);
    });
    connect(hardware, &KioskHardware::dispensed, this, [this](int slot) {
        if (!signedIn() || slot != m_pendingDispenseSlot)
            return;
        m_pendingDispenseSlot = 0;
        --m_busy;
        emit busyChanged();
        setMessage(tr("Take the disc from the door (slot %1).").arg(slot));
        emit hardwareChanged();
        finishAction(QStringLiteral("dispense"), true, m_message);
    });
    connect(hardware, &KioskHardware::dispenseFailed, this, [this](int slot, const QString &reason) {
        if (!signedIn() || slot != m_pendingDispenseSlot)
            return;
        m_pendingDispenseSlot = 0;
        m_retrySlot = slot;
        --m_busy;
        emit busyChanged();
        m_hardwareReport = tr("Slot %1 did not dispense: %2. Open Hardware and clear the jam; the unload is retried.").arg(slot).arg(reason);
        setMessage(m_hardwareReport, true);
        audit(QStringLiteral("dispense_failed"), {}, {{QStringLiteral("slot"), slot}, {QStringLiteral("reason"), reason.left(200)}});
        emit hardwareChanged();
        finishAction(QStringLiteral("dispense"), false, m_hardwareReport);
    });
    connect(hardware, &KioskHardware::stored, this, [this](int slot) {
        if (!signedIn() || m_pendingStore.isEmpty() || slot != m_pendingStoreSlot)
            return;
        const QString barcode = m_pendingStore;
        m_pendingStore.clear();
        m_pendingStoreSlot = 0;
        --m_busy;
        ++m_loaded;
        emit busyChanged();
        emit modeChanged();
        setMessage(tr("Disc %1 loaded into slot %2. Insert the next disc.").arg(barcode).arg(slot));
        finishAction(QStringLiteral("load"), true, m_message);
    });
    connect(hardware, &KioskHardware::storeFailed, this, [this](int slot, const QString &reason) {
        if (!signedIn() || m_pendingStore.isEmpty() || slot != m_pendingStoreSlot)
            return;
        const QString barcode = m_pendingStore;
        m_pendingStore.clear();
        m_pendingStoreSlot = 0;
        m_hw->ejectReturn();
        // The red box has the disc in that slot; the carousel does not: take it out again.
        m_bridge->async<TechAnswer>(
            [tech = technicianId(), barcode](KioskEngine &e, std::function<void(TechAnswer)> cb) {
                e.maintenance().discAction(tech, QStringLiteral("unload"), barcode, 0, QStringLiteral("store failed"), cb);
            },
            [this, barcode, slot, reason](TechAnswer) {
                --m_busy;
                emit busyChanged();
                setMessage(tr("Slot %1 could not take disc %2 (%3); the disc is back in the return slot and was not loaded.")
                               .arg(slot).arg(barcode, reason), true);
                refreshSlots();
                finishAction(QStringLiteral("load"), false, m_message);
            });
    });
    connect(bridge, &EngineBridge::cacheProgress, this, [this](qint64 done, qint64 total) {
        if (!m_resyncing)
            return;
        if (done == 0)
            m_resyncStarted = true;   // the round after the reset began
        m_resyncDone = done;
        m_resyncTotal = total;
        emit resyncChanged();
    });
    connect(bridge, &EngineBridge::cacheSynced, this, [this] {
        if (!m_resyncing || !m_resyncStarted)
            return;   // a round that began before the reset
        m_resyncing = false;
        --m_busy;
        emit busyChanged();
        emit resyncChanged();
        setMessage(tr("The cache is rebuilt: %1 rows fetched.").arg(m_resyncDone));
        audit(QStringLiteral("cache_resync"), {}, {{QStringLiteral("rows"), m_resyncDone}});
        finishAction(QStringLiteral("resync"), true, m_message);
    });
    // The lockout survives a restart (a power cycle must not reset the count).
    m_bridge->run<QString>([](KioskEngine &e) { return e.cache().meta(QStringLiteral("maintenance_lock")); },
                           [this](QString saved) {
                               const QJsonObject o = QJsonDocument::fromJson(saved.toUtf8()).object();
                               m_failures = o.value(QStringLiteral("failures")).toInt();
                               m_lockedUntil = QDateTime::fromString(o.value(QStringLiteral("until")).toString(), Qt::ISODate);
                               emit lockChanged();
                           });
}

MaintenanceController *MaintenanceController::create(QQmlEngine *, QJSEngine *)
{
    QQmlEngine::setObjectOwnership(s_instance, QQmlEngine::CppOwnership);
    return s_instance;
}

bool MaintenanceController::locked() const
{
    return m_lockedUntil.isValid() && m_clock() < m_lockedUntil;
}

QString MaintenanceController::lockedUntil() const
{
    return locked() ? m_kiosk->localTime(m_lockedUntil) : QString();
}

void MaintenanceController::setPage(Page p)
{
    if (m_page == p)
        return;
    m_page = p;
    emit pageChanged();
}

void MaintenanceController::setMessage(const QString &text, bool error)
{
    m_message = text;
    m_messageIsError = error;
    emit messageChanged();
}

void MaintenanceController::finishAction(const QString &action, bool ok, const QString &message)
{
    emit actionDone(action, ok, message);
}

void MaintenanceController::saveLock()
{
    const QString value = QString::fromUtf8(QJsonDocument(QJsonObject{
        {QStringLiteral("failures"), m_failures},
        {QStringLiteral("until"), m_lockedUntil.isValid() ? m_lockedUntil.toString(Qt::ISODate) : QString()}}).toJson(QJsonDocument::Compact));
    m_bridge->run<bool>([value](KioskEngine &e) {
        try {
            e.cache().setMeta(QStringLiteral("maintenance_lock"), value);
            return true;
        } catch (const std::exception &) {
            return false;
        }
    }, [](bool) {});
    emit lockChanged();
}

void MaintenanceController::audit(const QString &action, const QString &barcode, const QJsonObject &detail)
{
    AuditEntry e;
    e.technicianId = m_technician ? m_technician->technicianId : (m_candidate ? m_candidate->technicianId : 0);
    e.action = action;
    e.barcode = barcode;
    e.detail = detail;   // e.at: the real time (m_clock only moves the lockout, in tests)
    m_bridge->async<bool>([e](KioskEngine &engine, std::function<void(bool)> cb) { engine.audit(e, cb); }, [](bool) {});
}

// ---- entry --------------------------------------------------------------------------

void MaintenanceController::requestEntry()
{
    // Only from the help screen's hidden corner: never in the middle of a customer's visit.
    if (m_page != Page::Closed || m_kiosk->screen() != KioskController::Screen::Help)
        return;
    m_kiosk->enterMaintenance();
    m_pin.clear();
    m_candidate.reset();
    emit pinChanged();
    if (locked()) {
        setMessage(tr("Maintenance sign-in is locked after %1 failed attempts, until %2.").arg(MaxFailures).arg(lockedUntil()), true);
    } else {
        if (m_lockedUntil.isValid()) {   // a lock that ran out: start counting afresh
            m_lockedUntil = {};
            m_failures = 0;
            saveLock();
        }
        setMessage(tr("Swipe your technician card."));
    }
    setPage(Page::Card);
    m_idle.start();
}

void MaintenanceController::swipeForTest(const QString &cardNumber)
{
    onCard(";" + cardNumber.toLatin1() + "=3012?");
}

void MaintenanceController::onCard(const QByteArray &track)
{
    if (m_page == Page::Closed)
        return;
    touch();
    if (m_mode == QLatin1String("cardtest")) {
        const TrackResult parsed = parseCardTrack(track, m_clock().date());
        QString report;
        if (parsed.card)
            report = tr("Card reader OK: %1 card ending %2, expires %3/%4.")
                         .arg(parsed.card->technician ? tr("technician") : tr("member"), parsed.card->number.right(4))
                         .arg(parsed.card->expiryMonth, 2, 10, QLatin1Char('0')).arg(parsed.card->expiryYear);
        else
            report = tr("The card reader read a card it does not accept (%1).")
                         .arg(parsed.error == TrackError::Expired ? tr("expired")
                              : parsed.error == TrackError::BadCheckDigit ? tr("bad check digit")
                              : parsed.error == TrackError::NotOurCard ? tr("not a Redbox card") : tr("unreadable track"));
        m_hardwareReport = report;
        m_mode.clear();
        emit modeChanged();
        emit hardwareChanged();
        audit(QStringLiteral("card_reader_test"), {}, {{QStringLiteral("ok"), parsed.card.has_value()}});
        finishAction(QStringLiteral("cardtest"), parsed.card.has_value(), report);
        return;
    }
    if (m_page != Page::Card || busy())
        return;
    if (locked()) {
        setMessage(tr("Maintenance sign-in is locked until %1.").arg(lockedUntil()), true);
        return;
    }
    const TrackResult parsed = parseCardTrack(track, m_clock().date());
    if (!parsed.card || !parsed.card->technician) {
        failedSignIn(parsed.card ? tr("This is not a technician card.") : tr("The card could not be read. Swipe it again."), 0);
        return;
    }
    ++m_busy;
    emit busyChanged();
    setMessage(tr("Checking the card..."));
    const QString hash = m_bridge->cardHashFor(parsed.card->number);
    m_bridge->async<TechLogin>([hash](KioskEngine &e, std::function<void(TechLogin)> cb) { e.maintenance().login(hash, cb); },
                               [this](TechLogin r) {
                                   --m_busy;
                                   emit busyChanged();
                                   if (m_page != Page::Card)
                                       return;
                                   if (!r.technician) {
                                       failedSignIn(r.failure == Failure::Offline ? r.message : tr("This card may not open maintenance mode."), 0);
                                       return;
                                   }
                                   m_candidate = r.technician;
                                   m_source = r.source;
                                   setMessage(r.source == QLatin1String("cache")
                                                  ? tr("Offline: checked against this kiosk's cached technicians. Enter your PIN.")
                                                  : tr("Enter your PIN."));
                                   setPage(Page::Pin);
                               });
}

void MaintenanceController::failedSignIn(const QString &why, qint64 technicianId)
{
    ++m_failures;
    audit(QStringLiteral("login_failed"), {}, {{QStringLiteral("why"), why.left(200)}, {QStringLiteral("technician"), technicianId}});
    m_pin.clear();
    emit pinChanged();
    if (m_failures >= MaxFailures) {
        m_lockedUntil = m_clock().addSecs(LockMinutes * 60);
        audit(QStringLiteral("lockout"), {}, {{QStringLiteral("until"), m_lockedUntil.toString(Qt::ISODate)}});
        saveLock();
        m_candidate.reset();
        setMessage(tr("Too many failed attempts: maintenance sign-in is locked until %1.").arg(lockedUntil()), true);
        setPage(Page::Card);
        finishAction(QStringLiteral("login"), false, m_message);
        return;
    }
    saveLock();
    setMessage(tr("%1 %2 attempt(s) left.").arg(why).arg(failuresLeft()), true);
    finishAction(QStringLiteral("login"), false, m_message);
}

void MaintenanceController::pinDigit(int digit)
{
    touch();
    if (m_page != Page::Pin || digit < 0 || digit > 9 || m_pin.size() >= 8)
        return;
    m_pin += QChar(u'0' + digit);
    emit pinChanged();
}

void MaintenanceController::pinBackspace()
{
    touch();
    if (m_page != Page::Pin || m_pin.isEmpty())
        return;
    m_pin.chop(1);
    emit pinChanged();
}

void MaintenanceController::pinEnter()
{
    touch();
    if (m_page != Page::Pin || busy() || !m_candidate)
        return;
    if (m_pin.size() < 4) {
        setMessage(tr("A technician PIN has 4 to 8 digits."), true);
        return;
    }
    ++m_busy;
    emit busyChanged();
    const TechnicianInfo t = *m_candidate;
    const QString pin = m_pin;
    // The PBKDF2 check is slow on purpose: it runs in the engine's thread.
    m_bridge->run<bool>([t, pin](KioskEngine &) { return MaintenanceService::checkPin(t, pin); }, [this, t](bool ok) {
        --m_busy;
        emit busyChanged();
        if (m_page != Page::Pin)
            return;
        if (!ok) {
            failedSignIn(tr("Wrong PIN."), t.technicianId);
            if (!locked())
                setPage(Page::Pin);
            return;
        }
        m_technician = t;
        m_candidate.reset();
        m_pin.clear();
        m_failures = 0;
        m_lockedUntil = {};
        saveLock();
        emit pinChanged();
        audit(QStringLiteral("login"), {}, {{QStringLiteral("source"), m_source}});
        m_bridge->async<bool>([](KioskEngine &e, std::function<void(bool)> cb) { e.maintenance().beginSession(); cb(true); }, [](bool) {});
        setMessage(tr("Signed in as %1.").arg(t.name));
        setPage(Page::Health);
        refreshHealth();
        finishAction(QStringLiteral("login"), true, m_message);
    });
}

void MaintenanceController::cancelEntry()
{
    if (signedIn())
        return;
    close(QStringLiteral("cancelled"));
}

void MaintenanceController::signOut()
{
    close(QStringLiteral("signed out"));
}

void MaintenanceController::close(const QString &why)
{
    if (m_page == Page::Closed)
        return;
    if (m_technician)
        audit(QStringLiteral("logout"), {}, {{QStringLiteral("why"), why}});
    m_idle.stop();
    if (!m_mode.isEmpty())
        m_hw->ejectReturn();
    m_mode.clear();
    m_technician.reset();
    m_candidate.reset();
    m_pin.clear();
    m_retrySlot = 0;
    m_pendingStore.clear();
    m_healthRows.clear();
    m_slotMap.clear();
    m_removals.clear();
    emit pinChanged();
    emit modeChanged();
    m_bridge->async<bool>([](KioskEngine &e, std::function<void(bool)> cb) { e.maintenance().endSession(); cb(true); }, [](bool) {});
    setMessage({});
    setPage(Page::Closed);
    m_kiosk->leaveMaintenance();
}

void MaintenanceController::touch()
{
    if (m_page != Page::Closed)
        m_idle.start();
}

void MaintenanceController::showPage(int page)
{
    touch();
    const auto p = static_cast<Page>(page);
    if (!signedIn() || p < Page::Health || p > Page::Repair)
        return;
    if (!m_mode.isEmpty())
        stopMode();
    setMessage({});
    setPage(p);
    if (p == Page::Health)
        refreshHealth();
    else if (p == Page::Slots)
        refreshSlots();
}

bool MaintenanceController::needSession()
{
    touch();
    if (signedIn())
        return true;
    setMessage(tr("Sign in first."), true);
    return false;
}

bool MaintenanceController::idle(const QString &action)
{
    if (!needSession())
        return false;
    if (!busy())
        return true;
    setMessage(tr("Wait for the current action to finish."), true);
    finishAction(action, false, m_message);
    return false;
}

// ---- health -------------------------------------------------------------------------

void MaintenanceController::refreshHealth()
{
    if (!needSession())
        return;
    ++m_busy;
    emit busyChanged();
    m_bridge->async<MaintenanceHealth>([](KioskEngine &e, std::function<void(MaintenanceHealth)> cb) { e.maintenance().health(cb); },
                                       [this](MaintenanceHealth h) {
                                           --m_busy;
                                           emit busyChanged();
                                           buildHealth(h);
                                           finishAction(QStringLiteral("health"), true, {});
                                       });
}

void MaintenanceController::buildHealth(const MaintenanceHealth &h)
{
    QVariantList rows;
    const QString ok = QStringLiteral("ok"), warn = QStringLiteral("warn"), bad = QStringLiteral("bad");
    // The red box pair, server by server: the primary first.
    QList<ServerProbe> pair;
    for (const ServerProbe &p : h.servers)
        if (p.tier == QLatin1String("redbox"))
            (p.reachable && p.primary ? pair.prepend(p) : pair.append(p));
    for (const ServerProbe &p : std::as_const(pair)) {
        if (!p.reachable) {
            rows << row(tr("Red box server %1").arg(p.server), bad, tr("Not reachable"), p.error);
        } else if (p.primary) {
            rows << row(tr("Red box primary"), ok, tr("Reachable, primary, answers in %1 ms").arg(p.latencyMs), p.server);
        } else {
            QString words = tr("Reachable, standby");
            QString level = warn;
            if (h.redboxAnswered && !h.standbyName.isEmpty()) {
                const bool syncStreaming = h.standbyState == QLatin1String("streaming") && h.standbySync == QLatin1String("sync");
                level = syncStreaming ? ok : warn;
                words = syncStreaming ? tr("Streaming, synchronous; replay lag %1 ms (%2 bytes)").arg(h.replayLagMs).arg(h.replayLagBytes)
                                      : tr("Replication %1 (%2): rentals may wait").arg(h.standbyState, h.standbySync);
            } else if (h.redboxAnswered) {
                words = tr("Not replicating: the primary has no standby attached");
            }
            rows << row(tr("Red box standby"), level, words, p.server);
        }
    }
    if (!h.redboxAnswered)
        rows << row(tr("Red box"), bad, tr("The primary did not answer the technician's health check"), h.redboxError.section(QLatin1Char('\n'), 0, 0));
    auto tier = [&](const QString &name, const QString &t, const QString &linkKind) {
        QStringList up, down;
        QString primary;
        for (const ServerProbe &p : h.servers) {
            if (p.tier != t)
                continue;
            (p.reachable ? up : down) << p.server;
            if (p.reachable && p.primary)
                primary = p.server;
        }
        QString linkWords;
        bool linkDown = false;
        for (const QJsonValue &v : h.links) {
            const QJsonObject l = v.toObject();
            if (l.value(QStringLiteral("kind")).toString() == linkKind) {
                linkDown = !l.value(QStringLiteral("up")).toBool();
                linkWords = linkDown ? tr("the red box cannot reach it since %1").arg(l.value(QStringLiteral("since")).toString().left(19))
                                     : tr("the red box's link is up");
            }
        }
        const QString level = primary.isEmpty() ? bad : (linkDown || !down.isEmpty() ? warn : ok);
        QString words = primary.isEmpty() ? tr("No primary reachable from this kiosk") : tr("Reachable; primary %1").arg(primary);
        if (!linkWords.isEmpty())
            words += QStringLiteral("; ") + linkWords;
        rows << row(name, level, words, down.isEmpty() ? QString() : tr("not reachable: %1").arg(down.join(QStringLiteral(", "))));
    };
    tier(tr("Coast server"), QStringLiteral("coast"), QStringLiteral("coast"));
    tier(tr("HQ"), QStringLiteral("hq"), QStringLiteral("hq"));
    // The hops the red box's forwarder carries.
    if (h.redboxAnswered) {
        const qint64 oldest = h.oldestPending.isValid() ? h.oldestPending.secsTo(QDateTime::currentDateTimeUtc()) : 0;
        rows << row(tr("Forwarding"), h.pendingHops == 0 || oldest < 30 ? ok : warn,
                    h.pendingHops == 0 ? tr("Nothing waiting") : tr("%1 hop(s) waiting, oldest %2").arg(h.pendingHops).arg(ago(oldest)));
        QString first;
        if (!h.parked.isEmpty()) {
            const QJsonObject p = h.parked.first().toObject();
            first = QStringLiteral("%1 to %2: %3").arg(p.value(QStringLiteral("kind")).toString(), p.value(QStringLiteral("dest")).toString(),
                                                     p.value(QStringLiteral("error")).toString().left(160));
        }
        rows << row(tr("Parked hops"), h.parkedHops == 0 ? ok : bad,
                    h.parkedHops == 0 ? tr("None") : tr("%1 parked with errors: use Repair > Retry parked hops").arg(h.parkedHops), first);
    }
    // The kiosk's own state.
    const KioskHealth &k = h.kiosk;
    const qint64 syncAge = k.lastCacheSync.isValid() ? k.lastCacheSync.secsTo(QDateTime::currentDateTimeUtc()) : -1;
    rows << row(tr("Cache"), syncAge < 0 ? bad : syncAge < 300 ? ok : syncAge < 3600 ? warn : bad,
                syncAge < 0 ? tr("Never synced") : tr("Last synced %1").arg(ago(syncAge)));
    rows << row(tr("Kiosk outbox"), k.outboxDepth == 0 ? ok : warn,
                k.outboxDepth == 0 ? tr("Empty") : tr("%1 action(s) waiting for the red box, oldest %2").arg(k.outboxDepth).arg(ago(k.outboxOldestAgeS)));
    if (!k.storageFault.isEmpty())
        rows << row(tr("Kiosk storage"), bad, k.storageFault);
    if (!k.refusal.isEmpty())
        rows << row(tr("Kiosk version"), bad, tr("Refused by the red box: %1").arg(k.refusal));
    m_healthRows = rows;
    emit healthChanged();
}

// ---- slots --------------------------------------------------------------------------

void MaintenanceController::refreshSlots()
{
    if (!needSession())
        return;
    ++m_busy;
    emit busyChanged();
    m_bridge->async<TechAnswer>([](KioskEngine &e, std::function<void(TechAnswer)> cb) { e.maintenance().kioskDiscs(cb); },
                                [this](TechAnswer a) {
                                    --m_busy;
                                    emit busyChanged();
                                    if (!a.ok) {
                                        setMessage(a.message, true);
                                        finishAction(QStringLiteral("slots"), false, a.message);
                                        return;
                                    }
                                    applyDiscs(a);
                                    finishAction(QStringLiteral("slots"), true, {});
                                });
}

void MaintenanceController::applyDiscs(const TechAnswer &a)
{
    m_bridge->run<int>([](KioskEngine &e) { return e.cache().slotCount(); }, [this, a](int slotCount) {
        QHash<int, TechDisc> bySlot;
        QVariantList removals;
        int out = 0;
        for (const TechDisc &d : a.discs) {
            if (d.slot > 0)
                bySlot.insert(d.slot, d);
            else if (d.status == QLatin1String("out"))
                ++out;
            if (!d.removalReason.isEmpty())
                removals << QVariantMap{{QStringLiteral("barcode"), d.barcode}, {QStringLiteral("title"), d.title},
                                        {QStringLiteral("slot"), d.slot}, {QStringLiteral("status"), d.status},
                                        {QStringLiteral("reason"), d.removalReason}};
        }
        QVariantList map;
        for (int s = 1; s <= slotCount; ++s) {
            const TechDisc d = bySlot.value(s);
            map << QVariantMap{{QStringLiteral("slot"), s}, {QStringLiteral("barcode"), d.barcode}, {QStringLiteral("title"), d.title},
                               {QStringLiteral("condition"), d.condition}, {QStringLiteral("removal"), d.removalReason}};
        }
        m_slotMap = map;
        m_removals = removals;
        m_rentedOut = out;
        emit slotsChanged();
    });
}

void MaintenanceController::startLoading()
{
    if (!needSession())
        return;
    m_mode = QStringLiteral("load");
    m_loaded = 0;
    emit modeChanged();
    setMessage(tr("Insert discs into the return slot one by one; each goes into the first free slot."));
}

void MaintenanceController::stopMode()
{
    touch();
    if (m_mode.isEmpty())
        return;
    const bool loading = m_mode == QLatin1String("load");
    if (loading)
        setMessage(tr("%1 disc(s) loaded.").arg(m_loaded));
    m_mode.clear();
    emit modeChanged();
    if (loading && signedIn())
        refreshSlots();
}

void MaintenanceController::onDisc(const QString &barcode)
{
    if (m_page == Page::Closed)
        return;
    touch();
    if (m_mode == QLatin1String("barcodetest")) {
        const auto parsed = parseDiscBarcode(barcode);
        m_hardwareReport = parsed ? tr("Barcode reader OK: read %1 (title %2, copy %3).").arg(parsed->text).arg(parsed->movieId).arg(parsed->serial)
                                  : tr("The barcode reader read \"%1\", which is not a valid disc barcode.").arg(barcode.left(20));
        m_mode.clear();
        emit modeChanged();
        emit hardwareChanged();
        m_hw->ejectReturn();
        audit(QStringLiteral("barcode_reader_test"), parsed ? parsed->text : QString(), {{QStringLiteral("ok"), parsed.has_value()}});
        finishAction(QStringLiteral("barcodetest"), parsed.has_value(), m_hardwareReport);
        return;
    }
    if (m_mode == QLatin1String("load") && signedIn()) {
        if (busy()) {
            m_hw->ejectReturn();
            setMessage(tr("One disc at a time: take this one back and insert it when the last one is stored."), true);
            finishAction(QStringLiteral("load"), false, m_message);
            return;
        }
        loadInserted(barcode);
        return;
    }
    m_hw->ejectReturn();   // not expecting a disc now: give it back
}

void MaintenanceController::onDiscUnreadable()
{
    if (m_page == Page::Closed)
        return;
    m_hw->ejectReturn();
    if (m_mode == QLatin1String("barcodetest")) {
        m_hardwareReport = tr("The barcode reader could not read the disc's label.");
        m_mode.clear();
        emit modeChanged();
        emit hardwareChanged();
        audit(QStringLiteral("barcode_reader_test"), {}, {{QStringLiteral("ok"), false}});
        finishAction(QStringLiteral("barcodetest"), false, m_hardwareReport);
        return;
    }
    setMessage(tr("That disc's barcode could not be read; it was given back."), true);
}

void MaintenanceController::loadInserted(const QString &barcode)
{
    const auto parsed = parseDiscBarcode(barcode);
    if (!parsed) {
        m_hw->ejectReturn();
        setMessage(tr("\"%1\" is not a valid disc barcode; the disc was given back.").arg(barcode.left(20)), true);
        finishAction(QStringLiteral("load"), false, m_message);
        return;
    }
    ++m_busy;
    emit busyChanged();
    m_bridge->async<TechAnswer>(
        [tech = technicianId(), b = parsed->text](KioskEngine &e, std::function<void(TechAnswer)> cb) {
            e.maintenance().discAction(tech, QStringLiteral("load"), b, 0, {}, cb);
        },
        [this, b = parsed->text](TechAnswer a) {
            if (!a.ok || a.discs.isEmpty() || a.discs.first().slot <= 0) {
                --m_busy;
                emit busyChanged();
                m_hw->ejectReturn();
                setMessage(tr("Disc %1 was not loaded: %2").arg(b, a.message), true);
                finishAction(QStringLiteral("load"), false, m_message);
                return;
            }
            m_pendingStore = b;
            m_pendingStoreSlot = a.discs.first().slot;
            m_hw->store(m_pendingStoreSlot);   // stored / storeFailed finish it
        });
}

void MaintenanceController::loadBarcode(const QString &barcode, int slot)
{
    if (!idle(QStringLiteral("load")))
        return;
    const auto parsed = parseDiscBarcode(barcode.trimmed());
    if (!parsed) {
        setMessage(tr("\"%1\" is not a valid disc barcode (D and 12 digits).").arg(barcode.left(20)), true);
        finishAction(QStringLiteral("load"), false, m_message);
        return;
    }
    if (slot < 0) {
        setMessage(tr("Slot %1 is not a slot number.").arg(slot), true);
        finishAction(QStringLiteral("load"), false, m_message);
        return;
    }
    ++m_busy;
    emit busyChanged();
    m_bridge->async<TechAnswer>(
        [tech = technicianId(), b = parsed->text, slot](KioskEngine &e, std::function<void(TechAnswer)> cb) {
            e.maintenance().discAction(tech, QStringLiteral("load"), b, slot, QStringLiteral("placed by hand"), cb);
        },
        [this, b = parsed->text](TechAnswer a) {
            --m_busy;
            emit busyChanged();
            if (!a.ok || a.discs.isEmpty()) {
                setMessage(tr("Disc %1 was not loaded: %2").arg(b, a.message), true);
                finishAction(QStringLiteral("load"), false, m_message);
                return;
            }
            ++m_loaded;
            emit modeChanged();
            setMessage(tr("Disc %1 (%2) recorded in slot %3.").arg(b, a.discs.first().title).arg(a.discs.first().slot));
            refreshSlots();
            finishAction(QStringLiteral("load"), true, m_message);
        });
}

void MaintenanceController::unload(const QString &barcode)
{
    if (!idle(QStringLiteral("unload")))
        return;
    const auto parsed = parseDiscBarcode(barcode.trimmed());
    if (!parsed) {
        setMessage(tr("\"%1\" is not a valid disc barcode.").arg(barcode.left(20)), true);
        finishAction(QStringLiteral("unload"), false, m_message);
        return;
    }
    ++m_busy;
    emit busyChanged();
    // Refused at the red box for a disc that is rented out (nothing moves then).
    m_bridge->async<TechAnswer>(
        [tech = technicianId(), b = parsed->text](KioskEngine &e, std::function<void(TechAnswer)> cb) {
            e.maintenance().discAction(tech, QStringLiteral("unload"), b, 0, {}, cb);
        },
        [this, b = parsed->text](TechAnswer a) {
            if (!a.ok) {
                --m_busy;
                emit busyChanged();
                setMessage(a.sqlstate == QLatin1String("RB014")
                               ? tr("Disc %1 is rented out: it cannot be unloaded until the customer returns it.").arg(b)
                               : tr("Disc %1 was not unloaded: %2").arg(b, a.message),
                           true);
                finishAction(QStringLiteral("unload"), false, m_message);
                return;
            }
            // Hand the disc out of the slot it was in.
            const int slot = a.discs.isEmpty() ? 0 : a.discs.first().actionSlot;
            refreshSlots();
            if (slot <= 0) {
                --m_busy;
                emit busyChanged();
                setMessage(tr("Disc %1 is recorded as unloaded.").arg(b));
                finishAction(QStringLiteral("unload"), true, m_message);
                return;
            }
            m_pendingDispenseSlot = slot;
            setMessage(tr("Unloading disc %1 from slot %2...").arg(b).arg(slot));
            m_hw->dispense(slot);   // dispensed / dispenseFailed finish it
        });
}

void MaintenanceController::markDamaged(const QString &barcode)
{
    if (!idle(QStringLiteral("damaged")))
        return;
    const auto parsed = parseDiscBarcode(barcode.trimmed());
    if (!parsed) {
        setMessage(tr("\"%1\" is not a valid disc barcode.").arg(barcode.left(20)), true);
        finishAction(QStringLiteral("damaged"), false, m_message);
        return;
    }
    ++m_busy;
    emit busyChanged();
    m_bridge->async<TechAnswer>(
        [tech = technicianId(), b = parsed->text](KioskEngine &e, std::function<void(TechAnswer)> cb) {
            e.maintenance().discAction(tech, QStringLiteral("damaged"), b, 0, QStringLiteral("technician"), cb);
        },
        [this, b = parsed->text](TechAnswer a) {
            --m_busy;
            emit busyChanged();
            if (!a.ok) {
                setMessage(a.sqlstate == QLatin1String("RB014") ? tr("Disc %1 is rented out: mark it when it comes back.").arg(b)
                                                                 : tr("Disc %1 was not marked: %2").arg(b, a.message),
                           true);
                finishAction(QStringLiteral("damaged"), false, m_message);
                return;
            }
            setMessage(tr("Disc %1 is marked damaged: customers can no longer rent it, and it is on the removal list.").arg(b));
            refreshSlots();
            finishAction(QStringLiteral("damaged"), true, m_message);
        });
}

// ---- hardware -----------------------------------------------------------------------

void MaintenanceController::selfTest()
{
    if (!idle(QStringLiteral("selftest")))
        return;
    ++m_busy;
    emit busyChanged();
    m_hardwareReport = tr("Self-test running: the picker visits every slot...");
    emit hardwareChanged();
    m_bridge->run<int>([](KioskEngine &e) { return e.cache().slotCount(); }, [this](int slotCount) { m_hw->selfTest(std::max(1, slotCount)); });
}

void MaintenanceController::clearJamAndRetry()
{
    if (!idle(QStringLiteral("clear_jam")))
        return;
    ++m_busy;
    emit busyChanged();
    m_hardwareReport = tr("Clearing the picker...");
    emit hardwareChanged();
    m_hw->clearJam();
}

void MaintenanceController::testCardReader()
{
    if (!needSession())
        return;
    m_mode = QStringLiteral("cardtest");
    emit modeChanged();
    m_hardwareReport = tr("Swipe any card through the reader.");
    emit hardwareChanged();
}

void MaintenanceController::testBarcodeReader()
{
    if (!needSession())
        return;
    m_mode = QStringLiteral("barcodetest");
    emit modeChanged();
    m_hardwareReport = tr("Insert a disc into the return slot; it is read and given back.");
    emit hardwareChanged();
}

// ---- repair -------------------------------------------------------------------------

void MaintenanceController::resync()
{
    if (!idle(QStringLiteral("resync")))
        return;
    ++m_busy;
    emit busyChanged();
    m_resyncing = true;
    m_resyncStarted = false;
    m_resyncDone = 0;
    m_resyncTotal = 0;
    emit resyncChanged();
    setMessage(tr("Rebuilding the cache from the red box..."));
    m_bridge->async<bool>([](KioskEngine &e, std::function<void(bool)> cb) { e.resyncCache(); cb(true); }, [](bool) {});
}

void MaintenanceController::retryParked()
{
    if (!idle(QStringLiteral("retry_parked")))
        return;
    ++m_busy;
    emit busyChanged();
    m_bridge->async<TechAnswer>([tech = technicianId()](KioskEngine &e, std::function<void(TechAnswer)> cb) { e.maintenance().retryParked(tech, cb); },
                                [this](TechAnswer a) {
                                    --m_busy;
                                    emit busyChanged();
                                    setMessage(a.message, !a.ok);
                                    finishAction(QStringLiteral("retry_parked"), a.ok, a.message);
                                });
}

void MaintenanceController::failover()
{
    if (!idle(QStringLiteral("failover")))
        return;
    ++m_busy;
    emit busyChanged();
    setMessage(tr("Switching the red box over to its standby..."));
    m_bridge->async<TechAnswer>([tech = technicianId()](KioskEngine &e, std::function<void(TechAnswer)> cb) { e.maintenance().switchover(tech, false, cb); },
                                [this](TechAnswer a) {
                                    --m_busy;
                                    emit busyChanged();
                                    setMessage(a.message, !a.ok);
                                    finishAction(QStringLiteral("failover"), a.ok, a.message);
                                });
}

void MaintenanceController::failback()
{
    if (!idle(QStringLiteral("failback")))
        return;
    ++m_busy;
    emit busyChanged();
    setMessage(tr("Bringing the old primary back..."));
    m_bridge->async<TechAnswer>([tech = technicianId()](KioskEngine &e, std::function<void(TechAnswer)> cb) { e.maintenance().switchover(tech, true, cb); },
                                [this](TechAnswer a) {
                                    --m_busy;
                                    emit busyChanged();
                                    setMessage(a.message, !a.ok);
                                    finishAction(QStringLiteral("failback"), a.ok, a.message);
                                });
}

void MaintenanceController::exportDiagnostics()
{
    if (!idle(QStringLiteral("export")))
        return;
    ++m_busy;
    emit busyChanged();
    setMessage(tr("Writing the diagnostics bundle..."));
    m_bridge->async<TechAnswer>([tech = technicianId()](KioskEngine &e, std::function<void(TechAnswer)> cb) { e.maintenance().exportDiagnostics(tech, cb); },
                                [this](TechAnswer a) {
                                    --m_busy;
                                    emit busyChanged();
                                    if (a.ok) {
                                        m_lastExport = a.path;
                                        emit exportChanged();
                                    }
                                    setMessage(a.message, !a.ok);
                                    finishAction(QStringLiteral("export"), a.ok, a.message);
                                });
}

} // namespace redbox

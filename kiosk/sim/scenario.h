// A simulator run, as a scenario file describes it (JSON). Every field is
// checked; an unknown field, a share outside 0..1 or a fault the simulator
// does not know is an error naming the field. The format:
//
// {
//   "name": "ci-short",
//   "seed": 7,                          customers' choices (per kiosk) follow from it
//   "kiosks": 52,                       full kiosks, spread over the red box nodes in turn
//   "process_kiosks": 2,                of which run as their own processes (kill_kiosk, cut_kiosk need them)
//   "duration_s": 150,                  customers arrive for this long
//   "drain_timeout_s": 240,             then faults heal, queues drain (at most this long), invariants run
//   "arrivals_per_kiosk_per_min": 1.5,  Poisson arrivals at each kiosk
//   "think_ms": 200,                    a customer's pause between taps
//   "titles_per_rental": [1, 2],        titles in a cart, uniform in the range
//   "offline_after_ms": 15000,          the kiosks' wait for the red box before renting offline
//   "customers": {                      shares of visits (each 0..1)
//     "returns": 0.35,                  a visit by a member holding discs returns them
//     "return_elsewhere": 0.3,          of returns: at another kiosk (any node, any coast)
//     "away": 0.1,                      renters from the other coast (escalated to their coast or HQ)
//     "late_return": 0.1,               of the renters: bring their discs back 2-5 days late (timemachine.h)
//     "wrong_pin": 0.05, "unknown_card": 0.03, "jam": 0.02, "declined": 0.03, "walk_up": 0.2,
//     "lost_answer": 0.02,              the device's answer to the payment or a dispense never arrives
//     "kept": 0.3                       of the discs still out when customers stop: never brought back,
//                                       kept once days pass beyond their plan's last night
//   },
//   "faults": [                         at a time after the start; "for_s" (heals after) where it applies
//     {"at_s": 20, "kind": "kill_redbox_primary", "node": "west-rb1"},   host death: Patroni fails over
//     {"at_s": 45, "kind": "stop_coast", "node": "east", "for_s": 25},
//     {"at_s": 50, "kind": "stop_hq", "for_s": 20},
//     {"at_s": 60, "kind": "kill_forwarder", "node": "west", "for_s": 5},
//     {"at_s": 70, "kind": "kill_kiosk"},                                kill -9 mid-rental, restarted from its files
//     {"at_s": 80, "kind": "cut_kiosk", "for_s": 20},                    nftables drops its packets
//     {"at_s": 90, "kind": "fill_disk", "for_s": 20}                     its storage (a small tmpfs) fills up
//   ],
//   "random_faults": {"per_min": 0.5, "kinds": ["kill_redbox_primary", "kill_forwarder"], "for_s": 20}
// }
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <stdexcept>

namespace redbox::sim {

class ScenarioError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct FaultSpec {
    double atS = 0;
    QString kind;
    QString node;   // kill_redbox_primary, stop_coast, kill_forwarder (empty: chosen at random)
    double forS = 0;   // how long until it heals (0: the kind's default)
    bool random = false;
};

struct Scenario {
    QString name = QStringLiteral("unnamed");
    quint64 seed = 1;
    int kiosks = 8;
    int processKiosks = 0;
    double durationS = 60;
    double drainTimeoutS = 240;
    double arrivalsPerKioskPerMin = 1.0;
    int thinkMs = 200;
    int titlesMin = 1;
    int titlesMax = 2;
    int offlineAfterMs = 1000;
    double returns = 0.35;
    double returnElsewhere = 0.3;
    double away = 0.1;
    double lateReturn = 0.1;
    double wrongPin = 0.05;
    double unknownCard = 0.03;
    double jam = 0.02;
    double declined = 0.03;
    double walkUp = 0.2;   // of the renters: a credit card with no membership (billing ZIP, no PIN)
    double promo = 0.1;   // of the renters: types PROMOCODE on the summary (HQ grants it once per card)
    QString promoCode = QStringLiteral("FREENIGHT");   // the sample data's code
    double buy = 0.05;   // of the renters: also buys a disc of a title on sale (previously viewed)
    double lostAnswer = 0.02;   // of the renters: the card reader's or the dispenser's answer is lost (STATUS finds it)
    double kept = 0;   // of the discs still out at the end: kept (their plan's maximum period passes)
    QList<FaultSpec> faults;
    double randomFaultsPerMin = 0;
    QStringList randomFaultKinds;
    double randomFaultForS = 20;

    static Scenario load(const QString &path);   // throws ScenarioError
    static Scenario fromJson(const QJsonObject &o);   // throws ScenarioError
    QJsonObject toJson() const;
    static const QStringList &faultKinds();
    bool needs(const QString &faultKind) const;
};

}   // namespace redbox::sim

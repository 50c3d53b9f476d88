// A rental from the kiosk's side: the dispense journal first (so a disc that
// never comes out is never charged), then the red box; when the red box is
// away, the durable outbox within the offline allowance; when the answer is
// lost, the rental's id looked up before anything is tried again. A rental
// whose disc did not come out is voided, online or through the outbox.
#pragma once

#include "kioskcore/enginestate.h"
#include "kioskcore/redboxapi.h"

#include <QObject>
#include <QSet>

#include <functional>

namespace redbox {

class RentalDesk : public QObject {
    Q_OBJECT
public:
    using RentCallback = std::function<void(RentResult)>;
    using VoidCallback = std::function<void(bool ok, QString message)>;
    RentalDesk(EngineParts parts, QObject *parent = nullptr);

    void rent(RentRequest request, RentCallback callback);
    void dispensed(const QUuid &rentalId);
    void voidRental(VoidRequest request, VoidCallback callback);
    // Voids what the dispense journal holds that no rental in progress owns (after a crash,
    // or when the journal could not be cleared): olderThanS = 0 at start.
    void recoverDispenses(qint64 olderThanS);
    void loseNextAnswerForTesting() { m_loseNextAnswer = true; }

private:
    void rentOnline(RentRequest request, RentCallback callback);
    void rentOffline(RentRequest request, RentCallback callback, const QString &why);
    void resolveRent(RentRequest request, RentCallback callback, int attempt);
    void keepVoidOffline(const VoidRequest &request, const VoidCallback &callback);
    void endDispense(const QUuid &rentalId);   // the journal forgets a rental: its disc came out, or it was voided

    EngineParts m_parts;
    QSet<QUuid> m_dispensing;   // rentals in progress in this process (journal entries they own)
    bool m_loseNextAnswer = false;
};

}   // namespace redbox

// Promo codes from the kiosk's side: a code is checked online only, at HQ
// (the one server that knows every card's codes), over the kiosk's own
// escalation login with a short deadline. HQ answers with a grant that the
// red box checks when the rental carries it. A grant no rental used is given
// back, so the card may use the code another time.
#pragma once

#include "kioskcore/enginestate.h"

#include <QObject>

#include <functional>

namespace redbox {

class PromoDesk : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(PromoResult)>;
    PromoDesk(EngineParts parts, QObject *parent = nullptr);

    // The code as a customer typed it, tidied (capitals; spaces and dashes dropped); empty
    // when it cannot be a code.
    static QString tidy(const QString &typed);
    // GRANTID names the transaction: asking again with it gives the same grant.
    void redeem(const QString &typed, const QString &cardHash, const QUuid &grantId, Callback callback);
    void release(const QUuid &grantId);

private:
    EngineParts m_parts;
};

}   // namespace redbox

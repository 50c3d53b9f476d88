// A return from the kiosk's side: sent to the red box with the id the kiosk
// made; when the red box is away (or the answer is lost), kept in the
// durable outbox, since kiosk_return is idempotent on that id and replay
// settles it exactly once. Either way the disc joins the kiosk's slots.
//
// Around it, the store journal: the request is written down before the disc
// goes into its slot and forgotten once the return is settled (recorded, or
// the disc given back). A kiosk that stopped in between records the return
// when it starts again (recoverStores): the customer gave the disc in.
#pragma once

#include "kioskcore/enginestate.h"

#include <QObject>

#include <functional>

namespace redbox {

class ReturnDesk : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(ReturnResult)>;
    ReturnDesk(EngineParts parts, QObject *parent = nullptr);

    void returnDisc(ReturnRequest request, Callback callback);
    // False when the journal cannot be written: the disc is not taken in.
    bool beginStore(const ReturnRequest &request);
    void endStore(const QUuid &returnId);
    void recoverStores();

private:
    void returnOnline(ReturnRequest request, Callback callback);
    void returnOffline(ReturnRequest request, Callback callback, const QString &why);

    EngineParts m_parts;
};

}   // namespace redbox

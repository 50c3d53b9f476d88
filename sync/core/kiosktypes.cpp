// Names for the kiosk's result values (see kiosktypes.h).
#include "core/kiosktypes.h"

namespace redbox {

QString failureName(Failure f)
{
    switch (f) {
        case Failure::None: return QStringLiteral("none");
        case Failure::UnknownCard: return QStringLiteral("unknown card");
        case Failure::NotAllowed: return QStringLiteral("not allowed");
        case Failure::LimitReached: return QStringLiteral("limit reached");
        case Failure::DiscUnavailable: return QStringLiteral("disc unavailable");
        case Failure::DiscNotOurs: return QStringLiteral("disc not ours");
        case Failure::DiscAlreadyIn: return QStringLiteral("disc already in");
        case Failure::BadInput: return QStringLiteral("bad input");
        case Failure::Offline: return QStringLiteral("offline");
        case Failure::InDoubt: return QStringLiteral("in doubt");
        case Failure::PromoRefused: return QStringLiteral("promo refused");
        case Failure::Internal: return QStringLiteral("internal");
    }
    return QStringLiteral("unknown");
}

QString linkStatusName(LinkStatus s)
{
    switch (s) {
        case LinkStatus::Offline: return QStringLiteral("offline");
        case LinkStatus::Connecting: return QStringLiteral("connecting");
        case LinkStatus::Degraded: return QStringLiteral("degraded");
        case LinkStatus::Online: return QStringLiteral("online");
    }
    return QStringLiteral("unknown");
}

}   // namespace redbox

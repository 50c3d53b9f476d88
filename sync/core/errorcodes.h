// The network's own error codes: one registry for the SQLSTATEs the stored
// functions raise (`RAISE ... USING ERRCODE = 'RBnnn'`) and the C++ that
// reads them. A code has one meaning on every tier. tst_errorcodes reads
// every RAISE in schema/ and fails on a code missing here, a raise whose
// message does not fit its code's meaning, or an RBnnn literal in C++
// outside this file.
#pragma once

#include <QString>

#include <array>
#include <optional>
#include <string_view>

namespace redbox {

enum class RedboxError {
    UnknownCard,   // the card is not a member here (or anywhere, after escalation)
    NotAllowed,   // the account is on hold
    LimitReached,   // plan limit, offline allowance
    DiscNotHere,   // the disc (or its title) is not this red box's / this kiosk's
    DiscUnavailable,   // out, damaged, outside its window
    IdReused,   // a rental or return id already used for something else
    TicketInvalid,   // an escalation ticket whose signature or expiry fails
    UnknownKiosk,   // the kiosk is not served by this red box
    SlotUnusable,   // not a slot of the kiosk, occupied, none free
    DiscAlreadyIn,   // the disc already sits in a kiosk
    DiscSold,   // the disc was sold: its renter keeps it
    NotFound,   // no such rental, return, member, receipt
    TechnicianUnknown,   // the technician card or id is not known here or not active
    DiscRentedOut,   // a technician's action on a disc that is out
    StateNotMapped,   // a member's state maps to no coast, or to the other one
    RentalClosed,   // a void of a rental that is no longer open
    NotEnrolled,   // the session is no enrolled kiosk, or the kiosk was revoked
    SenderRefused,   // a hop (or pull) its sender may not send: its kind, kiosk or scope is not the sender's
    SessionInvalid,   // a technician session that is unknown, ended or expired
    ChargeMismatch,   // money (or the plan) in a payload differs from what this node computes
    PaymentRefused,   // a request about a card charge that its state does not allow
    PromoRefused,   // a promo grant that is forged, another card's or kiosk's, expired or used
    NoRoute,   // a hop this node cannot apply, or no link to its destination
};

struct ErrorCodeInfo {
    RedboxError code;
    std::string_view sqlstate;
    std::string_view name;
    // What every raise of this code says (a regular expression, case-insensitive).
    std::string_view messagePattern;
};

inline constexpr std::array<ErrorCodeInfo, 23> kErrorCodes{{
    {RedboxError::UnknownCard, "RB001", "unknown card", "card"},
    {RedboxError::NotAllowed, "RB002", "not allowed", "may not rent|on hold"},
    {RedboxError::LimitReached, "RB003", "limit reached", "limit"},
    {RedboxError::DiscNotHere, "RB004", "disc not here", "disc|barcode|title"},
    {RedboxError::DiscUnavailable, "RB005", "disc unavailable", "not available|is marked|window"},
    {RedboxError::IdReused, "RB006", "id reused", "already used|was made at kiosk"},
    {RedboxError::TicketInvalid, "RB007", "ticket invalid", "ticket"},
    {RedboxError::UnknownKiosk, "RB008", "unknown kiosk", "kiosk .*not served"},
    {RedboxError::SlotUnusable, "RB009", "slot unusable", "slot"},
    {RedboxError::DiscAlreadyIn, "RB010", "disc already in", "already in"},
    {RedboxError::DiscSold, "RB011", "disc sold", "sold"},
    {RedboxError::NotFound, "RB012", "not found", "^no |not known|has no|does not have|matches"},
    {RedboxError::TechnicianUnknown, "RB013", "technician unknown", "technician"},
    {RedboxError::DiscRentedOut, "RB014", "disc rented out", "rented out"},
    {RedboxError::StateNotMapped, "RB015", "state not mapped", "state|lives in"},
    {RedboxError::RentalClosed, "RB016", "rental closed", "already closed"},
    {RedboxError::NotEnrolled, "RB018", "not enrolled", "enrolled kiosk|revoked"},
    {RedboxError::SenderRefused, "RB019", "sender refused",
     "does not take|not one that|says it|not a node|may not|names rentals|sent the|only HQ"},
    {RedboxError::SessionInvalid, "RB020", "session invalid", "session"},
    {RedboxError::ChargeMismatch, "RB021", "charge mismatch", "charges|names plan|names member|outside its rental"},
    {RedboxError::PaymentRefused, "RB022", "payment refused", "not claimed|not captured|more than"},
    {RedboxError::PromoRefused, "RB023", "promo refused", "promo"},
    {RedboxError::NoRoute, "RB500", "no route", "link|cannot apply|reached the"},
}};

// The code for a server's SQLSTATE, when it is one of ours.
inline std::optional<RedboxError> redboxErrorOf(const QString &sqlstate)
{
    for (const ErrorCodeInfo &i : kErrorCodes)
        if (sqlstate == QLatin1String(i.sqlstate.data(), static_cast<qsizetype>(i.sqlstate.size())))
            return i.code;
    return std::nullopt;
}

inline const ErrorCodeInfo &errorCodeInfo(RedboxError code)
{
    for (const ErrorCodeInfo &i : kErrorCodes)
        if (i.code == code)
            return i;
    return kErrorCodes.back();   // unreachable: every enumerator is listed (tst_errorcodes)
}

}   // namespace redbox

#include "acquirer/acquirerledger.h"

#include "crypto/crypto.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QRegularExpression>

namespace redbox::acquirer {

namespace {

LedgerReply answer(int status, const QString &result, const QString &message, const QJsonObject &extra = {})
{
    QJsonObject body = extra;
    body.insert(QStringLiteral("result"), result);
    if (!message.isEmpty())
        body.insert(QStringLiteral("message"), message);
    return LedgerReply{status, body, false};
}

LedgerReply rejected(int status, const QString &message)
{
    return answer(status, QStringLiteral("rejected"), message);
}

// An amount in cents from a JSON body, or -1 when it is not a whole number in range.
qint64 cents(const QJsonObject &o, qint64 max)
{
    const qint64 c = o.value(QLatin1String("amount_cents")).toInteger(-1);
    return c >= 0 && c <= max ? c : -1;
}

constexpr qint64 kMaxAmount = 100'000;   // $1,000.00: more is refused as invalid
constexpr qint64 kLimitedCard = 1'000;   // tok_limited... cards: at most this much held

}   // namespace

AcquirerLedger::AcquirerLedger(const QString &path) : m_db(sqlite::Database::open(path, sqlite::Database::Mode::ReadWrite, true))
{
    m_db.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS authorization_ ("
                             " auth_id TEXT PRIMARY KEY, request_key TEXT NOT NULL UNIQUE, card_token TEXT NOT NULL, status TEXT NOT NULL,"
                             " authorized INTEGER NOT NULL, held INTEGER NOT NULL, captured INTEGER NOT NULL DEFAULT 0,"
                             " released INTEGER NOT NULL DEFAULT 0, refunded INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);"
                             "CREATE TABLE IF NOT EXISTS request ("
                             " request_key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, op TEXT NOT NULL, status INTEGER NOT NULL,"
                             " answer TEXT NOT NULL, at TEXT NOT NULL);"));
}

bool AcquirerLedger::validKey(const QString &key)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9:-]{8,100}$"));
    return re.match(key).hasMatch();
}

QString AcquirerLedger::fingerprint(const QString &op, const QJsonObject &request) const
{
    QJsonObject canon = request;   // QJsonObject keeps its keys sorted: a stable form
    canon.insert(QStringLiteral("op"), op);
    return QString::fromLatin1(
        QCryptographicHash::hash(QJsonDocument(canon).toJson(QJsonDocument::Compact), QCryptographicHash::Sha256).toHex());
}

LedgerReply AcquirerLedger::apply(const QString &op, const QJsonObject &request)
{
    const QString key = request.value(QLatin1String("key")).toString();
    if (!validKey(key))
        return rejected(400, QStringLiteral("key must be 8-100 characters of a-z, 0-9, ':' and '-'"));
    sqlite::Transaction tx(m_db);
    const QString print = fingerprint(op, request);
    sqlite::Statement seen = m_db.prepare(QStringLiteral("SELECT fingerprint, status, answer FROM request WHERE request_key = ?1"));
    seen.bind(1, key);
    if (seen.step()) {
        if (seen.text(0) != print)
            return rejected(409, QStringLiteral("key %1 was used for another request").arg(key));
        LedgerReply again{static_cast<int>(seen.int64(1)), QJsonDocument::fromJson(seen.text(2).toUtf8()).object(), true};
        return again;
    }
    LedgerReply reply = decide(op, request);
    if (reply.status == 200 || reply.status == 422) {
        // Answers that depend on the ledger are kept; malformed requests are not (nothing happened).
        m_db.prepare(
                QStringLiteral("INSERT INTO request (request_key, fingerprint, op, status, answer, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"))
            .bindAll({key, print, op, reply.status, QString::fromUtf8(QJsonDocument(reply.body).toJson(QJsonDocument::Compact)),
                      QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)})
            .run();
    }
    tx.commit();
    return reply;
}

LedgerReply AcquirerLedger::decide(const QString &op, const QJsonObject &request)
{
    if (op == QLatin1String("authorize"))
        return applyAuthorize(request);
    if (op == QLatin1String("increment") || op == QLatin1String("capture") || op == QLatin1String("void") || op == QLatin1String("refund"))
        return applyToAuthorization(op, request);
    return rejected(404, QStringLiteral("no operation %1").arg(op.left(20)));
}

LedgerReply AcquirerLedger::applyAuthorize(const QJsonObject &request)
{
    static const QRegularExpression token(QStringLiteral("^tok_[A-Za-z0-9]{8,40}$"));
    const QString card = request.value(QLatin1String("card_token")).toString();
    const qint64 amount = cents(request, kMaxAmount);
    if (!token.match(card).hasMatch())
        return rejected(400, QStringLiteral("card_token must be a card reader's token"));
    if (amount < 1)
        return rejected(400, QStringLiteral("amount_cents must be 1-%1").arg(kMaxAmount));
    if (card.startsWith(QLatin1String("tok_declined")) || (card.startsWith(QLatin1String("tok_limited")) && amount > kLimitedCard))
        return answer(200, QStringLiteral("declined"), QStringLiteral("do not honor"));
    const QString authId = QStringLiteral("au_") + QString::fromLatin1(crypto::randomBytes(12).toHex());
    m_db.prepare(QStringLiteral("INSERT INTO authorization_ (auth_id, request_key, card_token, status, authorized, held, created_at) "
                                "VALUES (?1, ?2, ?3, 'held', ?4, ?4, ?5)"))
        .bindAll({authId, request.value(QLatin1String("key")).toString(), card, amount,
                  QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)})
        .run();
    return answer(200, QStringLiteral("approved"), {},
                  {{QStringLiteral("auth_id"), authId}, {QStringLiteral("amount_cents"), amount}, {QStringLiteral("held_cents"), amount}});
}

LedgerReply AcquirerLedger::applyToAuthorization(const QString &op, const QJsonObject &request)
{
    const QString authId = request.value(QLatin1String("auth_id")).toString();
    sqlite::Statement s = m_db.prepare(
        QStringLiteral("SELECT card_token, status, held, captured, refunded FROM authorization_ WHERE auth_id = ?1"));
    s.bind(1, authId);
    if (!s.step())
        return answer(422, QStringLiteral("rejected"), QStringLiteral("no authorization %1").arg(authId.left(70)));
    const QString card = s.text(0);
    const QString status = s.text(1);
    const qint64 held = s.int64(2);
    const qint64 captured = s.int64(3);
    const qint64 refunded = s.int64(4);
    const qint64 amount = op == QLatin1String("void") ? 0 : cents(request, kMaxAmount);
    if (amount < 0)
        return rejected(400, QStringLiteral("amount_cents must be 0-%1").arg(kMaxAmount));
    const QJsonObject ids{{QStringLiteral("auth_id"), authId}};
    auto approved = [&](qint64 applied, qint64 heldAfter) {
        QJsonObject extra = ids;
        extra.insert(QStringLiteral("amount_cents"), applied);
        extra.insert(QStringLiteral("held_cents"), heldAfter);
        return answer(200, QStringLiteral("approved"), {}, extra);
    };
    if (op == QLatin1String("refund")) {
        if (status != QLatin1String("captured"))
            return answer(422, QStringLiteral("rejected"), QStringLiteral("authorization %1 is %2, not captured").arg(authId, status), ids);
        if (amount < 1 || amount > captured - refunded)
            return answer(422, QStringLiteral("rejected"),
                          QStringLiteral("refund of %1 is more than the %2 left").arg(amount).arg(captured - refunded), ids);
        m_db.prepare(QStringLiteral("UPDATE authorization_ SET refunded = refunded + ?2 WHERE auth_id = ?1"))
            .bindAll({authId, amount})
            .run();
        return approved(amount, 0);
    }
    if (status != QLatin1String("held"))
        return answer(422, QStringLiteral("rejected"), QStringLiteral("authorization %1 is already %2").arg(authId, status), ids);
    if (op == QLatin1String("increment")) {
        if (amount < 1)
            return rejected(400, QStringLiteral("an increment needs amount_cents of 1 or more"));
        if (card.startsWith(QLatin1String("tok_limited")) && held + amount > kLimitedCard)
            return answer(200, QStringLiteral("declined"), QStringLiteral("insufficient funds"), ids);
        m_db.prepare(QStringLiteral("UPDATE authorization_ SET held = held + ?2, authorized = authorized + ?2 WHERE auth_id = ?1"))
            .bindAll({authId, amount})
            .run();
        return approved(amount, held + amount);
    }
    if (op == QLatin1String("capture")) {
        if (amount > held)
            return answer(422, QStringLiteral("rejected"), QStringLiteral("capture of %1 is more than the %2 held").arg(amount).arg(held),
                          ids);
        m_db.prepare(
                QStringLiteral("UPDATE authorization_ SET status = 'captured', captured = ?2, released = released + held - ?2, held = 0 "
                               "WHERE auth_id = ?1"))
            .bindAll({authId, amount})
            .run();
        return approved(amount, 0);
    }
    // void: the whole hold goes back to the card.
    m_db.prepare(QStringLiteral("UPDATE authorization_ SET status = 'voided', released = released + held, held = 0 WHERE auth_id = ?1"))
        .bindAll({authId})
        .run();
    return approved(held, 0);
}

std::optional<LedgerReply> AcquirerLedger::lookup(const QString &key)
{
    sqlite::Statement s = m_db.prepare(QStringLiteral("SELECT status, answer FROM request WHERE request_key = ?1"));
    s.bind(1, key);
    if (!s.step())
        return std::nullopt;
    return LedgerReply{static_cast<int>(s.int64(0)), QJsonDocument::fromJson(s.text(1).toUtf8()).object(), true};
}

QJsonArray AcquirerLedger::authorizations()
{
    QJsonArray out;
    sqlite::Statement s = m_db.prepare(
        QStringLiteral("SELECT auth_id, status, authorized, held, captured, released, refunded, request_key FROM authorization_ "
                       "ORDER BY auth_id"));
    while (s.step()) {
        out.append(QJsonObject{{QStringLiteral("auth_id"), s.text(0)},
                               {QStringLiteral("status"), s.text(1)},
                               {QStringLiteral("authorized_cents"), s.int64(2)},
                               {QStringLiteral("held_cents"), s.int64(3)},
                               {QStringLiteral("captured_cents"), s.int64(4)},
                               {QStringLiteral("released_cents"), s.int64(5)},
                               {QStringLiteral("refunded_cents"), s.int64(6)},
                               {QStringLiteral("key"), s.text(7)}});
    }
    return out;
}

}   // namespace redbox::acquirer

// One message to the SMTP relay (see smtpsender.h).
#include "mailer/smtpsender.h"

#include <QHostInfo>
#include <QLocale>
#include <QRegularExpression>

#include <curl/curl.h>

#include <cstring>
#include <memory>

namespace redbox::mail {

namespace {

struct Upload {
    QByteArray data;
    qsizetype offset = 0;
};

size_t readChunk(char *buffer, size_t size, size_t items, void *user)
{
    auto *u = static_cast<Upload *>(user);
    const size_t room = size * items;
    const qsizetype left = u->data.size() - u->offset;
    if (left <= 0 || room == 0)
        return 0;
    const qsizetype n = room < static_cast<size_t>(left) ? static_cast<qsizetype>(room) : left;
    std::memcpy(buffer, u->data.constData() + u->offset, static_cast<size_t>(n));
    u->offset += n;
    return static_cast<size_t>(n);
}

// RFC 2047: a header word in UTF-8, base64, when it is not plain ASCII.
QByteArray headerText(const QString &text)
{
    const QString clean = QString(text).replace(QRegularExpression(QStringLiteral("[\\r\\n\\t]+")), QStringLiteral(" ")).left(200);
    bool ascii = true;
    for (const QChar c : clean)
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            ascii = false;
    return ascii ? clean.toLatin1() : "=?UTF-8?B?" + clean.toUtf8().toBase64() + "?=";
}

}   // namespace

bool addressOk(const QString &address)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$"));
    return address.size() <= 254 && re.match(address).hasMatch();
}

QByteArray render(const Message &m)
{
    QByteArray out;
    const QString host = m.from.section(QLatin1Char('@'), 1);
    out += "Date: " + QLocale::c().toString(m.date.toUTC(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss")).toLatin1() + " +0000\r\n";
    out += "From: Redbox <" + m.from.toLatin1() + ">\r\n";
    out += "To: <" + m.to.toLatin1() + ">\r\n";
    out += "Subject: " + headerText(m.subject) + "\r\n";
    out += "Message-ID: <" + m.id.toString(QUuid::WithoutBraces).toLatin1() + "@" + host.toLatin1() + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: 8bit\r\n";
    out += "Auto-Submitted: auto-generated\r\n";
    out += "\r\n";
    QString body = m.body;
    body.replace(QLatin1String("\r\n"), QLatin1String("\n")).replace(QLatin1Char('\r'), QLatin1Char('\n'));
    for (const QString &line : body.split(QLatin1Char('\n')))
        out += line.toUtf8() + "\r\n";
    return out;
}

SmtpSender::SmtpSender(QString relay, QString caFile, std::chrono::milliseconds deadline)
    : m_relay(std::move(relay)), m_caFile(std::move(caFile)), m_deadline(deadline)
{}

SendResult SmtpSender::send(const Message &m) const
{
    SendResult r;
    if (!addressOk(m.to) || !addressOk(m.from)) {
        r.permanent = true;
        r.reply = QStringLiteral("not a plain e-mail address");
        return r;
    }
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) {
        r.reply = QStringLiteral("libcurl could not start");
        return r;
    }
    Upload upload{render(m), 0};
    // The path of an smtp:// URL is the name the client greets the relay with (EHLO).
    const QByteArray helo = QHostInfo::localHostName().toLatin1();
    const QByteArray url = m_relay.toUtf8() + "/" + (helo.isEmpty() ? QByteArray("redbox-mailer") : helo);
    const QByteArray ca = m_caFile.toUtf8();
    const QByteArray from = "<" + m.from.toLatin1() + ">";
    const QByteArray to = "<" + m.to.toLatin1() + ">";
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(curl_slist_append(nullptr, to.constData()), &curl_slist_free_all);
    char error[CURL_ERROR_SIZE] = {};
    CURL *c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.constData());
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));   // STARTTLS or nothing
    curl_easy_setopt(c, CURLOPT_CAINFO, ca.constData());
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.constData());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(c, CURLOPT_READFUNCTION, &readChunk);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(m_deadline.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long long>(m_deadline.count(), 5000)));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp");
    const CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (rc == CURLE_OK) {
        r.ok = true;
        r.reply = QStringLiteral("%1 accepted").arg(code);
        return r;
    }
    r.reply = QStringLiteral("%1 (SMTP %2): %3")
                  .arg(QString::fromLatin1(curl_easy_strerror(rc)))
                  .arg(code)
                  .arg(QString::fromLatin1(error).trimmed().left(300));
    r.permanent = code >= 500 && code < 600;
    return r;
}

}   // namespace redbox::mail

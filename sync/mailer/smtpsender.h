// One message to the SMTP relay, through libcurl: STARTTLS required, the
// relay's certificate checked against the CA (and its name), a deadline for
// the whole exchange. The message is built here from plain parts (no header
// can be injected: addresses are checked, the subject is RFC 2047 encoded,
// the body's lines end in CRLF); libcurl dot-stuffs it.
#pragma once

#include <QDateTime>
#include <QString>
#include <QUuid>

#include <chrono>

namespace redbox::mail {

struct Message {
    QUuid id;   // becomes the Message-ID: a reader can tell a message delivered twice
    QString from;
    QString to;
    QString subject;
    QString body;
    QDateTime date;
};

struct SendResult {
    bool ok = false;
    bool permanent = false;   // a 5xx answer or an address no retry can fix
    QString reply;   // the relay's last answer, or the error
};

// A plain address: local@domain, printable ASCII without spaces, quotes or angle brackets.
bool addressOk(const QString &address);
// The message as it goes on the wire (RFC 5322, UTF-8 text, CRLF line ends).
QByteArray render(const Message &m);

class SmtpSender {
public:
    // RELAY: smtp://host:port; CAFILE: the certificates that sign the relay's.
    SmtpSender(QString relay, QString caFile, std::chrono::milliseconds deadline);
    SendResult send(const Message &m) const;

private:
    QString m_relay;
    QString m_caFile;
    std::chrono::milliseconds m_deadline;
};

}   // namespace redbox::mail

// The mail service's loop (see mailservice.h).
#include "mailer/mailservice.h"

#include "core/logging.h"
#include "pg/error.h"
#include "pg/listening.h"

#include <chrono>

namespace redbox::mail {

using namespace std::chrono;

MailService::MailService(ServiceOptions options, const SmtpSender &sender)
    : m_options(std::move(options)), m_sender(sender), m_connectBackoff(m_options.connectPolicy)
{}

bool MailService::connect(const std::atomic<bool> &stop)
{
    return pg::openListening(m_conn, m_options.conninfo, QStringLiteral("redbox_mail"), m_options.node, m_connectBackoff, stop,
                             m_options.heartbeat, lcMail());
}

int MailService::runOnce()
{
    const pg::Result claimed = m_conn.exec("SELECT receipt_id, email, subject, body, attempts, queued_at FROM redbox.mail_claim($1)",
                                           {m_options.batch}, true);
    for (int i = 0; i < claimed.rows(); ++i) {
        Message m;
        m.id = claimed.uuid(i, "receipt_id");
        m.from = m_options.from;
        m.to = claimed.text(i, "email");
        m.subject = claimed.text(i, "subject");
        m.body = claimed.text(i, "body");
        m.date = claimed.timestamp(i, "queued_at");
        const SendResult r = m_sender.send(m);
        const QString state = m_conn
                                  .exec("SELECT redbox.mail_result($1, $2, $3, $4)",
                                        {m.id, r.ok, r.permanent, r.reply.isEmpty() ? QStringLiteral("no answer") : r.reply}, true)
                                  .text(0, 0);
        if (state == QLatin1String("sent")) {
            ++m_stats.sent;
        } else if (state == QLatin1String("failed")) {
            ++m_stats.failed;
            qCWarning(lcMail) << "receipt" << m.id.toString(QUuid::WithoutBraces) << "given up after" << claimed.int32(i, "attempts")
                              << "attempt(s):" << r.reply;
        } else {
            ++m_stats.retried;
            if (claimed.int32(i, "attempts") <= 2)
                qCWarning(lcMail) << "receipt" << m.id.toString(QUuid::WithoutBraces) << "not sent, tried again later:" << r.reply;
        }
        if (m_options.heartbeat)
            m_options.heartbeat();
    }
    return claimed.rows();
}

int MailService::run(const std::atomic<bool> &stop)
{
    qint64 reported = 0;
    auto lastReport = steady_clock::now();
    while (!stop.load()) {
        if (m_options.heartbeat)
            m_options.heartbeat();
        if (!m_conn.isOpen() && !connect(stop))
            continue;
        try {
            if (runOnce() >= m_options.batch)
                continue;   // more waiting
            if (steady_clock::now() - lastReport >= seconds(60) && m_stats.sent != reported) {
                qCInfo(lcMail) << m_options.node << "sent" << m_stats.sent << "receipt(s);" << m_stats.retried << "to retry,"
                               << m_stats.failed << "given up";
                reported = m_stats.sent;
                lastReport = steady_clock::now();
            }
            m_conn.waitForNotifications(static_cast<int>(m_options.idleWake.count()));
        } catch (const pg::DbError &e) {
            qCWarning(lcMail) << "lost" << m_options.node << "(" << e.message().left(200) << "); reconnecting";
            m_conn.close();
        }
    }
    qCInfo(lcMail) << "mail service for" << m_options.node << "stopping; sent" << m_stats.sent << "receipt(s)";
    return 0;
}

}   // namespace redbox::mail

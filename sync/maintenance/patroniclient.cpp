// A client of Patroni's REST API (see patroniclient.h).
#include "maintenance/patroniclient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>

#include <memory>

namespace redbox {

PatroniClient::PatroniClient(QList<Endpoint> apis, QString caFile, QObject *parent)
    : QObject(parent), m_apis(std::move(apis)), m_caFile(std::move(caFile))
{}

QNetworkRequest PatroniClient::request(int index, const QString &path)
{
    if (!m_http) {
        m_http = new QNetworkAccessManager(this);
        m_http->setTransferTimeout(5000);
    }
    const Endpoint &api = m_apis[index % m_apis.size()];
    QNetworkRequest req(QUrl(QStringLiteral("https://%1:%2/%3").arg(api.host).arg(api.port).arg(path)));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromPath(m_caFile));
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    req.setSslConfiguration(tls);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);   // Patroni speaks HTTP/1.x
    return req;
}

void PatroniClient::get(int index, const QString &path, GetDone done)
{
    if (m_apis.isEmpty()) {
        done(0, {}, QStringLiteral("no Patroni API is configured"));
        return;
    }
    const QNetworkRequest req = request(index, path);   // makes m_http the first time
    QNetworkReply *reply = m_http->get(req);
    // Qt may not see the end of Patroni's body for seconds: the answer is complete once it parses as JSON.
    auto body = std::make_shared<QByteArray>();
    auto answered = std::make_shared<bool>(false);
    connect(reply, &QIODevice::readyRead, this, [reply, body, answered, done] {
        body->append(reply->readAll());
        const QJsonDocument doc = QJsonDocument::fromJson(*body);
        if (*answered || !doc.isObject())
            return;
        *answered = true;
        done(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), doc.object(), {});
        reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [reply, done, body, answered] {
        reply->deleteLater();
        if (*answered)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        body->append(reply->readAll());
        if (status == 0) {
            done(0, {}, reply->errorString());
            return;
        }
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(*body, &error);
        if (!doc.isObject()) {
            done(0, {},
                 QStringLiteral("Patroni's answer is not JSON (HTTP %1, %2 bytes: %3)")
                     .arg(status)
                     .arg(body->size())
                     .arg(error.errorString()));
            return;
        }
        done(status, doc.object(), {});
    });
}

void PatroniClient::post(int index, const QString &path, const QJsonObject &body, const QString &user, const QString &password,
                         PostDone done)
{
    if (m_apis.isEmpty()) {
        done(0, {}, QStringLiteral("no Patroni API is configured"));
        return;
    }
    QNetworkRequest req = request(index, path);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setRawHeader("Authorization", "Basic " + (user + QLatin1Char(':') + password).toUtf8().toBase64());
    req.setTransferTimeout(60000);   // a switchover answers when it is done
    QNetworkReply *reply = m_http->post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
    // Patroni writes its whole answer at once: the first data is all of it.
    auto answer = std::make_shared<QByteArray>();
    auto answered = std::make_shared<bool>(false);
    connect(reply, &QIODevice::readyRead, this, [reply, answer, answered, done] {
        answer->append(reply->readAll());
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (*answered || status == 0 || answer->isEmpty())
            return;
        *answered = true;
        done(status, *answer, {});
        reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [reply, done, answer, answered] {
        reply->deleteLater();
        if (*answered)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer->append(reply->readAll());
        done(status, *answer, status == 0 || answer->isEmpty() ? reply->errorString() : QString());
    });
}

void PatroniClient::waitForLeader(const QString &member, qint64 startedMs, std::function<void(bool, QString)> done)
{
    QPointer<PatroniClient> self(this);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    // The poll holds itself only through its request in flight (no cycle once it is done).
    using Poll = std::function<void(int)>;
    auto poll = std::make_shared<Poll>();
    std::weak_ptr<Poll> weak = poll;
    *poll = [self, member, startedMs, done, clock, weak](int attempt) {
        std::shared_ptr<Poll> me = weak.lock();
        if (!self || !me)
            return;
        self->get(attempt, QStringLiteral("cluster"),
                  [self, member, startedMs, done, clock, me, attempt](int status, QJsonObject body, QString) {
                      if (!self)
                          return;
                      if (status == 200) {
                          for (const auto &m : body.value(QStringLiteral("members")).toArray()) {
                              const QJsonObject o = m.toObject();
                              if (o.value(QStringLiteral("name")).toString() == member &&
                                  o.value(QStringLiteral("role")).toString() == QLatin1String("leader") &&
                                  o.value(QStringLiteral("state")).toString() == QLatin1String("running")) {
                                  done(true, QStringLiteral("%1 leads the red box now (%2 s).")
                                                 .arg(member)
                                                 .arg(static_cast<double>(startedMs + clock->elapsed()) / 1000.0, 0, 'f', 1));
                                  return;
                              }
                          }
                      }
                      if (clock->elapsed() > 90'000) {
                          done(false, QStringLiteral("%1 did not take over within 90 s; look at Health.").arg(member));
                          return;
                      }
                      QTimer::singleShot(500, self, [me, attempt] { (*me)(attempt + 1); });
                  });
    };
    (*poll)(0);
}

std::optional<std::pair<QString, QString>> readPatroniSecret(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return std::nullopt;
    const QString line = QString::fromUtf8(f.readLine(4096)).trimmed();
    const qsizetype colon = line.indexOf(QLatin1Char(':'));
    if (colon <= 0 || colon == line.size() - 1)
        return std::nullopt;
    return std::pair{line.left(colon), line.mid(colon + 1)};
}

}   // namespace redbox

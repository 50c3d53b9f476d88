// A client of Patroni's REST API for one red box pair: HTTPS with the
// network's CA verified, HTTP/1.x (Patroni's), answers read as they arrive
// (Patroni answers HTTP/1.0 without a length and does not end its TLS session
// cleanly), the unsafe endpoints with Basic credentials. Requests go to the
// pair's APIs in turn (index modulo the list), so one dead server does not
// stop a switchover.
#pragma once

#include "kioskcore/kioskconfig.h"

#include <QJsonObject>
#include <QObject>

#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkRequest;

namespace redbox {

class PatroniClient : public QObject {
    Q_OBJECT
public:
    PatroniClient(QList<Endpoint> apis, QString caFile, QObject *parent = nullptr);

    bool configured() const { return !m_apis.isEmpty(); }
    using GetDone = std::function<void(int status, QJsonObject body, QString error)>;
    using PostDone = std::function<void(int status, QByteArray body, QString error)>;
    void get(int index, const QString &path, GetDone done);
    void post(int index, const QString &path, const QJsonObject &body, const QString &user, const QString &password, PostDone done);
    // Polls the cluster until MEMBER leads and runs (or 90 s pass). STARTEDMS counts into the time reported.
    void waitForLeader(const QString &member, qint64 startedMs, std::function<void(bool ok, QString message)> done);

private:
    QNetworkRequest request(int index, const QString &path);

    QList<Endpoint> m_apis;
    QString m_caFile;
    QNetworkAccessManager *m_http = nullptr;
};

// The pair's Patroni REST credentials from a kiosk's secret file ("user:password" on its first line).
std::optional<std::pair<QString, QString>> readPatroniSecret(const QString &file);

}   // namespace redbox

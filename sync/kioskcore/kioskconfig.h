// One kiosk's configuration: who it is, where its red box pair, coast and HQ
// are, where the CA, its own password files and keys are, where it keeps its
// cache and outbox. Loaded from an INI file (`redbox-net kiosk enroll` writes
// it) and validated with clear errors; secrets live in separate 0600 files,
// never in this file. The kiosk logs in as itself: kiosk.ID at its red box
// pair, verifier.ID at its coast and HQ.
#pragma once

#include <QString>
#include <QStringList>

#include <stdexcept>

namespace redbox {

class ConfigError : public std::runtime_error {
public:
    explicit ConfigError(const QString &message) : std::runtime_error(message.toStdString()), m_message(message) {}
    const QString &message() const { return m_message; }

private:
    QString m_message;
};

struct Endpoint {
    QString host;
    int port = 0;
};

struct KioskConfig {
    QString kioskId;
    QString database = QStringLiteral("redbox");
    QString redboxNode;
    QList<Endpoint> redbox;   // primary and standby (either may be primary)
    QString coastNode;
    QList<Endpoint> coast;
    QList<Endpoint> hq;
    QList<Endpoint> patroni;   // the red box pair's Patroni REST APIs (maintenance mode's failover); optional
    QString caFile;
    QString kioskPassfile;   // kiosk.ID's password at its red box pair
    QString verifierPassfile;   // verifier.ID's at its coast and HQ
    QString patroniSecretFile;   // "user:password" of its pair's Patroni REST API (maintenance's failover); optional
    QString cardKeyFile;
    QString kioskKeyFile;
    QString storageDir;
    QString exportDir;   // where maintenance mode writes diagnostics bundles (default: storage/diagnostics)
    QString language = QStringLiteral("en");
    QString orientation = QStringLiteral("portrait");
    QString theme = QStringLiteral("day");
    // How long a call waits for a red box that stopped answering, counted from when its link went
    // down; then the kiosk rents and takes returns offline (within the allowance) at once.
    int offlineAfterMs = 1000;
    int escalationTimeoutMs = 3000;
    int offlineAllowance = 3;
    int cachePageSize = 500;   // rows per cache sync page
    int heartbeatEveryS = 60;   // the kiosk reports its health to its red box this often
    // How long each hardware request may take before the kiosk asks the device's status, and
    // how long that answer may take; then the request ends as failed ([hardware] *_ms).
    int dispenseTimeoutMs = 20'000;
    int storeTimeoutMs = 20'000;
    int ejectTimeoutMs = 10'000;
    int paymentTimeoutMs = 90'000;   // the customer presents the card, and its bank answers
    int selfTestTimeoutMs = 600'000;
    int clearJamTimeoutMs = 60'000;
    int statusTimeoutMs = 3'000;

    static KioskConfig load(const QString &path);   // throws ConfigError
    void validate() const;   // throws ConfigError

    QString redboxLogin() const;   // "kiosk.ID"
    QString verifierLogin() const;   // "verifier.ID"

    // libpq connection strings (no passwords: passfile=), TLS verify-full.
    QString redboxConninfo(int rotate = 0) const;
    QString coastConninfo() const;
    QString hqConninfo() const;
    // One server, whatever its role (primary or standby): for the technician's health probes;
    // a red box server with the kiosk's red box login, any other with its escalation login.
    QString serverConninfo(const Endpoint &server, bool redboxServer, int timeoutS = 2) const;
};

QList<Endpoint> parseEndpoints(const QString &text, const QString &what);   // "host:port,host:port"

}   // namespace redbox

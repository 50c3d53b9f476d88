// The metrics exposition format and the /metrics endpoint, from the scraper's
// side and from an attacker's: TLS checked against the endpoint's own
// certificate, the bearer token, the paths and methods it refuses.
#include "metrics/exposition.h"
#include "metrics/metricsserver.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <stdexcept>

using namespace redbox::metrics;

namespace {
const QByteArray kToken = QByteArrayLiteral("0123456789abcdef-scraper");

struct Answer {
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QByteArray authenticate;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
};
}   // namespace

class TestMetrics : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_cert;
    QString m_key;

    Answer call(quint16 port, const QByteArray &path, const QByteArray &authorization, const QByteArray &method = "GET",
                bool trustCert = true)
    {
        QNetworkAccessManager nam;
        QNetworkRequest req(QUrl(QStringLiteral("https://127.0.0.1:%1%2").arg(port).arg(QString::fromLatin1(path))));
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        if (trustCert)
            ssl.setCaCertificates(QSslCertificate::fromPath(m_cert));
        req.setSslConfiguration(ssl);
        if (!authorization.isEmpty())
            req.setRawHeader("Authorization", authorization);
        req.setTransferTimeout(10'000);
        QNetworkReply *reply = nam.sendCustomRequest(req, method);
        QSignalSpy done(reply, &QNetworkReply::finished);
        [&] { QVERIFY(done.wait(15'000)); }();
        Answer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.body = reply->readAll();
        a.contentType = reply->rawHeader("Content-Type");
        a.authenticate = reply->rawHeader("WWW-Authenticate");
        a.error = reply->error();
        delete reply;
        return a;
    }

    EndpointOptions options() const
    {
        EndpointOptions o;
        o.host = QHostAddress::LocalHost;
        o.certFile = m_cert;
        o.keyFile = m_key;
        o.token = kToken;
        return o;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cert = m_dir.filePath(QStringLiteral("metrics.crt"));
        m_key = m_dir.filePath(QStringLiteral("metrics.key"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                       QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), m_key, QStringLiteral("-out"), m_cert, QStringLiteral("-days"), QStringLiteral("1"),
                       QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                       QStringLiteral("subjectAltName=IP:127.0.0.1")});
        QVERIFY(openssl.waitForFinished(30'000));
        QCOMPARE(openssl.exitCode(), 0);
    }

    void writesTheTextFormat()
    {
        Exposition e;
        e.family("redbox_hops_total", Type::Counter, QStringLiteral("Hops.\nDelivered."));
        e.sample("redbox_hops_total", {{"dest", QStringLiteral("hq")}}, 12);
        e.sample("redbox_hops_total", {{"dest", QStringLiteral("west")}, {"kind", QStringLiteral("rental")}}, 0.5);
        e.family("redbox_lag_seconds", Type::Gauge, QStringLiteral("Lag."));
        e.sample("redbox_lag_seconds", {}, qQNaN());
        QCOMPARE(e.text(), QByteArray("# HELP redbox_hops_total Hops.\\nDelivered.\n"
                                      "# TYPE redbox_hops_total counter\n"
                                      "redbox_hops_total{dest=\"hq\"} 12\n"
                                      "redbox_hops_total{dest=\"west\",kind=\"rental\"} 0.5\n"
                                      "# HELP redbox_lag_seconds Lag.\n"
                                      "# TYPE redbox_lag_seconds gauge\n"
                                      "redbox_lag_seconds NaN\n"));
    }
    void escapesLabelValues()
    {
        QCOMPARE(Exposition::escapeLabelValue(QStringLiteral("a\"b\\c\nd")), QByteArray("a\\\"b\\\\c\\nd"));
        Exposition e;
        e.family("m", Type::Gauge, QStringLiteral("x"));
        e.sample("m", {{"kiosk", QStringLiteral("K\"} 1\nevil 2")}}, 1);
        // The injected text stays inside the label's quotes: one sample line, no "evil" metric.
        const QList<QByteArray> lines = e.text().split('\n');
        QCOMPARE(lines.size(), 4);   // HELP, TYPE, the sample, and the empty tail
        QVERIFY(lines[2].startsWith("m{kiosk=\"K\\\"} 1\\nevil 2\"} 1"));
    }
    void formatsValues()
    {
        QCOMPARE(Exposition::formatValue(3), QByteArray("3"));
        QCOMPARE(Exposition::formatValue(-2), QByteArray("-2"));
        QCOMPARE(Exposition::formatValue(0.25), QByteArray("0.25"));
        QCOMPARE(Exposition::formatValue(qInf()), QByteArray("+Inf"));
        QCOMPARE(Exposition::formatValue(-qInf()), QByteArray("-Inf"));
        QCOMPARE(Exposition::formatValue(1e20), QByteArray("1e+20"));
    }
    void refusesBadNames()
    {
        QVERIFY(Exposition::validName("redbox:rate_5m"));
        QVERIFY(!Exposition::validName("9lives"));
        QVERIFY(!Exposition::validName("has space"));
        QVERIFY(!Exposition::validName(""));
        QVERIFY(Exposition::validLabelName("dest"));
        QVERIFY(!Exposition::validLabelName("__name__"));
        QVERIFY(!Exposition::validLabelName("a:b"));
        Exposition e;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, e.family("bad name", Type::Gauge, QStringLiteral("x")));
        e.family("ok", Type::Gauge, QStringLiteral("x"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, e.sample("other", {}, 1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, e.sample("ok", {{"bad-label", QStringLiteral("v")}}, 1));
    }

    void servesItsFiguresOnItsOwnThread()
    {
        std::atomic<bool> offMain{false};
        QThread *mainThread = QThread::currentThread();
        auto ep = MetricsEndpoint::start(options(), [&] {
            offMain = QThread::currentThread() != mainThread;
            return QByteArray("# TYPE redbox_up gauge\nredbox_up 1\n");
        });
        QVERIFY(ep->port() > 0);
        const Answer a = call(ep->port(), "/metrics", "Bearer " + kToken);
        QCOMPARE(a.status, 200);
        QCOMPARE(a.body, QByteArray("# TYPE redbox_up gauge\nredbox_up 1\n"));
        QVERIFY2(a.contentType.startsWith("text/plain; version=0.0.4"), a.contentType.constData());
        QVERIFY(offMain.load());
    }
    void refusesAMissingOrWrongToken_data()
    {
        QTest::addColumn<QByteArray>("authorization");
        QTest::newRow("none") << QByteArray();
        QTest::newRow("wrong") << QByteArray("Bearer 0123456789abcdef-scrapes");
        QTest::newRow("prefix") << QByteArray("Bearer 0123456789abcdef");
        QTest::newRow("basic") << QByteArray("Basic " + kToken.toBase64());
        QTest::newRow("token alone") << kToken;
    }
    void refusesAMissingOrWrongToken()
    {
        QFETCH(QByteArray, authorization);
        bool asked = false;
        auto ep = MetricsEndpoint::start(options(), [&] {
            asked = true;
            return QByteArray("secret figures\n");
        });
        const Answer a = call(ep->port(), "/metrics", authorization);
        QCOMPARE(a.status, 401);
        QCOMPARE(a.authenticate, QByteArray("Bearer"));
        QVERIFY(!a.body.contains("secret"));
        QVERIFY(!asked);
    }
    void servesNothingElse()
    {
        auto ep = MetricsEndpoint::start(options(), [] { return QByteArray("x 1\n"); });
        QCOMPARE(call(ep->port(), "/", "Bearer " + kToken).status, 404);
        QCOMPARE(call(ep->port(), "/metrics/../etc/passwd", "Bearer " + kToken).status, 404);
        QCOMPARE(call(ep->port(), "/metrics", "Bearer " + kToken, "POST").status, 405);
        QCOMPARE(call(ep->port(), "/metrics", "Bearer " + kToken, "DELETE").status, 405);
    }
    void saysWhenTheFiguresFail()
    {
        auto ep = MetricsEndpoint::start(options(), []() -> QByteArray { throw std::runtime_error("the node went away"); });
        const Answer a = call(ep->port(), "/metrics", "Bearer " + kToken);
        QCOMPARE(a.status, 500);
        QVERIFY(a.body.contains("the node went away"));
    }
    void speaksOnlyTls()
    {
        auto ep = MetricsEndpoint::start(options(), [] { return QByteArray("x 1\n"); });
        // A client that does not trust the certificate gets no answer.
        const Answer untrusted = call(ep->port(), "/metrics", "Bearer " + kToken, "GET", false);
        QCOMPARE(untrusted.error, QNetworkReply::SslHandshakeFailedError);
        QCOMPARE(untrusted.status, 0);
        // Plain HTTP on the TLS port gets no HTTP answer.
        QTcpSocket plain;
        plain.connectToHost(QHostAddress::LocalHost, ep->port());
        QVERIFY(plain.waitForConnected(5000));
        plain.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kToken + "\r\n\r\n");
        plain.waitForReadyRead(2000);
        QVERIFY(!plain.readAll().contains("x 1"));
    }
    void refusesBadSetups()
    {
        EndpointOptions o = options();
        o.certFile = m_dir.filePath(QStringLiteral("missing.crt"));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, MetricsEndpoint::start(o, [] { return QByteArray(); }));
        o = options();
        o.keyFile = m_cert;   // a certificate is not a key
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, MetricsEndpoint::start(o, [] { return QByteArray(); }));
        o = options();
        o.token = "short";
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, MetricsEndpoint::start(o, [] { return QByteArray(); }));
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost));
        o = options();
        o.port = taken.serverPort();
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, MetricsEndpoint::start(o, [] { return QByteArray(); }));
    }
    void readsTokens()
    {
        const QString path = m_dir.filePath(QStringLiteral("token"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kToken + "\n");
        f.close();
        QCOMPARE(readToken(path), kToken);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("short\n");
        f.close();
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, readToken(path));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, readToken(m_dir.filePath(QStringLiteral("none"))));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"

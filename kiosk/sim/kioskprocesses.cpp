// The kiosks that run as their own processes (see kioskprocesses.h).
#include "sim/kioskprocesses.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTimer>

#include <cstdio>

namespace redbox::sim {

namespace {

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QJsonObject memberJson(const SimMember &m)
{
    return {{QStringLiteral("id"), static_cast<double>(m.id)},
            {QStringLiteral("card"), m.card},
            {QStringLiteral("pin"), m.pin},
            {QStringLiteral("coast"), m.coast},
            {QStringLiteral("plan_limit"), m.planLimit},
            {QStringLiteral("walk_up"), m.walkUp}};
}

}   // namespace

struct KioskProcesses::Child {
    SimKioskRef ref;
    bool killable = false;   // else it is the one cut off the network
    int gid = 0;
    QString storage;
    QJsonArray home, travelers;
    QJsonArray holdings;
    QProcess *proc = nullptr;
    QByteArray buffer;
    bool armed = false;   // kill -9 at its next rental
    qint64 killedAt = 0;
    int restarts = 0;
    bool finished = false;
    QJsonObject done;   // its last report
};

KioskProcesses::KioskProcesses(const Scenario &scenario, History &history, HostFaults &host, QString workDir, QString self, QObject *parent)
    : QObject(parent), m_s(scenario), m_history(history), m_host(host), m_workDir(std::move(workDir)), m_self(std::move(self))
{}

KioskProcesses::~KioskProcesses()
{
    for (auto &c : m_children)
        if (c->proc && c->proc->state() != QProcess::NotRunning) {
            c->proc->kill();
            c->proc->waitForFinished(5000);
        }
}

void KioskProcesses::add(const SimKioskRef &ref, const World &world, bool killable)
{
    auto c = std::make_unique<Child>();
    c->ref = ref;
    c->killable = killable;
    c->gid = HostFaults::kFirstKioskGid + static_cast<int>(m_children.size());
    for (qint64 id : world.homeMembers(ref.id) + world.walkUps(ref.id))
        c->home.append(memberJson(world.member(id)));
    for (qint64 id : world.travelers(ref.id))
        c->travelers.append(memberJson(world.member(id)));
    m_children.push_back(std::move(c));
}

void KioskProcesses::startAll(qint64 runEnd, qint64 drainDeadline)
{
    m_runEnd = runEnd;
    m_drainDeadline = drainDeadline;
    for (auto &c : m_children)
        start(*c);
}

void KioskProcesses::start(Child &c)
{
    c.storage = m_workDir + QStringLiteral("/kiosks/") + c.ref.id;
    QDir().mkpath(c.storage);
    const QJsonObject spec{{QStringLiteral("kiosk"), QJsonObject{{QStringLiteral("id"), c.ref.id},
                                                                 {QStringLiteral("node"), c.ref.node},
                                                                 {QStringLiteral("coast"), c.ref.coast},
                                                                 {QStringLiteral("config"), c.ref.config}}},
                           {QStringLiteral("storage"), c.storage},
                           {QStringLiteral("gid"), c.gid},
                           {QStringLiteral("home"), c.home},
                           {QStringLiteral("travelers"), c.travelers},
                           {QStringLiteral("holdings"), c.holdings},
                           {QStringLiteral("scenario"), m_s.toJson()},
                           {QStringLiteral("until"), static_cast<double>(m_runEnd)},
                           {QStringLiteral("drain_until"), static_cast<double>(m_drainDeadline - 30'000)}};
    const QString specPath = m_workDir + QStringLiteral("/process-") + c.ref.id + QStringLiteral(".json");
    QFile f(specPath);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        m_history.note({{QStringLiteral("event"), QStringLiteral("kiosk process not started")}, {QStringLiteral("kiosk"), c.ref.id}});
        c.finished = true;
        return;
    }
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);   // it holds generated members' PINs
    f.write(QJsonDocument(spec).toJson(QJsonDocument::Compact));
    f.close();
    c.proc = new QProcess(this);
    c.proc->setProcessChannelMode(QProcess::SeparateChannels);
    c.proc->setReadChannel(QProcess::StandardOutput);
    c.proc->setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    Child *cp = &c;
    connect(c.proc, &QProcess::readyReadStandardOutput, this, [this, cp] { onOutput(*cp); });
    connect(c.proc, &QProcess::readyReadStandardError, this, [cp] {
        const QByteArray err = cp->proc->readAllStandardError();
        if (!err.trimmed().isEmpty())
            std::fprintf(stderr, "[%s] %s", qPrintable(cp->ref.id), err.constData());
    });
    connect(c.proc, &QProcess::finished, this, [this, cp](int code, QProcess::ExitStatus status) {
        onOutput(*cp);
        cp->proc->deleteLater();
        cp->proc = nullptr;
        if (status == QProcess::NormalExit && code == 0 && !cp->done.isEmpty()) {
            cp->finished = true;
            return;
        }
        if (!cp->killedAt)
            m_history.note({{QStringLiteral("event"), QStringLiteral("kiosk process died")},
                            {QStringLiteral("kiosk"), cp->ref.id},
                            {QStringLiteral("code"), code}});
        cp->killedAt = 0;
        if (now() > m_drainDeadline) {
            cp->finished = true;
            return;
        }
        // Restarted from its own files, as a kiosk's watchdog would.
        ++cp->restarts;
        QTimer::singleShot(2000, this, [this, cp] { start(*cp); });
    });
    c.proc->start(m_self, {QStringLiteral("--kiosk-process"), specPath});
}

void KioskProcesses::kill(Child &c, const QJsonObject &why)
{
    c.armed = false;
    c.killedAt = now();
    c.proc->kill();   // SIGKILL
    QJsonObject e{{QStringLiteral("event"), QStringLiteral("kiosk killed")}, {QStringLiteral("kiosk"), c.ref.id}};
    for (auto it = why.begin(); it != why.end(); ++it)
        e.insert(it.key(), it.value());
    m_history.note(e);
}

void KioskProcesses::onOutput(Child &c)
{
    if (!c.proc)
        return;
    c.buffer += c.proc->readAllStandardOutput();
    qsizetype nl;
    while ((nl = c.buffer.indexOf('\n')) >= 0) {
        const QByteArray line = c.buffer.left(nl);
        c.buffer.remove(0, nl + 1);
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.isEmpty())
            continue;
        const QString kind = o.value(QStringLiteral("kind")).toString();
        if (kind == QLatin1String("holdings")) {
            c.holdings = o.value(QStringLiteral("list")).toArray();
        } else if (kind == QLatin1String("process-done")) {
            c.done = o;
        } else {
            m_history.addJson(o);
            if (c.armed && kind == QLatin1String("rent") && o.value(QStringLiteral("phase")).toString() == QLatin1String("invoked")) {
                kill(c, {{QStringLiteral("rental"), o.value(QStringLiteral("id")).toString()}});   // mid-rental
                return;
            }
        }
    }
}

FaultTarget KioskProcesses::armKill()
{
    for (auto &c : m_children) {
        if (!c->killable)
            continue;
        if (!c->proc || c->proc->state() != QProcess::Running)
            return FaultTarget::refused(QStringLiteral("kiosk process %1 is not running").arg(c->ref.id));
        c->armed = true;
        Child *cp = c.get();
        QTimer::singleShot(60'000, this, [this, cp] {
            if (cp->armed && cp->proc)
                kill(*cp, {{QStringLiteral("detail"), QStringLiteral("no rental started within 60 s")}});
        });
        return FaultTarget::at(c->ref.id);
    }
    return FaultTarget::refused(QStringLiteral("no kiosk process for kill_kiosk"));
}

FaultTarget KioskProcesses::cut(bool cutOff)
{
    for (auto &c : m_children)
        if (!c->killable)
            return m_host.cutGroup(c->gid, cutOff, c->ref.id);
    return FaultTarget::refused(QStringLiteral("no kiosk process for cut_kiosk"));
}

bool KioskProcesses::allFinished() const
{
    return std::all_of(m_children.begin(), m_children.end(), [](const auto &c) { return c->finished; });
}

int KioskProcesses::restarts() const
{
    int n = 0;
    for (const auto &c : m_children)
        n += c->restarts;
    return n;
}

int KioskProcesses::maxOutbox() const
{
    int n = 0;
    for (const auto &c : m_children)
        n = std::max(n, c->done.value(QStringLiteral("max_outbox")).toInt());
    return n;
}

void KioskProcesses::leftovers(KioskLeftovers &left, QStringList &notes) const
{
    for (const auto &c : m_children) {
        if (!c->finished) {
            notes << QStringLiteral("kiosk process %1 did not finish draining in time").arg(c->ref.id);
            left.outbox += 1;
        }
        left.outbox += c->done.value(QStringLiteral("outbox")).toInt();
        left.journal += c->done.value(QStringLiteral("journal")).toInt();
    }
}

}   // namespace redbox::sim

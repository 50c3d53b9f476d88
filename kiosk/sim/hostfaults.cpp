// Faults the simulator makes on this machine (see hostfaults.h).
#include "sim/hostfaults.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>

namespace redbox::sim {

namespace {

QString nftProgram()
{
    const QString found = QStandardPaths::findExecutable(QStringLiteral("nft"), {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    return found.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("nft")) : found;
}

QString tableFor(int gid)
{
    return QStringLiteral("redbox_sim_%1").arg(gid);
}

}   // namespace

int HostFaults::run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(30'000)) {
        p.kill();
        p.waitForFinished();
        return -1;
    }
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

FaultTarget HostFaults::cutGroup(int gid, bool cut, const QString &kioskId)
{
    const QString nft = nftProgram();
    const QString table = tableFor(gid);
    if (!cut) {
        if (!nft.isEmpty())
            run(nft, {QStringLiteral("delete"), QStringLiteral("table"), QStringLiteral("inet"), table});
        return FaultTarget::at(kioskId);
    }
    if (nft.isEmpty())
        return FaultTarget::refused(QStringLiteral("nft is not installed (apt-get install nftables)"));
    if (run(nft, {QStringLiteral("add"), QStringLiteral("table"), QStringLiteral("inet"), table}) != 0 ||
        run(nft, {QStringLiteral("add"), QStringLiteral("chain"), QStringLiteral("inet"), table, QStringLiteral("out"),
                  QStringLiteral("{ type filter hook output priority 0 ; }")}) != 0 ||
        run(nft, {QStringLiteral("add"), QStringLiteral("rule"), QStringLiteral("inet"), table, QStringLiteral("out"),
                  QStringLiteral("meta"), QStringLiteral("skgid"), QString::number(gid), QStringLiteral("drop")}) != 0)
        return FaultTarget::refused(QStringLiteral("nftables refused the rule (needs root and nf_tables)"));
    return FaultTarget::at(kioskId);
}

QString HostFaults::mountSmallDisk(const QString &kioskId)
{
    m_diskMount = m_workDir + QStringLiteral("/smalldisk");
    QDir().mkpath(m_diskMount);
    if (run(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                      QStringLiteral("size=48m,mode=0700"), QStringLiteral("redbox-sim"), m_diskMount}) != 0) {
        m_diskNote = QStringLiteral("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)");
        m_diskMount.clear();
        return {};
    }
    m_diskKiosk = kioskId;
    return m_diskMount;
}

FaultTarget HostFaults::fillDisk(bool fill)
{
    if (m_diskMount.isEmpty())
        return FaultTarget::refused(m_diskNote.isEmpty() ? QStringLiteral("no small disk was set up") : m_diskNote);
    const QString filler = m_diskMount + QStringLiteral("/filler");
    if (!fill) {
        QFile::remove(filler);
        return FaultTarget::at(m_diskKiosk);
    }
    QFile f(filler);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return FaultTarget::refused(QStringLiteral("cannot write the filler file"));
    const QByteArray chunk(1 << 20, '\0');
    while (f.write(chunk) == chunk.size()) {
    }
    f.flush();   // the write that failed left the tmpfs full
    f.close();
    return FaultTarget::at(m_diskKiosk);
}

void HostFaults::cleanup()
{
    if (!m_diskMount.isEmpty()) {
        run(QStringLiteral("umount"), {QStringLiteral("-l"), m_diskMount});
        m_diskMount.clear();
    } else if (!m_workDir.isEmpty() && QFile::exists(m_workDir + QStringLiteral("/smalldisk"))) {
        run(QStringLiteral("umount"), {QStringLiteral("-l"), m_workDir + QStringLiteral("/smalldisk")});
    }
    const QString nft = nftProgram();
    if (!nft.isEmpty())
        for (int i = 0; i < kMaxKioskGids; ++i)
            run(nft, {QStringLiteral("delete"), QStringLiteral("table"), QStringLiteral("inet"), tableFor(kFirstKioskGid + i)});
}

}   // namespace redbox::sim

// redbox-sim: many full kiosks, scripted customers and injected faults
// against a network brought up by deploy/redbox-net; invariants at the end.
//
//   redbox-sim --state-dir build/sim-net --scenario tests/sim/ci-short.json
//
// Exit status: 0 when every invariant holds, 1 on any violation, 2 when the
// run could not be made (bad scenario, no network, kiosks that cannot start).
#include "sim/scenario.h"
#include "sim/simrun.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QProcessEnvironment>

#include <cstdio>

#ifndef REDBOX_NET_TOOL_DEFAULT
#define REDBOX_NET_TOOL_DEFAULT "/usr/lib/redbox/redbox-net"
#endif

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("redbox-sim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(REDBOX_VERSION));

    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Runs many full simulated kiosks (the kiosk's own engine, controllers and files, no screen) with scripted "
                       "customers and injected faults against a network brought up by deploy/redbox-net, then checks that nothing was "
                       "lost, duplicated or left over. The scenario file's format is described in kiosk/sim/scenario.h and the README."));
    p.addHelpOption();
    p.addVersionOption();
    QCommandLineOption stateOpt(QStringLiteral("state-dir"), QStringLiteral("the network's state folder (redbox-net --state-dir)"),
                                QStringLiteral("dir"));
    QCommandLineOption scenarioOpt(QStringLiteral("scenario"), QStringLiteral("scenario file (JSON)"), QStringLiteral("file"));
    QCommandLineOption workOpt(QStringLiteral("work"),
                               QStringLiteral("folder for the kiosks' files, history and report "
                                              "(default STATE/sim)"),
                               QStringLiteral("dir"));
    QCommandLineOption reportOpt(QStringLiteral("report"), QStringLiteral("JSON report file (default WORK/report.json)"),
                                 QStringLiteral("file"));
    QCommandLineOption toolOpt(QStringLiteral("tool"), QStringLiteral("deploy/redbox-net (default $REDBOX_NET_TOOL or the build's)"),
                               QStringLiteral("path"));
    QCommandLineOption forwarderOpt(QStringLiteral("forwarder"), QStringLiteral("redbox-forwarder, to restart killed ones"),
                                    QStringLiteral("path"));
    QCommandLineOption threadsOpt(QStringLiteral("threads"), QStringLiteral("threads for in-process kiosks (default: one per core)"),
                                  QStringLiteral("n"), QStringLiteral("0"));
    QCommandLineOption seedOpt(QStringLiteral("seed"), QStringLiteral("override the scenario's seed"), QStringLiteral("n"));
    QCommandLineOption kiosksOpt(QStringLiteral("kiosks"), QStringLiteral("override the scenario's number of kiosks"), QStringLiteral("n"));
    QCommandLineOption durationOpt(QStringLiteral("duration"), QStringLiteral("override the scenario's duration (s)"), QStringLiteral("s"));
    QCommandLineOption verboseOpt(QStringLiteral("verbose"), QStringLiteral("log every kiosk's engine"));
    QCommandLineOption processOpt(QStringLiteral("kiosk-process"), QStringLiteral("(internal) run one kiosk from a spec file"),
                                  QStringLiteral("spec"));
    processOpt.setFlags(QCommandLineOption::HiddenFromHelp);
    p.addOptions({stateOpt, scenarioOpt, workOpt, reportOpt, toolOpt, forwarderOpt, threadsOpt, seedOpt, kiosksOpt, durationOpt, verboseOpt,
                  processOpt});
    p.process(app);

    if (!p.isSet(verboseOpt))
        QLoggingCategory::setFilterRules(QStringLiteral("redbox.*.info=false\nredbox.*.warning=false\n"
                                                        "redbox.sim.info=true\nredbox.sim.warning=true\n"
                                                        "redbox.sim.faults.info=true\nredbox.sim.kiosk.warning=true"));

    if (p.isSet(processOpt))
        return redbox::sim::runKioskProcess(p.value(processOpt));

    if (!p.isSet(stateOpt) || !p.isSet(scenarioOpt)) {
        std::fprintf(stderr, "redbox-sim: --state-dir and --scenario are required (see --help)\n");
        return 2;
    }
    redbox::sim::Scenario scenario;
    try {
        scenario = redbox::sim::Scenario::load(p.value(scenarioOpt));
        QJsonObject o = scenario.toJson();
        bool changed = false;
        auto override = [&](const QCommandLineOption &opt, const QString &key) {
            if (!p.isSet(opt))
                return;
            bool ok = false;
            const double v = p.value(opt).toDouble(&ok);
            if (!ok)
                throw redbox::sim::ScenarioError(("--" + opt.names().first() + " must be a number").toStdString());
            o.insert(key, v);
            changed = true;
        };
        override(seedOpt, QStringLiteral("seed"));
        override(kiosksOpt, QStringLiteral("kiosks"));
        override(durationOpt, QStringLiteral("duration_s"));
        if (changed) {
            // Faults past a shortened run are dropped rather than refused.
            QJsonArray faults;
            for (const auto &f : o.value(QStringLiteral("faults")).toArray())
                if (f.toObject().value(QStringLiteral("at_s")).toDouble() <= o.value(QStringLiteral("duration_s")).toDouble())
                    faults.append(f);
            o.insert(QStringLiteral("faults"), faults);
            scenario = redbox::sim::Scenario::fromJson(o);
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "redbox-sim: %s\n", e.what());
        return 2;
    }

    const auto env = QProcessEnvironment::systemEnvironment();
    redbox::sim::SimOptions o;
    o.stateDir = QFileInfo(p.value(stateOpt)).absoluteFilePath();
    o.tool = p.isSet(toolOpt) ? p.value(toolOpt) : env.value(QStringLiteral("REDBOX_NET_TOOL"), QStringLiteral(REDBOX_NET_TOOL_DEFAULT));
    const QString besideUs = QCoreApplication::applicationDirPath() + QStringLiteral("/redbox-forwarder");
    o.forwarder = p.isSet(forwarderOpt) ? p.value(forwarderOpt) : (QFileInfo::exists(besideUs) ? besideUs : QString());
    o.workDir = p.isSet(workOpt) ? QFileInfo(p.value(workOpt)).absoluteFilePath() : o.stateDir + QStringLiteral("/sim");
    o.reportPath = p.value(reportOpt);
    o.self = QCoreApplication::applicationFilePath();
    o.threads = p.value(threadsOpt).toInt();
    if (!QFileInfo(o.tool).isExecutable()) {
        std::fprintf(stderr, "redbox-sim: the network tool %s is not there (--tool)\n", qPrintable(o.tool));
        return 2;
    }

    redbox::sim::SimRun run(o, scenario);
    QObject::connect(&run, &redbox::sim::SimRun::finished, &app, [](int code) { QCoreApplication::exit(code); });
    run.start();
    return QCoreApplication::exec();
}

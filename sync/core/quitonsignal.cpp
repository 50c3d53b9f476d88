// SIGTERM/SIGINT to a clean quit (see quitonsignal.h).
#include "core/quitonsignal.h"

#include "core/logging.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <stdexcept>

namespace redbox {

namespace {

int g_pair[2] = {-1, -1};

void onSignal(int signo)
{
    const char byte = static_cast<char>(signo);
    [[maybe_unused]] const ssize_t n = ::write(g_pair[0], &byte, 1);
}

}   // namespace

void quitOnTerminationSignals()
{
    if (g_pair[0] >= 0)
        return;
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_pair) != 0)
        throw std::runtime_error(std::string("socketpair for signals: ") + std::strerror(errno));
    auto *notifier = new QSocketNotifier(static_cast<qintptr>(g_pair[1]), QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, notifier, [] {
        char byte = 0;
        if (::read(g_pair[1], &byte, 1) == 1)
            qCInfo(lcService, "signal %d: quitting", static_cast<int>(byte));
        QCoreApplication::quit();
    });
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (::sigaction(SIGTERM, &sa, nullptr) != 0 || ::sigaction(SIGINT, &sa, nullptr) != 0)
        throw std::runtime_error(std::string("sigaction: ") + std::strerror(errno));
}

}   // namespace redbox

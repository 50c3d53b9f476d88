// Running work in another object's thread. Every hand-off of ours between
// threads goes through postTo(): it queues WORK for TARGET's event loop (or,
// with Qt::BlockingQueuedConnection, waits for it). Under ThreadSanitizer the
// hand-off is also announced to it: Debian's Qt is not built with it, so the
// order Qt's posted-event queue gives (a futex-based QMutex it cannot see)
// would otherwise look like a race on everything the two threads share.
#pragma once

#include <QMetaObject>
#include <QObject>

#include <type_traits>
#include <utility>

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void *addr);
extern "C" void __tsan_release(void *addr);
#endif

namespace redbox {

namespace detail {
inline char g_handoff;   // one point every hand-off passes: coarse, and enough to order them
inline void handoffRelease()
{
#if defined(__SANITIZE_THREAD__)
    __tsan_release(&g_handoff);
#endif
}
inline void handoffAcquire()
{
#if defined(__SANITIZE_THREAD__)
    __tsan_acquire(&g_handoff);
#endif
}
}   // namespace detail

#if defined(__SANITIZE_THREAD__)
#define REDBOX_NO_TSAN __attribute__((no_sanitize_thread))
#else
#define REDBOX_NO_TSAN
#endif

template <typename Work>
bool postTo(QObject *target, Work &&work, Qt::ConnectionType type = Qt::QueuedConnection)
{
    // The work is boxed before the hand-off is announced, so everything it carries is ordered by
    // it; the queued call itself carries only the box's address, read uninstrumented (the event
    // holding it is written by Qt's code after the announcement).
    auto *box = new std::decay_t<Work>(std::forward<Work>(work));
    detail::handoffRelease();
    const bool posted = QMetaObject::invokeMethod(
        target,
        [box]() REDBOX_NO_TSAN {
            detail::handoffAcquire();
            (*box)();
            delete box;
            detail::handoffRelease();
        },
        type);
    if (!posted)
        delete box;
    if (type == Qt::BlockingQueuedConnection)
        detail::handoffAcquire();   // what the target's thread did is seen here once it returns
    return posted;
}

}   // namespace redbox

// Finding and tapping items of a live Qt Quick window in a test. Items are
// looked up afresh by objectName each time and held in QPointer only, never
// across an event-loop turn as a raw pointer: a Loader, a relayout or a
// delegate recycled by a GridView may delete an item between two turns.
#pragma once

#include <QPointF>
#include <QPointer>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTest>

namespace redbox::test {

// The first visible item named NAME below ROOT (items a Loader made are not
// QObject children of the window, so the visual tree is searched).
inline QQuickItem *findVisibleItem(QQuickItem *root, const QString &name)
{
    if (!root)
        return nullptr;
    if (root->objectName() == name && root->isVisible())
        return root;
    const QList<QQuickItem *> children = root->childItems();
    for (QQuickItem *child : children)
        if (QQuickItem *hit = findVisibleItem(child, name))
            return hit;
    return nullptr;
}

// Waits until NAME is visible with a size; null when it is not within TIMEOUTMS.
inline QPointer<QQuickItem> waitForItem(QQuickWindow *window, const QString &name, int timeoutMs = 10000)
{
    QPointer<QQuickItem> found;
    const bool shown = QTest::qWaitFor(
        [&] {
            found = findVisibleItem(window->contentItem(), name);
            return found && found->width() > 0 && found->height() > 0;
        },
        timeoutMs);
    return shown && found ? found : QPointer<QQuickItem>();
}

// The centre of NAME in window coordinates, once it has stayed put for SETTLEMS
// (a grid relayouts after a resize; a tap must land where the item ends up).
// False when the item never showed, or vanished while settling.
inline bool settledCentre(QQuickWindow *window, const QString &name, QPoint *centre, int timeoutMs = 10000, int settleMs = 50)
{
    QPointer<QQuickItem> item = waitForItem(window, name, timeoutMs);
    if (!item)
        return false;
    QTest::qWait(settleMs);
    item = waitForItem(window, name, timeoutMs);   // looked up again: the one found before may be gone
    if (!item)
        return false;
    *centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2)).toPoint();
    return true;
}

}   // namespace redbox::test

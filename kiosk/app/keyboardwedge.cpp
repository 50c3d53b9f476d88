// Card and barcode readers that type (see keyboardwedge.h).
#include "app/keyboardwedge.h"

#include <QKeyEvent>
#include <QRegularExpression>

namespace redbox {

namespace {
constexpr int MaxLine = 64;   // a track 2 line is at most 40 characters; a barcode 13
}

KeyboardWedge::KeyboardWedge(std::function<void(const QByteArray &)> swiped, std::function<void(const QString &)> scanned, QObject *parent)
    : QObject(parent), m_swiped(std::move(swiped)), m_scanned(std::move(scanned))
{}

bool KeyboardWedge::line(const QString &typed)
{
    static const QRegularExpression track(QStringLiteral("^;[0-9]{1,19}=[0-9]{1,20}\\?$"));
    // A barcode reader's line may follow what a person typed into a field without Enter.
    static const QRegularExpression disc(QStringLiteral("(?:^|[^0-9A-Za-z])(D[0-9]{12})$"));
    if (track.match(typed).hasMatch()) {
        m_swiped(typed.toLatin1());   // parsed strictly by the kiosk, as a real reader's track
        return true;
    }
    if (const QRegularExpressionMatch m = disc.match(typed); m.hasMatch()) {
        m_scanned(m.captured(1));
        return true;
    }
    return false;
}

bool KeyboardWedge::eventFilter(QObject *watched, QEvent *event)
{
    // Every key reaches the window first, then the item with focus: counted once, at the window.
    if (event->type() != QEvent::KeyPress || !watched->isWindowType())
        return false;
    const auto *key = static_cast<QKeyEvent *>(event);
    if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
        const QString typed = std::exchange(m_typed, QString());
        return line(typed);   // a swipe's Enter is the reader's, not a tap on the screen
    }
    const QString text = key->text();
    if (text == QLatin1String(";"))
        m_typed = text;   // a track's start sentinel: what was typed before is not part of it
    else if (text.size() == 1 && text.at(0).isPrint())
        m_typed = (m_typed + text).right(MaxLine);
    else if (key->key() == Qt::Key_Escape)
        m_typed.clear();
    return false;
}

}   // namespace redbox

// A card reader and a barcode reader that type: USB magstripe and barcode
// readers are "keyboard wedges", typing what they read and Enter. Installed on
// the application, this reads the keys every window receives (and passes them
// on): a line ";<digits>=<digits>?" is a card swipe (a ";" starts the line
// again: what was typed before it belongs to something else), "D" and 12
// digits ending a line a disc in the return slot. On a desktop it lets a person play the card reader and
// the return slot of the simulated hardware by typing (--card-reader keyboard).
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>

namespace redbox {

class KeyboardWedge : public QObject {
    Q_OBJECT
public:
    KeyboardWedge(std::function<void(const QByteArray &track)> swiped, std::function<void(const QString &barcode)> scanned,
                  QObject *parent = nullptr);

    // One typed line (without its Enter): true when it was a swipe or a disc.
    bool line(const QString &typed);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    std::function<void(const QByteArray &)> m_swiped;
    std::function<void(const QString &)> m_scanned;
    QString m_typed;
};

}   // namespace redbox

// The typed facts three screens show, owned by the kiosk controller and kept
// up to date by it: the title being looked at, the rental's summary before
// paying, and the receipt of a return. Every property has a value (an empty
// string, zero) so the screens never guess.
#pragma once

#include "core/kiosktypes.h"

#include <QDateTime>
#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace redbox {

class TitleDetails : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The kiosk controller shows titles")
    Q_PROPERTY(int movieId READ movieId NOTIFY changed)
    Q_PROPERTY(QString title READ title NOTIFY changed)
    Q_PROPERTY(QString genre READ genre NOTIFY changed)
    Q_PROPERTY(QString rating READ rating NOTIFY changed)
    Q_PROPERTY(int year READ year NOTIFY changed)
    Q_PROPERTY(int runtime READ runtime NOTIFY changed)
    Q_PROPERTY(QString blurb READ blurb NOTIFY changed)
    Q_PROPERTY(QString cover READ cover NOTIFY changed)
    Q_PROPERTY(int available READ available NOTIFY changed)
    Q_PROPERTY(bool newRelease READ newRelease NOTIFY changed)
    Q_PROPERTY(bool inCart READ inCart NOTIFY changed)
    Q_PROPERTY(QString formatName READ formatName NOTIFY changed)
    Q_PROPERTY(int nightExtraCents READ nightExtraCents NOTIFY changed)
    Q_PROPERTY(int nightCents READ nightCents NOTIFY changed)
    Q_PROPERTY(int saleCents READ saleCents NOTIFY changed)
public:
    using QObject::QObject;
    int movieId() const { return m_title.movieId; }
    QString title() const { return m_title.title; }
    QString genre() const { return m_title.genre; }
    QString rating() const { return m_title.rating; }
    int year() const { return m_title.year; }
    int runtime() const { return m_title.runtime; }
    QString blurb() const { return m_title.blurb; }
    QString cover() const { return m_title.coverRef; }
    int available() const { return m_title.available; }
    bool newRelease() const { return m_title.newRelease; }
    bool inCart() const { return m_inCart; }
    QString formatName() const { return formatNameOf(m_title.format); }
    int nightExtraCents() const { return m_title.nightExtraCents; }
    int nightCents() const { return m_nightCents; }   // a night of it on the plan the screen prices (0: no price yet)
    int saleCents() const { return m_title.saleCents; }   // what a disc of it costs to buy here (0: not for sale)
    void setNightCents(int cents);
    // What the screens call a format (DVD, Blu-ray, 4K Ultra HD, Game).
    static QString formatNameOf(const QString &format);

    void show(const Title &title, bool inCart);
    void setInCart(bool inCart);
    void clear();

signals:
    void changed();

private:
    Title m_title;
    bool m_inCart = false;
    int m_nightCents = 0;
};

class RentalSummary : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The kiosk controller sums up the rental")
    Q_PROPERTY(int discs READ discs NOTIFY changed)
    Q_PROPERTY(int bought READ bought NOTIFY changed)
    Q_PROPERTY(int nights READ nights NOTIFY changed)
    Q_PROPERTY(int subtotal READ subtotal NOTIFY changed)
    Q_PROPERTY(int discount READ discount NOTIFY changed)
    Q_PROPERTY(int tax READ tax NOTIFY changed)
    Q_PROPERTY(int total READ total NOTIFY changed)
    Q_PROPERTY(QDateTime dueAt READ dueAt NOTIFY changed)
public:
    using QObject::QObject;
    int discs() const { return static_cast<int>(m_rates.size() + m_sales.size()); }
    int bought() const { return static_cast<int>(m_sales.size()); }   // of those, discs bought (no night, no return)
    int nights() const { return 1; }   // one night is authorized now; later days when the disc is back
    int subtotal() const;   // the nights, less the promo, and the discs bought
    int discount() const;   // what the promo takes off (the first disc's night at most)
    int tax() const;
    int total() const { return subtotal() + tax(); }
    QDateTime dueAt() const { return m_dueAt; }

    // A night of each disc (its plan's rate and its format's extra). Tax is charged per
    // rental (each disc its own payment), as the red box computes it.
    // A promo takes up to PROMOCENTS off the first disc's night, never more than it costs.
    // SALES: the price of each disc bought (taxed each on its own too; no promo on them).
    void set(const QList<int> &ratesPerNight, int taxRateBp, const QDateTime &dueAt, int promoCents = 0, const QList<int> &sales = {});

signals:
    void changed();

private:
    QList<int> m_rates;
    QList<int> m_sales;
    int m_taxRateBp = 0;
    int m_promoCents = 0;
    QDateTime m_dueAt;
};

class ReturnReceipt : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The kiosk controller takes returns")
    Q_PROPERTY(QString title READ title NOTIFY changed)
    Q_PROPERTY(int nights READ nights NOTIFY changed)
    Q_PROPERTY(int lateDays READ lateDays NOTIFY changed)
    Q_PROPERTY(int charge READ charge NOTIFY changed)
    Q_PROPERTY(int late READ late NOTIFY changed)
    // Rented elsewhere (or not yet known here): its charge is settled where the rental lives.
    Q_PROPERTY(bool foreign READ foreign NOTIFY changed)
    Q_PROPERTY(bool offline READ offline NOTIFY changed)
public:
    using QObject::QObject;
    QString title() const { return m_result.title; }
    int nights() const { return m_result.nights; }
    int lateDays() const { return std::max(0, m_result.nights - 1); }
    int charge() const { return m_result.chargeCents; }
    int late() const { return m_result.lateCents; }
    bool foreign() const { return m_result.foreignDisc; }
    bool offline() const { return m_result.offline; }

    void show(const ReturnResult &result);
    void clear();

signals:
    void changed();

private:
    ReturnResult m_result;
};

}   // namespace redbox

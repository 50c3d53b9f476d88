// The typed facts the title, summary and return screens show (see screenfacts.h).
#include "controllers/screenfacts.h"

#include "core/pricing.h"

#include <numeric>

namespace redbox {

void TitleDetails::show(const Title &title, bool inCart)
{
    m_title = title;
    m_inCart = inCart;
    emit changed();
}

void TitleDetails::setInCart(bool inCart)
{
    if (m_inCart == inCart)
        return;
    m_inCart = inCart;
    emit changed();
}

void TitleDetails::clear()
{
    m_title = Title{};
    m_inCart = false;
    m_nightCents = 0;
    emit changed();
}

void TitleDetails::setNightCents(int cents)
{
    if (cents == m_nightCents)
        return;
    m_nightCents = cents;
    emit changed();
}

QString TitleDetails::formatNameOf(const QString &format)
{
    if (format == QLatin1String("bluray"))
        return tr("Blu-ray");
    if (format == QLatin1String("4k"))
        return tr("4K Ultra HD");
    if (format == QLatin1String("game"))
        return tr("Game");
    return tr("DVD");
}

int RentalSummary::discount() const
{
    return m_rates.isEmpty() ? 0 : std::min(m_promoCents, m_rates.first());
}

int RentalSummary::subtotal() const
{
    return std::accumulate(m_rates.begin(), m_rates.end(), 0) - discount() + std::accumulate(m_sales.begin(), m_sales.end(), 0);
}

int RentalSummary::tax() const
{
    // Each disc is its own payment, taxed on what it costs (the first one less the promo).
    int sum = 0;
    for (qsizetype i = 0; i < m_rates.size(); ++i)
        sum += pricing::taxOn(m_rates[i] - (i == 0 ? discount() : 0), m_taxRateBp);
    for (const int sale : m_sales)
        sum += pricing::taxOn(sale, m_taxRateBp);
    return sum;
}

void RentalSummary::set(const QList<int> &ratesPerNight, int taxRateBp, const QDateTime &dueAt, int promoCents, const QList<int> &sales)
{
    promoCents = std::max(0, promoCents);
    if (ratesPerNight == m_rates && sales == m_sales && taxRateBp == m_taxRateBp && dueAt == m_dueAt && promoCents == m_promoCents)
        return;
    m_rates = ratesPerNight;
    m_sales = sales;
    m_taxRateBp = taxRateBp;
    m_dueAt = dueAt;
    m_promoCents = promoCents;
    emit changed();
}

void ReturnReceipt::show(const ReturnResult &result)
{
    m_result = result;
    emit changed();
}

void ReturnReceipt::clear()
{
    m_result = ReturnResult{};
    emit changed();
}

}   // namespace redbox

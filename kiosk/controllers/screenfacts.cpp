// The typed facts the title, summary and return screens show (see screenfacts.h).
#include "controllers/screenfacts.h"

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
    emit changed();
}

void RentalSummary::set(int discs, int ratePerNight, int taxEach, const QDateTime &dueAt)
{
    if (discs == m_discs && ratePerNight == m_rate && taxEach == m_taxEach && dueAt == m_dueAt)
        return;
    m_discs = discs;
    m_rate = ratePerNight;
    m_taxEach = taxEach;
    m_dueAt = dueAt;
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

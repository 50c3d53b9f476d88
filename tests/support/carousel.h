// A simulated carousel for the hardware tests: a disc in each slot asked
// for, each with a barcode of its own (slotDisc), so the exit reader has
// something to check.
#pragma once

#include "hardware/simulatedhardware.h"

#include <initializer_list>

namespace redbox::test {

inline QString slotDisc(int slot)
{
    return QStringLiteral("D%1").arg(900'000'000'000LL + slot, 12, 10, QLatin1Char('0'));
}

inline SimulatedHardware::Contents carousel(std::initializer_list<int> inSlots)
{
    SimulatedHardware::Contents c;
    for (int s : inSlots)
        c.insert(s, slotDisc(s));
    return c;
}

}   // namespace redbox::test

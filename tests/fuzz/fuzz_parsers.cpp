// libFuzzer target: the strict parsers of everything the kiosk reads from
// outside (disc barcodes, card tracks, hardware protocol lines). They must
// never crash, hang or accept something they then cannot round-trip.
#include "core/cards.h"
#include "hardware/lineprotocol.h"

#include <QByteArray>
#include <QDate>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray raw(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    if (const auto b = redbox::parseDiscBarcode(QString::fromLatin1(raw))) {
        // Anything accepted is exactly what the barcode printer would print.
        if (redbox::discBarcode(b->movieId, b->serial) != b->text)
            std::abort();
    }
    const redbox::TrackResult t = redbox::parseCardTrack(raw, QDate(2026, 11, 26));
    if (t.card && (!redbox::luhnValid(t.card->number) || t.card->number.size() != 16))
        std::abort();
    if (const auto m = redbox::proto::parseDeviceLine(raw)) {
        // A parsed line formats back to a line that parses to the same message.
        QByteArray again = redbox::proto::deviceLine(*m);
        again.chop(1);
        const auto m2 = redbox::proto::parseDeviceLine(again);
        if (!m2 || m2->verb != m->verb || m2->number != m->number || m2->word != m->word)
            std::abort();
    }
    (void)redbox::proto::parseRequestLine(raw);
    return 0;
}

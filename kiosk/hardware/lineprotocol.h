// The line protocol between the kiosk and its hardware controller over a
// serial port (README: "Hardware protocol"). ASCII lines ending in "\n", at
// most 128 bytes, printable characters only. Parsing is strict: a line that
// is not exactly one of the forms below is refused (and fuzzed in tests/fuzz).
//
//   kiosk -> device                      device -> kiosk
//   DISPENSE <slot> <barcode>            DISPENSED <slot> <barcode> | DISPENSE-FAILED <slot> <reason>
//                                        (the exit reader's barcode; a disc that is not BARCODE stays inside)
//   STORE <slot>                         STORED <slot>    | STORE-FAILED <slot> <reason>
//   EJECT                                EJECTED
//   AUTH <cents> [<zip>]                 AUTHORIZED <token> <last4> | DECLINED <reason>   (zip: a bank card's billing ZIP)
//   SELFTEST <slots>                     SELFTEST OK <report> | SELFTEST FAIL <report>
//   CLEAR                                CLEARED OK <report>  | CLEARED FAIL <report>   (clear a jam)
//   PING                                 PONG
//   STATUS                               the last request's answer again | BUSY | IDLE
//                                        (BUSY: still working on it; IDLE: no request since power-on)
//                                        CARD <track>   (a card was swiped)
//                                        DISC <barcode> (a disc is in the return slot)
//                                        DISC-UNREADABLE
//                                        FAULT <message>
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace redbox::proto {

constexpr int MaxLine = 128;

struct Message {
    QString verb;
    int number = 0;   // slot, cents or slot count
    QString word;   // token, barcode, OK/FAIL
    QString last4;
    QByteArray track;
    QString text;   // reason, report, message
};

// A device line (without its "\n"); nullopt when it is not exactly a known form.
std::optional<Message> parseDeviceLine(const QByteArray &line);
// A kiosk request line; nullopt when malformed (the device side uses this).
std::optional<Message> parseRequestLine(const QByteArray &line);

// A request line; WORD: a billing ZIP for AUTH, the disc's barcode for DISPENSE.
QByteArray request(const QString &verb, int number = -1, const QString &word = {});
QByteArray deviceLine(const Message &m);

}   // namespace redbox::proto

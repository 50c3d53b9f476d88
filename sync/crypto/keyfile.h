// The kiosk's own 32-byte key (for what it keeps about members), in a 0600
// file made on first start; and the network's card key, read only.
#pragma once

#include <QByteArray>
#include <QString>

namespace redbox::crypto {

// Reads the key at PATH, or creates it (0600) when missing. Throws std::runtime_error
// for a key of the wrong size or a file others may read.
QByteArray loadOrCreateKey(const QString &path);
// Reads a hex key file (the card key); throws when missing, malformed or readable by others.
QByteArray readHexKey(const QString &path);

}   // namespace redbox::crypto

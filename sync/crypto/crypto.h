// OpenSSL EVP behind small functions: the member card's keyed hash, PIN and
// password checks against salted PBKDF2 hashes, AES-256-GCM for what the
// kiosk keeps about members, and random bytes.
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace redbox::crypto {

// HMAC-SHA256 of a card number under the network's card key, as lower-case hex.
QString cardHash(const QByteArray &key, const QString &cardNumber);

// "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"
QString hashSecret(const QString &secret, int iterations = 200'000);
// Constant-time check of a secret against such a hash; false for a malformed hash.
bool verifySecret(const QString &secret, const QString &encodedHash);

QByteArray randomBytes(int n);
// Constant-time comparison of two secrets (API keys, tokens).
bool sameSecret(const QByteArray &a, const QByteArray &b);

// AES-256-GCM: nonce(12) || ciphertext || tag(16). Associated data binds a
// value to its row so it cannot be moved to another one.
QByteArray seal(const QByteArray &key32, const QByteArray &plain, const QByteArray &associated);
std::optional<QByteArray> open(const QByteArray &key32, const QByteArray &sealed, const QByteArray &associated);

}   // namespace redbox::crypto

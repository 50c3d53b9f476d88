// OpenSSL EVP wrappers (see crypto.h).
#include "crypto/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <QStringList>

#include <memory>
#include <stdexcept>

namespace redbox::crypto {

namespace {
struct CtxFree {
    void operator()(EVP_CIPHER_CTX *c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char *u(const QByteArray &b)
{
    return reinterpret_cast<const unsigned char *>(b.constData());
}
unsigned char *u(QByteArray &b)
{
    return reinterpret_cast<unsigned char *>(b.data());
}
}   // namespace

QString cardHash(const QByteArray &key, const QString &cardNumber)
{
    const QByteArray msg = cardNumber.toUtf8();
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.constData(), static_cast<int>(key.size()), u(msg), static_cast<size_t>(msg.size()), out, &len))
        throw std::runtime_error("HMAC failed");
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(out), static_cast<int>(len)).toHex());
}

static QByteArray pbkdf2(const QByteArray &secret, const QByteArray &salt, int iterations, int length)
{
    QByteArray out(length, '\0');
    if (!PKCS5_PBKDF2_HMAC(secret.constData(), static_cast<int>(secret.size()), u(salt), static_cast<int>(salt.size()), iterations,
                           EVP_sha256(), length, u(out)))
        throw std::runtime_error("PBKDF2 failed");
    return out;
}

QString hashSecret(const QString &secret, int iterations)
{
    const QByteArray salt = randomBytes(16);
    const QByteArray dk = pbkdf2(secret.toUtf8(), salt, iterations, 32);
    return QStringLiteral("pbkdf2-sha256$%1$%2$%3")
        .arg(iterations)
        .arg(QString::fromLatin1(salt.toBase64()), QString::fromLatin1(dk.toBase64()));
}

bool verifySecret(const QString &secret, const QString &encodedHash)
{
    const QStringList parts = encodedHash.split(QLatin1Char('$'));
    if (parts.size() != 4 || parts[0] != QLatin1String("pbkdf2-sha256"))
        return false;
    bool ok = false;
    const int iterations = parts[1].toInt(&ok);
    if (!ok || iterations < 1000 || iterations > 10'000'000)
        return false;
    const auto salt = QByteArray::fromBase64Encoding(parts[2].toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    const auto expected = QByteArray::fromBase64Encoding(parts[3].toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!salt || !expected || salt.decoded.size() < 8 || expected.decoded.size() < 16 || expected.decoded.size() > 64)
        return false;
    const QByteArray got = pbkdf2(secret.toUtf8(), salt.decoded, iterations, static_cast<int>(expected.decoded.size()));
    return CRYPTO_memcmp(got.constData(), expected.decoded.constData(), static_cast<size_t>(got.size())) == 0;
}

bool sameSecret(const QByteArray &a, const QByteArray &b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.constData(), b.constData(), static_cast<size_t>(a.size())) == 0;
}

QByteArray randomBytes(int n)
{
    QByteArray out(n, '\0');
    if (RAND_bytes(u(out), n) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return out;
}

QByteArray seal(const QByteArray &key32, const QByteArray &plain, const QByteArray &associated)
{
    if (key32.size() != 32)
        throw std::invalid_argument("AES-256-GCM needs a 32-byte key");
    const QByteArray nonce = randomBytes(12);
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    QByteArray out(plain.size() + 16, '\0');
    int len = 0;
    int total = 0;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, u(key32), u(nonce)) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, u(associated), static_cast<int>(associated.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), u(out), &len, u(plain), static_cast<int>(plain.size())) != 1)
        throw std::runtime_error("AES-GCM encryption failed");
    total = len;
    if (EVP_EncryptFinal_ex(ctx.get(), u(out) + total, &len) != 1)
        throw std::runtime_error("AES-GCM encryption failed");
    total += len;
    QByteArray tag(16, '\0');
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, u(tag)) != 1)
        throw std::runtime_error("AES-GCM tag failed");
    out.truncate(total);
    return nonce + out + tag;
}

std::optional<QByteArray> open(const QByteArray &key32, const QByteArray &sealed, const QByteArray &associated)
{
    if (key32.size() != 32 || sealed.size() < 28)
        return std::nullopt;
    const QByteArray nonce = sealed.left(12);
    QByteArray tag = sealed.right(16);
    const QByteArray cipher = sealed.mid(12, sealed.size() - 28);
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    QByteArray out(cipher.size() + 16, '\0');
    int len = 0;
    int total = 0;
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, u(key32), u(nonce)) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, u(associated), static_cast<int>(associated.size())) != 1 ||
        EVP_DecryptUpdate(ctx.get(), u(out), &len, u(cipher), static_cast<int>(cipher.size())) != 1)
        return std::nullopt;
    total = len;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, u(tag)) != 1 || EVP_DecryptFinal_ex(ctx.get(), u(out) + total, &len) != 1)
        return std::nullopt;
    total += len;
    out.truncate(total);
    return out;
}

}   // namespace redbox::crypto

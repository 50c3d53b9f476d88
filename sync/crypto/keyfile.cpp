// Key files (see keyfile.h).
#include "crypto/keyfile.h"

#include "crypto/crypto.h"

#include <QFile>
#include <QFileInfo>

#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace redbox::crypto {

namespace {
void checkPrivate(const QString &path)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        throw std::runtime_error("key file " + path.toStdString() + " cannot be read");
    if ((st.st_mode & 077) != 0)
        throw std::runtime_error("key file " + path.toStdString() + " must be readable by its owner only (chmod 600)");
}
}   // namespace

QByteArray loadOrCreateKey(const QString &path)
{
    const QByteArray name = QFile::encodeName(path);
    if (!QFileInfo::exists(path)) {
        const QByteArray key = randomBytes(32);
        const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0)
            throw std::runtime_error("cannot create key file " + path.toStdString());
        const QByteArray hex = key.toHex() + '\n';
        const bool ok = ::write(fd, hex.constData(), static_cast<size_t>(hex.size())) == hex.size() && ::fsync(fd) == 0;
        ::close(fd);
        if (!ok)
            throw std::runtime_error("cannot write key file " + path.toStdString());
    }
    return readHexKey(path);
}

QByteArray readHexKey(const QString &path)
{
    checkPrivate(path);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("key file " + path.toStdString() + " cannot be read");
    const QByteArray hex = f.read(200).trimmed();
    QByteArray key = QByteArray::fromHex(hex);
    if (key.size() != 32 || key.toHex() != hex.toLower())
        throw std::runtime_error("key file " + path.toStdString() + " does not hold a 32-byte hex key");
    return key;
}

}   // namespace redbox::crypto

// Logging categories of the sync library.
#include "core/logging.h"

Q_LOGGING_CATEGORY(lcPg, "redbox.sync.pg", QtInfoMsg)
Q_LOGGING_CATEGORY(lcForwarder, "redbox.sync.forwarder", QtInfoMsg)
Q_LOGGING_CATEGORY(lcClient, "redbox.sync.client", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCache, "redbox.sync.cache", QtInfoMsg)
Q_LOGGING_CATEGORY(lcOutbox, "redbox.sync.outbox", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEscalation, "redbox.sync.escalation", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCrypto, "redbox.sync.crypto", QtInfoMsg)
Q_LOGGING_CATEGORY(lcService, "redbox.sync.service", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPayments, "redbox.payments", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMail, "redbox.mail", QtInfoMsg)

#!/bin/bash
# CTest fixture: a fresh test network (reset, then up) through the deploy tool.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
net="$here/../../deploy/redbox-net"
"$net" --topology "$REDBOX_TEST_TOPOLOGY" --state-dir "$REDBOX_TEST_STATE" reset
exec "$net" --topology "$REDBOX_TEST_TOPOLOGY" --state-dir "$REDBOX_TEST_STATE" up \
    --members 2000 --kiosks-per-node 2 --forwarder "$REDBOX_FORWARDER"

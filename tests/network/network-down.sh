#!/bin/bash
# CTest fixture cleanup: stop the test network (its folder stays for post-mortems).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../deploy/redbox-net" --topology "$REDBOX_TEST_TOPOLOGY" --state-dir "$REDBOX_TEST_STATE" down

#!/bin/bash
# CTest fixture for the simulator's network: "up" (reset, then up with enough
# kiosks for the CI profile) or "down" (stop it and free its ports).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
net="$here/../../deploy/redbox-net"
topo="$here/sim-topology.toml"
case "${1:-}" in
  up)
    "$net" --topology "$topo" --state-dir "$REDBOX_SIM_STATE" reset
    exec "$net" --topology "$topo" --state-dir "$REDBOX_SIM_STATE" up \
        --members 3000 --kiosks-per-node 13 --forwarder "$REDBOX_FORWARDER" ;;
  down)
    exec "$net" --topology "$topo" --state-dir "$REDBOX_SIM_STATE" down ;;
  *)
    echo "usage: $0 up|down" >&2; exit 2 ;;
esac

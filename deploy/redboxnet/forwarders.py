"""The hop forwarders: one redbox-forwarder process per node, started by `up`,
run as the server user with the forwarder role's password file. A node with a
metrics_port gets its forwarder's /metrics endpoint there (see monitoring.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

from . import procs, render
from .state import State

REPO = Path(__file__).resolve().parents[2]


def find_binary(explicit: str | None) -> Path:
    candidates = [Path(explicit)] if explicit else [REPO / "build" / "redbox-forwarder",
                                                    Path("/usr/bin/redbox-forwarder")]
    for c in candidates:
        if c.is_file():
            return c.resolve()
    found = shutil.which("redbox-forwarder")
    if found and not explicit:
        return Path(found)
    raise RuntimeError(f"redbox-forwarder not found (looked at {', '.join(map(str, candidates))}); build it "
                       f"(cmake --build build) or start the network with --no-forwarders")


def name(node: str) -> str:
    return f"forwarder-{node}"


def running(state: State, node: str) -> int | None:
    return procs.read_pid(state, name(node), "redbox-forwarder")


def start_all(state: State, explicit: str | None = None) -> None:
    find_binary(explicit)
    for node in state.topo.nodes:
        if running(state, node.name):
            continue
        start(state, node.name, explicit)
        print(f"  forwarder {node.name:18} started", flush=True)


def start(state: State, node: str, explicit: str | None = None, batch: int = 200) -> int:
    binary = find_binary(explicit)
    pid = running(state, node)
    if pid:
        return pid
    from . import monitoring
    n = state.topo.node(node)
    if n.metrics_port and state.topo.is_local and not procs.port_free(n.servers[0].host, n.metrics_port):
        raise procs.PortBusy(f"{n.metrics_address} ({node}'s forwarder metrics) is taken by "
                             f"{procs.port_owner(n.metrics_port)}")
    info = render.conninfo(state, node, "forwarder", application=f"redbox-forwarder {node}")
    return procs.start_daemon(state, name(node), [str(binary), "--node", node, "--conninfo", info,
                                                  "--batch", str(batch), *monitoring.forwarder_args(state, n)],
                              env={"QT_LOGGING_RULES": "redbox.*.debug=false"})


def stop_all(state: State) -> None:
    for node in state.topo.nodes:
        pid = running(state, node.name)
        if pid:
            procs.stop_pid(pid, timeout=15)
        state.pidfile(name(node.name)).unlink(missing_ok=True)


def status(state: State) -> list[tuple[str, bool]]:
    if not state.run_dir.exists():
        return []
    return [(n.name, running(state, n.name) is not None) for n in state.topo.nodes
            if state.pidfile(name(n.name)).exists()]

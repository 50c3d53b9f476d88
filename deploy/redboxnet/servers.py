"""Bring the servers of the network up and down: etcd, then one Patroni pair per node."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from . import cluster, procs, render, tls
from .procs import PortBusy
from .state import State
from .topology import Server

PATRONI = "/usr/bin/patroni"
PATRONICTL = "/usr/bin/patronictl"


def say(msg: str) -> None:
    print(msg, flush=True)


def required_programs() -> list[str]:
    missing = [p for p in ("etcd", "patroni", "patronictl", "openssl", "setpriv", "psql")
               if shutil.which(p) is None]
    if not shutil.which(f"{render.PG_BIN}/postgres"):
        missing.append(f"{render.PG_BIN}/postgres (postgresql-15)")
    return missing


def patroni_pid(state: State, s: Server) -> int | None:
    return procs.read_pid(state, f"patroni-{s.member}", str(state.patroni_yml(s.member)))


def etcd_pid(state: State, name: str) -> int | None:
    return procs.read_pid(state, f"etcd-{name}", "etcd")


def check_ports(state: State) -> None:
    """Every port we are about to listen on must be free or already ours; else nothing is started."""
    topo = state.topo
    if not topo.is_local:
        return
    problems = []
    for e in topo.etcd:
        if etcd_pid(state, e.name):
            continue
        for port in (e.client_port, e.peer_port):
            if not procs.port_free(e.host, port):
                problems.append(f"{e.host}:{port} (etcd {e.name}) is taken by {procs.port_owner(port)}")
    for s in topo.servers():
        ours = patroni_pid(state, s) or procs.postmaster_pid(state.pg_data(s.member))
        if ours:
            continue
        for port, what in ((s.port, "postgres"), (s.api_port, "patroni api")):
            if not procs.port_free(s.host, port):
                problems.append(f"{s.host}:{port} ({s.member} {what}) is taken by {procs.port_owner(port)}")
    from . import forwarders, monitoring
    for n in topo.nodes:
        if n.metrics_port and not forwarders.running(state, n.name) and not procs.port_free(n.servers[0].host, n.metrics_port):
            problems.append(f"{n.metrics_address} ({n.name}'s forwarder metrics) is taken by {procs.port_owner(n.metrics_port)}")
    mon = topo.monitoring
    if mon and not monitoring.running(state) and not procs.port_free(mon.host, mon.port):
        problems.append(f"{mon.host}:{mon.port} (Prometheus) is taken by {procs.port_owner(mon.port)}")
    if mon and mon.exporter_port and not monitoring.exporter_running(state) and not procs.port_free(mon.host, mon.exporter_port):
        problems.append(f"{mon.host}:{mon.exporter_port} (the node exporter) is taken by {procs.port_owner(mon.exporter_port)}")
    if problems:
        raise PortBusy("cannot start the network, port(s) in use:\n  " + "\n  ".join(problems))


def make_certificates(state: State) -> None:
    uid, gid = state.ids()
    tls.ensure_ca(state)
    for s in state.topo.servers():
        tls.ensure_cert(state, s.member, tls.server_hosts(s.host), (uid, gid), client=True)
    for e in state.topo.etcd:
        tls.ensure_cert(state, e.name, tls.server_hosts(e.host), (uid, gid), client=True)
    # etcd's clients: each server's Patroni, and the operator's tool.
    for s in state.topo.servers():
        tls.ensure_etcd_client_cert(state, s.member, (uid, gid))
    tls.ensure_etcd_client_cert(state, "operator", (0, 0))


def start_etcd_member(state: State, e) -> None:
    if etcd_pid(state, e.name):
        return
    uid, gid = state.ids()
    (state.etcd_dir / e.name).mkdir(mode=0o700, exist_ok=True)
    os.chown(state.etcd_dir / e.name, uid, gid)
    procs.start_daemon(state, f"etcd-{e.name}", render.etcd_args(state, e))


def start_etcd(state: State) -> None:
    for e in state.topo.etcd:
        start_etcd_member(state, e)
    for e in state.topo.etcd:
        procs.wait_until(lambda e=e: cluster.etcd_healthy(state, e), 60, f"etcd {e.name} to be healthy")
        say(f"  etcd      {e.name:18} {e.host}:{e.client_port}  healthy")
    etcd_access(state)


def etcd_access(state: State) -> None:
    if cluster.ensure_etcd_auth(state):
        say(f"  etcd      access control on: one user per pair, for its own scope ({len(state.topo.nodes)} pairs)")


def start_patroni(state: State, s: Server) -> bool:
    """Start Patroni for S unless it runs; returns True when it was started now."""
    if patroni_pid(state, s):
        return False
    # A postmaster left running without its Patroni (e.g. Patroni killed) is adopted by the new Patroni.
    procs.start_daemon(state, f"patroni-{s.member}", [PATRONI, str(state.patroni_yml(s.member))])
    return True


def wait_running(state: State, s: Server, timeout: float) -> dict:
    def ok():
        d = cluster.patroni(s)
        return d if d and d.get("state") == "running" else None
    return procs.wait_until(ok, timeout, f"{s.member} to run (log: {state.log_dir}/patroni-{s.member}.log)")


LEADER_TIMEOUT = 180.0
STUCK_CLAIM_SECONDS = 20.0


def wait_leader(state: State, node, fresh: set[str], timeout: float = LEADER_TIMEOUT) -> Server:
    """Wait until NODE's leader answers as primary, repairing the two ways a fresh pair's
    bootstrap can stall on a loaded machine:
    - its Patroni exited (a failed bootstrap is fatal to Patroni): started again, twice at most;
    - Patroni claimed the bootstrap in etcd, its request timed out after etcd had stored the
      claim, so it waits for "another" member to bootstrap that does not exist (its standby is
      not started before it leads): the orphaned claim is released and Patroni races again.
    A timeout names the log and shows its last lines."""
    first = node.servers[0]
    log = state.log_dir / f"patroni-{first.member}.log"
    fresh_pair = all(s.member in fresh for s in node.servers)
    restarts = 0
    waiting_since: float | None = None
    deadline = time.monotonic() + timeout
    while True:
        # The leader key in etcd can outlive a stopped network (etcd keeps leases across a
        # restart): ask the leader's own Patroni too, so "up" means it answers as primary.
        lead = cluster.leader(node)
        d = cluster.patroni(lead) if lead else None
        if d and d.get("state") == "running" and d.get("role") in ("master", "primary"):
            return lead
        now = time.monotonic()
        if now > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for a primary for {node.name}; "
                               f"the end of {log}:\n{procs.log_tail(log)}")
        if fresh_pair and not patroni_pid(state, first):
            if restarts == 2:
                raise TimeoutError(f"Patroni for {first.member} exited three times while bootstrapping "
                                   f"{node.name}; the end of {log}:\n{procs.log_tail(log)}")
            restarts += 1
            say(f"  postgres  {first.member:18} Patroni exited while bootstrapping; starting it again")
            start_patroni(state, first)
        elif fresh_pair and lead is None:
            me = cluster.patroni(first) or {}
            # Bootstrapping shows as "initializing new cluster"; waiting for another member as "stopped".
            idle = me.get("role") == "uninitialized" and me.get("state") == "stopped" \
                and not (state.pg_data(first.member) / "PG_VERSION").exists()
            if not idle:
                waiting_since = None
            elif waiting_since is None:
                waiting_since = now
            elif now - waiting_since > STUCK_CLAIM_SECONDS:
                try:
                    claim = cluster.initialize_key(state, node)
                    if claim == "":
                        cluster.release_initialize_key(state, node)
                        say(f"  postgres  {first.member:18} bootstrap claim in etcd left unused for "
                            f"{STUCK_CLAIM_SECONDS:.0f} s; released it")
                except OSError as e:
                    say(f"  postgres  {first.member:18} cannot read the bootstrap claim in etcd: {e}")
                waiting_since = None
        time.sleep(0.25)


def up_servers(state: State) -> None:
    topo = state.topo
    t0 = time.monotonic()
    start_etcd(state)
    firsts = [n.servers[0] for n in topo.nodes]
    seconds = [n.servers[1] for n in topo.nodes]
    fresh = {s.member for s in topo.servers() if not (state.pg_data(s.member) / "PG_VERSION").exists()}

    # First members first, so on a fresh network the paper's port is the primary.
    for s in firsts:
        start_patroni(state, s)
    # Members with data restart together; a fresh standby waits for its leader.
    for s in seconds:
        if s.member not in fresh:
            start_patroni(state, s)

    def leader_up(node):
        lead = wait_leader(state, node, fresh)
        say(f"  postgres  {lead.member:18} {lead.address:16} primary  up {time.monotonic() - t0:5.1f} s")

    with ThreadPoolExecutor(max_workers=len(topo.nodes)) as ex:
        list(ex.map(leader_up, topo.nodes))
    for s in seconds:
        start_patroni(state, s)


def wait_standbys(state: State, timeout: float = 180) -> None:
    """Both servers of every pair running, one of them a streaming synchronous standby."""
    t0 = time.monotonic()

    def standby_up(node):
        for s in node.servers:
            wait_running(state, s, timeout)
        sb = procs.wait_until(lambda: cluster.sync_standby(node), timeout, f"a synchronous standby for {node.name}")
        say(f"  postgres  {sb.member:18} {sb.address:16} standby  up {time.monotonic() - t0:5.1f} s (synchronous)")

    with ThreadPoolExecutor(max_workers=len(state.topo.nodes)) as ex:
        list(ex.map(standby_up, state.topo.nodes))


def stop_server(state: State, s: Server) -> None:
    pid = patroni_pid(state, s)
    if pid:
        procs.stop_pid(pid, timeout=60)
    pm = procs.postmaster_pid(state.pg_data(s.member))
    if pm:  # a postmaster without its Patroni: stop it cleanly
        uid, gid = state.ids()
        subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--init-groups",
                        f"{render.PG_BIN}/pg_ctl", "-D", str(state.pg_data(s.member)), "-m", "fast", "-w",
                        "-t", "60", "stop"], capture_output=True)
        if procs.pid_alive(pm):
            procs.stop_pid(pm, timeout=10)
    state.pidfile(f"patroni-{s.member}").unlink(missing_ok=True)


def down(state: State) -> None:
    topo = state.topo
    # Standbys first, so a primary never waits for a synchronous standby that is going away.
    order = [n.servers[1] for n in topo.nodes] + [n.servers[0] for n in topo.nodes]
    with ThreadPoolExecutor(max_workers=len(order)) as ex:
        list(ex.map(lambda s: stop_server(state, s), order[: len(topo.nodes)]))
        list(ex.map(lambda s: stop_server(state, s), order[len(topo.nodes):]))
    for e in topo.etcd:
        pid = etcd_pid(state, e.name)
        if pid:
            procs.stop_pid(pid, timeout=20)
        state.pidfile(f"etcd-{e.name}").unlink(missing_ok=True)


def patronictl(state: State, node: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    s = state.topo.node(node).servers[0]
    r = subprocess.run([PATRONICTL, "-c", str(state.patroni_yml(s.member)), *args],
                       capture_output=True, text=True, timeout=180)
    if check and r.returncode != 0:
        raise RuntimeError(f"patronictl {' '.join(args)} failed: {(r.stderr or r.stdout).strip()}")
    return r

"""A network on other hosts, reached over SSH.

The operator's machine makes everything (CA, certificates, passwords, Patroni
and etcd settings) in its state folder, then for each host (each `ssh = "user@host"`
of the topology): copies what that host needs, and only that, into the host's
`remote_state_dir` (a tar stream over SSH: the CA certificate, the certificates
and keys of the servers it runs, their Patroni settings, the forwarder's password
file for the nodes whose forwarder it runs), and runs `remote_tool host ...` there,
which starts or stops that host's etcd members, Patroni servers and forwarders as
the server user. Schema, links and data go over PostgreSQL's own TLS connections
from the operator's machine (it must be in `client_networks`); readiness is read
from Patroni's REST API and etcd's health endpoint over HTTPS, as on one machine.

SSH settings are the operator's (~/.ssh/config), or the file $REDBOX_NET_SSH_CONFIG.
"""
from __future__ import annotations

import io
import os
import shlex
import subprocess
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import cluster, procs, render, servers, tls
from .state import State
from .topology import Node, Server


class RemoteError(Exception):
    pass


@dataclass
class HostPlan:
    target: str                                         # user@host
    etcd: list[str] = field(default_factory=list)       # etcd member names
    members: list[Server] = field(default_factory=list)
    forwarders: list[str] = field(default_factory=list)  # node names


def plans(state: State) -> dict[str, HostPlan]:
    """What each SSH target runs. Every server and etcd member must name its SSH target."""
    topo = state.topo
    missing = [s.member for s in topo.servers() if not s.ssh] + [e.name for e in topo.etcd if not e.ssh]
    if missing:
        raise RemoteError("these servers are on other hosts but have no ssh = \"user@host\" in the topology: "
                          + ", ".join(missing) + " (or use `redbox-net render` and install them by hand)")
    out: dict[str, HostPlan] = {}
    for e in topo.etcd:
        out.setdefault(e.ssh, HostPlan(e.ssh)).etcd.append(e.name)
    for s in topo.servers():
        out.setdefault(s.ssh, HostPlan(s.ssh)).members.append(s)
    for n in topo.nodes:   # a node's forwarder runs beside its first server
        out[n.servers[0].ssh].forwarders.append(n.name)
    return out


def _ssh() -> list[str]:
    cfg = os.environ.get("REDBOX_NET_SSH_CONFIG")
    return ["ssh", *(["-F", cfg] if cfg else [])]


def run(target: str, argv: list[str], data: bytes | None = None, timeout: float = 300) -> str:
    """Run ARGV on TARGET (quoted for its shell); its output, or RemoteError with its errors."""
    try:
        r = subprocess.run([*_ssh(), target, shlex.join(argv)], input=data, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RemoteError(f"{target}: {argv[0]} did not finish in {timeout:.0f} s") from None
    out = r.stdout.decode(errors="replace")
    if r.returncode != 0:
        err = (r.stderr.decode(errors="replace") or out).strip()
        raise RemoteError(f"{target}: {' '.join(argv[:4])}... failed ({r.returncode}): {err}")
    return out


def tool(state: State, target: str, *args: str, timeout: float = 300) -> str:
    root = state.topo.remote_state_dir
    return run(target, [state.topo.remote_tool, "--topology", f"{root}/topology.toml", "--state-dir", root,
                        "host", *args], timeout=timeout)


def bundle(state: State, plan: HostPlan, passwords: dict) -> bytes:
    """The files one host needs, with the paths they have there."""
    there = State(state.topo, Path(state.topo.remote_state_dir))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        def add_bytes(name: str, data: bytes, mode: int) -> None:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, int(time.time())
            tar.addfile(info, io.BytesIO(data))

        add_bytes("topology.toml", state.topo.raw_text.encode(), 0o644)
        add_bytes("ca/ca.crt", state.ca_cert.read_bytes(), 0o644)
        for name in plan.etcd + [s.member for s in plan.members] + [tls.etcd_client_name(s.member) for s in plan.members]:
            add_bytes(f"certs/{name}.crt", (state.certs_dir / f"{name}.crt").read_bytes(), 0o644)
            add_bytes(f"certs/{name}.key", (state.certs_dir / f"{name}.key").read_bytes(), 0o600)
        for s in plan.members:
            cfg = render.patroni_config(there, s, passwords)
            add_bytes(f"patroni/{s.member}.yml", yaml.safe_dump(cfg, sort_keys=False).encode(), 0o600)
        if plan.forwarders:
            # Only the passwords of the forwarders this host runs.
            add_bytes("secrets/forwarder.pgpass", state.pgpass_text("forwarder", plan.forwarders).encode(), 0o600)
    return buf.getvalue()


def push(state: State, plan: HostPlan, passwords: dict) -> None:
    root = state.topo.remote_state_dir
    run(plan.target, ["sh", "-c", f"umask 077 && mkdir -p {shlex.quote(root)} && "
                                  f"tar -x --no-same-owner -C {shlex.quote(root)}"], data=bundle(state, plan, passwords))
    tool(state, plan.target, "prepare", *[s.member for s in plan.members], *[f"etcd:{e}" for e in plan.etcd])


def up(state: State, passwords: dict) -> None:
    """Start the servers of a topology on other hosts: etcd, then the Patroni pairs."""
    topo = state.topo
    ps = plans(state)
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(ps)) as ex:
        list(ex.map(lambda p: push(state, p, passwords), ps.values()))
    servers.say(f"  hosts     {len(ps)} reached over SSH; files copied to {topo.remote_state_dir} "
                f"({time.monotonic() - t0:.1f} s)")
    for p in ps.values():
        if p.etcd:
            tool(state, p.target, "start", *[f"etcd:{e}" for e in p.etcd])
    for e in topo.etcd:
        procs.wait_until(lambda e=e: cluster.etcd_healthy(state, e), 90, f"etcd {e.name} to be healthy")
        servers.say(f"  etcd      {e.name:18} {e.host}:{e.client_port}  healthy")
    servers.etcd_access(state)
    by_target = lambda members: {t: [m for m in members if m.ssh == t] for t in ps}  # noqa: E731
    for t, members in by_target([n.servers[0] for n in topo.nodes]).items():
        if members:
            tool(state, t, "start", *[m.member for m in members])

    def leader_up(node: Node) -> None:
        first = node.servers[0]
        try:
            lead = servers.wait_leader(state, node, set())
        except TimeoutError:
            log = f"{topo.remote_state_dir}/log/patroni-{first.member}.log"
            try:
                tail = run(first.ssh, ["tail", "-n", "12", log], timeout=30)
            except RemoteError as e:
                tail = str(e)
            raise TimeoutError(f"no primary for {node.name} after {servers.LEADER_TIMEOUT:.0f} s; the end of "
                               f"{first.ssh}:{log}:\n" + "\n".join("    " + x for x in tail.splitlines())) from None
        servers.say(f"  postgres  {lead.member:18} {lead.address:16} primary  up {time.monotonic() - t0:5.1f} s")

    with ThreadPoolExecutor(max_workers=len(topo.nodes)) as ex:
        list(ex.map(leader_up, topo.nodes))
    for t, members in by_target([n.servers[1] for n in topo.nodes]).items():
        if members:
            tool(state, t, "start", *[m.member for m in members])


def start_forwarders(state: State, forwarder: str | None) -> None:
    for p in plans(state).values():
        if p.forwarders:
            args = [f"forwarder:{n}" for n in p.forwarders]
            if forwarder:
                args += ["--forwarder", forwarder]
            tool(state, p.target, "start", *args)
            for n in p.forwarders:
                servers.say(f"  forwarder {n:18} started on {p.target}")


def down(state: State) -> None:
    """Forwarders, then every standby, then every primary, then etcd: each on its host."""
    ps = plans(state)
    topo = state.topo
    phases = [
        {t: [f"forwarder:{n}" for n in p.forwarders] for t, p in ps.items()},
        {t: [n.servers[1].member for n in topo.nodes if n.servers[1].ssh == t] for t in ps},
        {t: [n.servers[0].member for n in topo.nodes if n.servers[0].ssh == t] for t in ps},
        {t: [f"etcd:{e}" for e in p.etcd] for t, p in ps.items()},
    ]
    for phase in phases:
        with ThreadPoolExecutor(max_workers=len(ps)) as ex:
            list(ex.map(lambda item: tool(state, item[0], "stop", *item[1]) if item[1] else None, phase.items()))

"""Talking to the HA engine: Patroni's REST API and etcd's health endpoint."""
from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from pathlib import Path

from .state import State
from .topology import EtcdMember, Node, Server


def _get(url: str, timeout: float = 2.0, context: ssl.SSLContext | None = None) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as r:
            body = r.read()
            return r.status, (json.loads(body) if body else {})
    except urllib.error.HTTPError as e:  # Patroni answers 503 with a JSON body for "not primary"
        body = e.read()
        try:
            return e.code, json.loads(body) if body else {}
        except ValueError:
            return e.code, {}


_api_ca: Path | None = None


def trust(state: State) -> None:
    """Patroni's REST API speaks HTTPS with certificates of the network's CA (made at `up`)."""
    global _api_ca
    _api_ca = state.ca_cert


def patroni(s: Server, path: str = "patroni", timeout: float = 2.0) -> dict | None:
    """Patroni's view of one member, or None when its API does not answer."""
    if _api_ca is None or not _api_ca.exists():
        return None
    try:
        _, data = _get(f"https://{s.host}:{s.api_port}/{path}", timeout,
                       ssl.create_default_context(cafile=str(_api_ca)))
        return data
    except (OSError, ValueError):
        return None


def cluster_view(node: Node) -> dict | None:
    """The pair as Patroni sees it (members, roles, lag), from any member that answers."""
    for s in node.servers:
        data = patroni(s, "cluster")
        if data and "members" in data:
            return data
    return None


def leader(node: Node) -> Server | None:
    view = cluster_view(node)
    if not view:
        return None
    for m in view["members"]:
        if m.get("role") == "leader" and m.get("state") == "running":
            return next((s for s in node.servers if s.member == m["name"]), None)
    return None


def sync_standby(node: Node) -> Server | None:
    view = cluster_view(node)
    if not view:
        return None
    for m in view["members"]:
        if m.get("role") == "sync_standby" and m.get("state") in ("running", "streaming"):
            return next((s for s in node.servers if s.member == m["name"]), None)
    return None


def etcd_context(state: State, e: EtcdMember) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(state.ca_cert))
    ctx.load_cert_chain(str(state.certs_dir / f"{e.name}.crt"), str(state.certs_dir / f"{e.name}.key"))
    return ctx


def _etcd_v3(state: State, path: str, body: dict) -> dict:
    """One call of etcd's v3 JSON gateway, on the first member that answers."""
    last: Exception | None = None
    for e in state.topo.etcd:
        req = urllib.request.Request(f"https://{e.host}:{e.client_port}/v3/{path}", method="POST",
                                     data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=5, context=etcd_context(state, e)) as r:
                return json.loads(r.read() or b"{}")
        except (OSError, ValueError, ssl.SSLError) as exc:
            last = exc
    raise OSError(f"no etcd member answered: {last}")


def _b64(s: str) -> str:
    import base64
    return base64.b64encode(s.encode()).decode()


def initialize_key(state: State, node: Node) -> str | None:
    """The pair's Patroni 'initialize' key: None when absent, "" while a bootstrap is claimed,
    else the system identifier of the initialised cluster."""
    import base64
    data = _etcd_v3(state, "kv/range", {"key": _b64(f"/{state.topo.name}/{node.name}/initialize")})
    kvs = data.get("kvs") or []
    return base64.b64decode(kvs[0].get("value", "")).decode() if kvs else None


def release_initialize_key(state: State, node: Node) -> None:
    """Delete a bootstrap claim that nobody acts on (see servers.up_servers)."""
    _etcd_v3(state, "kv/deleterange", {"key": _b64(f"/{state.topo.name}/{node.name}/initialize")})


def etcd_healthy(state: State, e: EtcdMember) -> bool:
    try:
        code, data = _get(f"https://{e.host}:{e.client_port}/health", 2.0, etcd_context(state, e))
        return code == 200 and str(data.get("health")) == "true"
    except (OSError, ValueError, ssl.SSLError):
        return False

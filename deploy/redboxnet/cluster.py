"""Talking to the HA engine: Patroni's REST API, etcd's health endpoint and its access control."""
from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from pathlib import Path

from . import tls
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
    """TLS to etcd member E as the operator: the network's CA, and the operator's client certificate
    (one without a common name: see tls.ensure_etcd_client_cert)."""
    del e   # every member has a certificate of the same CA
    ctx = ssl.create_default_context(cafile=str(state.ca_cert))
    name = tls.etcd_client_name("operator")
    ctx.load_cert_chain(str(state.certs_dir / f"{name}.crt"), str(state.certs_dir / f"{name}.key"))
    return ctx


class EtcdError(Exception):
    """etcd answered, and refused (its gRPC error text and code)."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


def _etcd_call(state: State, e: EtcdMember, path: str, body: dict, token: str | None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = token
    req = urllib.request.Request(f"https://{e.host}:{e.client_port}/v3/{path}", method="POST",
                                 data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5, context=etcd_context(state, e)) as r:
            return json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as err:
        try:
            data = json.loads(err.read() or b"{}")
        except ValueError:
            data = {}
        raise EtcdError(data.get("error") or data.get("message") or f"HTTP {err.code}", data.get("code")) from None


# The operator's etcd token (root), per network and process; None: etcd's auth is not enabled.
_tokens: dict[str, str | None] = {}


def _root_token(state: State, e: EtcdMember, fresh: bool = False) -> str | None:
    key = str(state.root)
    if fresh or key not in _tokens:
        try:
            _tokens[key] = _etcd_call(state, e, "auth/authenticate",
                                      {"name": "root", "password": state.passwords()["etcd_root"]}, None)["token"]
        except EtcdError as err:
            if "authentication is not enabled" not in str(err):
                raise
            _tokens[key] = None
    return _tokens[key]


def _etcd_v3(state: State, path: str, body: dict) -> dict:
    """One call of etcd's v3 JSON gateway as the network's root user, on the first member that
    answers (a refusal is raised as EtcdError, not tried elsewhere)."""
    last: Exception | None = None
    for e in state.topo.etcd:
        try:
            try:
                return _etcd_call(state, e, path, body, _root_token(state, e))
            except EtcdError as err:
                if "invalid auth token" not in str(err) and "user name is empty" not in str(err):
                    raise
                return _etcd_call(state, e, path, body, _root_token(state, e, fresh=True))
        except (OSError, ValueError, ssl.SSLError) as exc:
            last = exc
    raise OSError(f"no etcd member answered: {last}")


def scope_prefix(state: State, node: Node) -> str:
    return f"/{state.topo.name}/{node.name}/"


def _prefix_end(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def ensure_etcd_auth(state: State) -> bool:
    """etcd's role-based access control: a user per Patroni pair (`scope.NODE`) that may read and
    write its own scope's keys and nothing else, and the operator's root user; then auth on.
    A certificate of the network's CA then opens no key by itself.

    Idempotent, and careful with a running network: every change to etcd's users or roles makes
    the tokens handed out before it "of an old revision", which Patroni 3.0.2 does not renew. So
    once auth is on, only what is missing (a pair added to the topology) is written. When auth
    was still off (a network of an earlier release), every Patroni that answers reloads its
    configuration first, so it has its credentials when etcd starts asking. Returns True when it
    turned auth on now."""
    pw = state.passwords()
    first = state.topo.etcd[0]
    enabled = _root_token(state, first, fresh=True) is not None

    def user_ok(name: str, password: str) -> bool:
        if not enabled:
            return False
        try:
            _etcd_call(state, first, "auth/authenticate", {"name": name, "password": password}, None)
            return True
        except EtcdError:
            return False

    def ensure_user(name: str, password: str) -> None:
        if user_ok(name, password):
            return
        try:
            _etcd_v3(state, "auth/user/add", {"name": name, "password": password})
        except EtcdError as err:
            if "user name already exists" not in str(err):
                raise
            _etcd_v3(state, "auth/user/changepw", {"name": name, "password": password})

    def ensure_role(user: str, role: str, perm: dict | None) -> None:
        try:
            have = _etcd_v3(state, "auth/role/get", {"role": role}).get("perm") or []
        except EtcdError as err:
            if "role name not found" not in str(err):
                raise
            _etcd_v3(state, "auth/role/add", {"name": role})
            have = []
        if perm and not any(p.get("key") == perm["key"] and p.get("range_end") == perm["range_end"]
                            and p.get("permType", "READ") == perm["permType"] for p in have):
            _etcd_v3(state, "auth/role/grant", {"name": role, "perm": perm})
        roles = _etcd_v3(state, "auth/user/get", {"name": user}).get("roles") or []
        if role not in roles:
            _etcd_v3(state, "auth/user/grant", {"user": user, "role": role})

    ensure_user("root", pw["etcd_root"])
    ensure_role("root", "root", None)
    for node in state.topo.nodes:
        name = f"scope.{node.name}"
        ensure_user(name, pw[node.name]["etcd"])
        prefix = scope_prefix(state, node)
        ensure_role(name, name, {"permType": "READWRITE", "key": _b64(prefix), "range_end": _b64(_prefix_end(prefix))})
    if enabled:
        return False
    reload_patronis(state)
    _etcd_v3(state, "auth/enable", {})
    _tokens.pop(str(state.root), None)
    return True


def reload_patronis(state: State) -> None:
    """Every Patroni that answers reads its configuration again, and has a loop to act on it."""
    import time
    answered = [s for s in state.topo.servers() if reload_patroni(state, s)]
    if answered:
        time.sleep(state.topo.loop_wait + 1)


def reload_patroni(state: State, s: Server) -> bool:
    """Ask a running Patroni to read its configuration file again; False when it does not answer."""
    import base64
    if _api_ca is None or not _api_ca.exists():
        return False
    auth = base64.b64encode(f"patroni:{state.passwords()[s.node]['patroni']}".encode()).decode()
    req = urllib.request.Request(f"https://{s.host}:{s.api_port}/reload", method="POST", data=b"",
                                 headers={"Authorization": f"Basic {auth}"})
    try:
        with urllib.request.urlopen(req, timeout=2, context=ssl.create_default_context(cafile=str(_api_ca))) as r:
            return r.status in (200, 202)
    except urllib.error.HTTPError as err:
        return err.code in (200, 202)
    except (OSError, ssl.SSLError):
        return False


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

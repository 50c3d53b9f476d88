"""Kiosk identities: `redbox-net kiosk enroll ID` makes one kiosk's own logins and
its configuration folder, and nothing else; `kiosk revoke ID` shuts it out within
seconds, without restarting a server.

Each kiosk has two login roles, each with its own password:
  kiosk.ID     at its red box pair only (a member of the group "kiosk"): rentals,
               returns, sign-ins, its cache, its technicians' sessions
  verifier.ID  at its coast and HQ only (a member of "verifier"): escalation
Both servers of a pair share their roles (physical replication), so a role made or
locked on the primary holds on the standby and after a failover. The passwords are
kept in STATE/secrets/kiosks.json (0600, the operator's) and handed to the kiosk in
STATE/kiosks/ID/ (0700): its kiosk.ini, one password file per login, its pair's
Patroni REST credentials, the card key and the CA certificate.
"""
from __future__ import annotations

import json
import os
import secrets as pysecrets
import shutil
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

from . import db
from .state import State, pgpass_escape, write_public, write_secret


class KioskError(Exception):
    pass


def redbox_login(kiosk_id: str) -> str:
    return f"kiosk.{kiosk_id}"


def verifier_login(kiosk_id: str) -> str:
    return f"verifier.{kiosk_id}"


def secrets_file(state: State) -> Path:
    return state.secrets_dir / "kiosks.json"


def load(state: State) -> dict:
    f = secrets_file(state)
    return json.loads(f.read_text()) if f.exists() else {}


def save(state: State, data: dict) -> None:
    write_secret(secrets_file(state), json.dumps(data, indent=1, sort_keys=True) + "\n", 0, 0)


def folder(state: State, kiosk_id: str) -> Path:
    return state.kiosk_dir / kiosk_id


def config_path(state: State, kiosk_id: str) -> Path:
    return folder(state, kiosk_id) / "kiosk.ini"


def storage_dir(state: State, kiosk_id: str) -> Path:
    return state.root / "kiosk-data" / kiosk_id


def served_kiosks(state: State) -> list[tuple[str, str]]:
    """(kiosk id, red box node) of every kiosk HQ lists under a red box of this topology."""
    with db.node_conn(state, state.topo.hq.name) as conn, conn.cursor() as cur:
        cur.execute("SELECT kiosk_id, node_name FROM redbox.redbox WHERE node_name = ANY (%s) ORDER BY kiosk_id",
                    ([n.name for n in state.topo.redboxes()],))
        rows = cur.fetchall()
        conn.rollback()
    return rows


def _node_of(state: State, kiosk_id: str) -> str:
    for k, node in served_kiosks(state):
        if k == kiosk_id:
            return node
    raise KioskError(f"HQ lists no kiosk {kiosk_id!r} at a red box of network {state.topo.name!r}")


def _set_login(state: State, node: str, login: str, kiosk_id: str, redbox_node: str, password: str | None) -> int:
    """Make LOGIN (or lock it, PASSWORD None) on NODE's primary and map it to KIOSK_ID there;
    a lock also ends the login's open sessions. Returns how many sessions were ended."""
    group = "kiosk" if login.startswith("kiosk.") else "verifier"
    with db.node_conn(state, node, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN INHERIT").format(sql.Identifier(login)))
        if password is None:
            cur.execute(sql.SQL("ALTER ROLE {} NOLOGIN PASSWORD NULL").format(sql.Identifier(login)))
            cur.execute("UPDATE redbox.kiosk_login SET revoked_at = coalesce(revoked_at, now()) WHERE login = %s",
                        (login,))
            cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = %s", (login,))
            return cur.fetchone()[0]
        verifier = psycopg2.extensions.encrypt_password(password, login, conn, "scram-sha-256")
        cur.execute(sql.SQL("ALTER ROLE {} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                            "CONNECTION LIMIT 12 PASSWORD {}").format(sql.Identifier(login), sql.Literal(verifier)))
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(login)))
        cur.execute("""INSERT INTO redbox.kiosk_login (login, kiosk_id, node_name) VALUES (%s, %s, %s)
                       ON CONFLICT (kiosk_id) DO UPDATE SET login = EXCLUDED.login, node_name = EXCLUDED.node_name,
                                                            enrolled_at = now(), revoked_at = NULL""",
                    (login, kiosk_id, redbox_node))
        # Sessions of an earlier password (a re-enrolment replaces a kiosk's credentials).
        cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = %s", (login,))
        return cur.fetchone()[0]


def _pgpass(state: State, nodes: list[str], login: str, password: str) -> str:
    lines = [f"{s.host}:{s.port}:{state.topo.database}:{pgpass_escape(login)}:{pgpass_escape(password)}"
             for n in nodes for s in state.topo.node(n).servers]
    return "\n".join(lines) + "\n"


def write_folder(state: State, kiosk_id: str, node_name: str, creds: dict) -> Path:
    """The kiosk's configuration and its own credentials, and nothing that works elsewhere."""
    topo = state.topo
    node = topo.node(node_name)
    coast = topo.coast_node(node.coast)
    d = folder(state, kiosk_id)
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(d, 0o700)
    storage = storage_dir(state, kiosk_id)
    storage.mkdir(parents=True, exist_ok=True)
    os.chmod(storage, 0o700)
    passwords = state.passwords()
    write_secret(d / "redbox.pgpass", _pgpass(state, [node.name], redbox_login(kiosk_id), creds["redbox"]), 0, 0)
    write_secret(d / "verifier.pgpass", _pgpass(state, [coast.name, topo.hq.name], verifier_login(kiosk_id),
                                                creds["verifier"]), 0, 0)
    write_secret(d / "patroni.secret", f"patroni:{passwords[node.name]['patroni']}\n", 0, 0)
    write_secret(d / "card.key", state.card_key() + "\n", 0, 0)
    write_public(d / "ca.crt", state.ca_cert.read_text())
    hosts = lambda n: ",".join(f"{s.host}:{s.port}" for s in n.servers)  # noqa: E731
    text = (f"; Kiosk {kiosk_id}: written by `redbox-net kiosk enroll` (the kiosk app's --config).\n"
            f"; Its credentials are its own: they open its red box pair (kiosk.{kiosk_id}) and its\n"
            f"; coast and HQ for escalation (verifier.{kiosk_id}), nothing else.\n"
            f"[kiosk]\nid = {kiosk_id}\nlanguage = en\norientation = portrait\ntheme = day\n\n"
            f"[redbox]\nnode = {node.name}\nhosts = {hosts(node)}\ndatabase = {topo.database}\n"
            f"patroni = {','.join(f'{s.host}:{s.api_port}' for s in node.servers)}\n\n"
            f"[coast]\nnode = {coast.name}\nhosts = {hosts(coast)}\n\n"
            f"[hq]\nhosts = {hosts(topo.hq)}\n\n"
            f"[security]\nca = {d / 'ca.crt'}\nkiosk_passfile = {d / 'redbox.pgpass'}\n"
            f"verifier_passfile = {d / 'verifier.pgpass'}\npatroni_secret = {d / 'patroni.secret'}\n"
            f"card_key_file = {d / 'card.key'}\nkiosk_key_file = {storage / 'kiosk.key'}\n\n"
            f"[storage]\ndir = {storage}\n")
    write_public(d / "kiosk.ini", text)
    return d


def enroll(state: State, kiosk_id: str, rotate: bool = True) -> tuple[Path, float]:
    """Make KIOSK_ID's logins (new passwords unless ROTATE is false and it has some) and its
    folder. Returns the folder and the seconds it took."""
    t0 = time.monotonic()
    node_name = _node_of(state, kiosk_id)
    node = state.topo.node(node_name)
    data = load(state)
    creds = data.get(kiosk_id)
    if rotate or not creds or creds.get("revoked_at"):
        creds = {"redbox": pysecrets.token_urlsafe(24), "verifier": pysecrets.token_urlsafe(24)}
    creds["node"] = node_name
    creds.pop("revoked_at", None)
    _set_login(state, node_name, redbox_login(kiosk_id), kiosk_id, node_name, creds["redbox"])
    for upper in (state.topo.coast_node(node.coast).name, state.topo.hq.name):
        _set_login(state, upper, verifier_login(kiosk_id), kiosk_id, node_name, creds["verifier"])
    data[kiosk_id] = creds
    save(state, data)
    return write_folder(state, kiosk_id, node_name, creds), time.monotonic() - t0


def revoke(state: State, kiosk_id: str) -> tuple[int, float]:
    """Lock KIOSK_ID's logins everywhere, end its sessions, delete its folder's secrets.
    Returns the sessions ended and the seconds it took."""
    t0 = time.monotonic()
    data = load(state)
    creds = data.get(kiosk_id)
    if not creds:
        raise KioskError(f"kiosk {kiosk_id!r} was never enrolled on network {state.topo.name!r}")
    node = state.topo.node(creds["node"])
    ended = _set_login(state, node.name, redbox_login(kiosk_id), kiosk_id, node.name, None)
    for upper in (state.topo.coast_node(node.coast).name, state.topo.hq.name):
        ended += _set_login(state, upper, verifier_login(kiosk_id), kiosk_id, node.name, None)
    creds.update({"redbox": None, "verifier": None,
                  "revoked_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    save(state, data)
    d = folder(state, kiosk_id)
    if d.exists():
        shutil.rmtree(d)
    return ended, time.monotonic() - t0


def enroll_all(state: State) -> int:
    """Enrol every kiosk of the network that has no logins yet (or lost its folder), keeping the
    credentials of those that have them: `up` stays idempotent and running kiosks keep working."""
    data = load(state)
    n = 0
    for kiosk_id, _node in served_kiosks(state):
        creds = data.get(kiosk_id)
        if creds and creds.get("revoked_at"):
            continue
        if creds and config_path(state, kiosk_id).exists():
            continue
        enroll(state, kiosk_id, rotate=False)
        n += 1
    return n


def listing(state: State) -> list[dict]:
    data = load(state)
    return [{"kiosk_id": k, "node": node, "enrolled": k in data and not data[k].get("revoked_at"),
             "revoked_at": data.get(k, {}).get("revoked_at"),
             "config": str(config_path(state, k)) if config_path(state, k).exists() else None}
            for k, node in served_kiosks(state)]

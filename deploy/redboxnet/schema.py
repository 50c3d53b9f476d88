"""Roles, the database, numbered migrations and the dblink links, on every primary.

Migrations: schema/common/NNN_*.sql and schema/<tier>/NNN_*.sql, applied in
number order, each in one transaction with its row in
redbox_meta.schema_migrations; re-applying is a no-op and a migration whose
file changed after it was applied is refused. Functions:
schema/<tier>/functions/*.sql (CREATE OR REPLACE), re-applied when their
checksum changes. A database migrated by a newer version (a migration this
checkout does not have) is refused.
"""
from __future__ import annotations

import hashlib
import random
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import psycopg2.errors
import psycopg2.extensions
import psycopg2.extras
from psycopg2 import sql

from . import db
from .state import State
from .topology import Node

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema"
MIGRATION_RE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")

# Group roles the schema grants to: "peer" (the nodes' dblink logins, node.NAME), "kiosk" (each
# kiosk's login at its red box pair, kiosk.ID) and "verifier" (each kiosk's escalation login at
# its coast and HQ, verifier.ID); none can log in. "forwarder" is each node's own hop forwarder.
GROUP_ROLES = ("peer", "kiosk", "verifier")
# Roles of earlier releases, shut out (one "technician" password was on every kiosk). They stay as
# roles that cannot log in and are granted nothing: migration 001 names them.
RETIRED_ROLES = ("technician",)


def node_login(node: str) -> str:
    """The login role NODE's dblink links use at the nodes they reach."""
    return f"node.{node}"


def senders_to(topo, target: str) -> list[Node]:
    """The nodes that link to TARGET (and so send it hops)."""
    return [n for n in topo.nodes if any(link.target == target for link in topo.links_from(n.name))]


class MigrationError(Exception):
    pass


def migrations_for(tier: str) -> list[Path]:
    files = []
    for d in (SCHEMA_DIR / "common", SCHEMA_DIR / tier):
        files += [p for p in d.glob("*.sql") if MIGRATION_RE.match(p.name)]
    nums: dict[str, Path] = {}
    for p in files:
        n = p.name[:3]
        if n in nums:
            raise MigrationError(f"migration number {n} used twice: {nums[n]} and {p}")
        nums[n] = p
    return [nums[n] for n in sorted(nums)]


def functions_for(tier: str) -> list[Path]:
    out = []
    dirs = [SCHEMA_DIR / "common" / "functions"]
    if tier in ("hq", "coast"):
        dirs.append(SCHEMA_DIR / "upper" / "functions")   # the ledger HQ and the coasts share
    dirs.append(SCHEMA_DIR / tier / "functions")
    for d in dirs:
        out += sorted(d.glob("*.sql"))
    return out


def checksum(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def scram(conn, password: str, role: str) -> str:
    """The SCRAM verifier of PASSWORD, sent instead of the password so it cannot reach a server log."""
    return psycopg2.extensions.encrypt_password(password, role, conn, "scram-sha-256")


def ensure_roles(conn, state: State, node: Node, passwords: dict) -> None:
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT rolname FROM pg_roles")
        have = {r[0] for r in cur.fetchall()}
        if "redbox_owner" not in have:
            cur.execute("CREATE ROLE redbox_owner NOLOGIN")
        # Health functions report whether the synchronous standby streams.
        cur.execute("GRANT pg_read_all_stats TO redbox_owner")
        for role in GROUP_ROLES:
            if role not in have:
                cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
            cur.execute(sql.SQL("ALTER ROLE {} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                                "PASSWORD NULL").format(sql.Identifier(role)))
        for role in RETIRED_ROLES:
            if role not in have:
                cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
            cur.execute(sql.SQL("ALTER ROLE {} NOLOGIN PASSWORD NULL").format(sql.Identifier(role)))
        if "forwarder" not in have:
            cur.execute("CREATE ROLE forwarder LOGIN NOINHERIT")
        cur.execute(sql.SQL("ALTER ROLE forwarder LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE "
                            "NOREPLICATION CONNECTION LIMIT 20 PASSWORD {}").format(
            sql.Literal(scram(conn, passwords[node.name]["forwarder"], "forwarder"))))
        # The payments service of a coast (redbox-payments): its own functions only.
        if "payments" not in have:
            cur.execute("CREATE ROLE payments LOGIN NOINHERIT")
        cur.execute(sql.SQL("ALTER ROLE payments LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE "
                            "NOREPLICATION CONNECTION LIMIT 5 PASSWORD {}").format(
            sql.Literal(scram(conn, passwords[node.name]["payments"], "payments"))))
        # The mail service of a coast (redbox-mailer): its own functions only.
        if "mailer" not in have:
            cur.execute("CREATE ROLE mailer LOGIN NOINHERIT")
        cur.execute(sql.SQL("ALTER ROLE mailer LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE "
                            "NOREPLICATION CONNECTION LIMIT 5 PASSWORD {}").format(
            sql.Literal(scram(conn, passwords[node.name]["mailer"], "mailer"))))
        # One login per node that sends hops here, a member of "peer" only.
        for sender in senders_to(state.topo, node.name):
            login = node_login(sender.name)
            if login not in have:
                cur.execute(sql.SQL("CREATE ROLE {} LOGIN INHERIT").format(sql.Identifier(login)))
            cur.execute(sql.SQL("ALTER ROLE {} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                                "CONNECTION LIMIT 50 PASSWORD {}").format(
                sql.Identifier(login), sql.Literal(scram(conn, passwords[sender.name]["link"], login))))
            cur.execute(sql.SQL("GRANT peer TO {}").format(sql.Identifier(login)))
        # Logins of nodes that no longer link here.
        wanted = {node_login(n.name) for n in senders_to(state.topo, node.name)}
        for old in sorted(r for r in have if r.startswith("node.") and r not in wanted):
            cur.execute(sql.SQL("ALTER ROLE {} NOLOGIN PASSWORD NULL").format(sql.Identifier(old)))


def retire_old_grants(conn) -> None:
    """Earlier releases granted functions to roles that are now shut out."""
    conn.autocommit = True
    with conn.cursor() as cur:
        for role in RETIRED_ROLES:
            cur.execute(sql.SQL("REVOKE ALL ON ALL FUNCTIONS IN SCHEMA redbox FROM {}").format(sql.Identifier(role)))
            cur.execute(sql.SQL("REVOKE ALL ON SCHEMA redbox FROM {}").format(sql.Identifier(role)))
            cur.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM {}").format(
                sql.Identifier(conn.info.dbname), sql.Identifier(role)))


def ensure_database(conn, dbname: str) -> None:
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {} OWNER redbox_owner ENCODING 'UTF8' TEMPLATE template0")
                        .format(sql.Identifier(dbname)))
        cur.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(dbname)))
        cur.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO peer, forwarder, payments, mailer, kiosk, verifier")
                    .format(sql.Identifier(dbname)))
        for other in ("postgres", "template1"):
            cur.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(sql.Identifier(other)))
        # Patroni's rewind user checks and rewinds a returning primary through the postgres database.
        cur.execute("GRANT CONNECT ON DATABASE postgres TO rewinder")


def ensure_extensions(conn) -> None:
    """dblink and pgcrypto in schema ext, usable by the owner of our functions only."""
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("CREATE SCHEMA IF NOT EXISTS ext")
        cur.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        cur.execute("CREATE EXTENSION IF NOT EXISTS dblink SCHEMA ext")
        cur.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA ext")
        cur.execute("REVOKE ALL ON SCHEMA ext FROM PUBLIC")
        cur.execute("REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA ext FROM PUBLIC")
        cur.execute("GRANT USAGE ON SCHEMA ext TO redbox_owner")
        cur.execute("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ext TO redbox_owner")
        cur.execute("GRANT CREATE ON DATABASE " + conn.info.dbname + " TO redbox_owner")


# A migration takes its locks for at most LOCK_TIMEOUT and tries again: while a DDL
# statement waits for a lock, every rental behind it waits too, so it must never
# wait long. A migration that cannot get its locks in LOCK_ATTEMPTS tries fails.
LOCK_TIMEOUT = "1s"
LOCK_ATTEMPTS = 60


def run_briefly_locking(conn, work, what: str) -> int:
    """Run WORK(cursor) in one transaction whose lock waits are short, retrying when a lock
    is not granted in time; returns how many retries it took."""
    for attempt in range(LOCK_ATTEMPTS):
        with conn.cursor() as cur:
            try:
                cur.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                work(cur)
                conn.commit()
                return attempt
            except psycopg2.errors.LockNotAvailable:
                conn.rollback()
                time.sleep(0.2 + random.random() * 0.6)
            except psycopg2.Error as e:
                conn.rollback()
                raise MigrationError(f"{what} failed: {str(e).strip()}") from None
    raise MigrationError(f"{what}: its locks were not granted in {LOCK_ATTEMPTS} tries of {LOCK_TIMEOUT}; "
                         f"the tables it alters are busy, try again later")


def use_schema_dir(path: Path) -> None:
    """Migrate from another release's schema folder (`redbox-net upgrade --schema-dir`)."""
    global SCHEMA_DIR
    if not (path / "common").is_dir():
        raise MigrationError(f"{path} is not a schema folder (it has no common/ folder)")
    SCHEMA_DIR = path.resolve()


def apply_migrations(conn, tier: str, node: str) -> list[str]:
    conn.autocommit = False
    applied_now = []
    lock_retries = 0
    with conn.cursor() as cur:
        cur.execute("SET LOCAL ROLE redbox_owner")
        cur.execute("CREATE SCHEMA IF NOT EXISTS redbox_meta")
        cur.execute("""CREATE TABLE IF NOT EXISTS redbox_meta.schema_migrations (
                         version text PRIMARY KEY, checksum text NOT NULL,
                         applied_at timestamptz NOT NULL DEFAULT now())""")
        cur.execute("""CREATE TABLE IF NOT EXISTS redbox_meta.schema_functions (
                         file text PRIMARY KEY, checksum text NOT NULL,
                         applied_at timestamptz NOT NULL DEFAULT now())""")
        conn.commit()
        cur.execute("SELECT version, checksum FROM redbox_meta.schema_migrations")
        done = dict(cur.fetchall())
    files = migrations_for(tier)
    known = {p.stem for p in files}
    newer = sorted(set(done) - known)
    if newer:
        raise MigrationError(f"{node}: the database has migration(s) {', '.join(newer)} that this version does "
                             f"not know; it was migrated by a newer redbox. Refusing to touch it.")
    for p in files:
        if p.stem in done:
            if done[p.stem] != checksum(p):
                raise MigrationError(f"{node}: migration {p.relative_to(SCHEMA_DIR)} changed after it was applied; "
                                     f"write a new migration instead of editing an applied one")
            continue
        def migrate(cur, p=p):
            cur.execute("SET LOCAL ROLE redbox_owner")
            cur.execute(p.read_text())
            cur.execute("INSERT INTO redbox_meta.schema_migrations (version, checksum) VALUES (%s, %s)",
                        (p.stem, checksum(p)))
        lock_retries += run_briefly_locking(conn, migrate, f"{node}: migration {p.relative_to(SCHEMA_DIR)}")
        applied_now.append(p.stem)
    # Functions: re-applied when changed, all in one transaction.
    with conn.cursor() as cur:
        cur.execute("SELECT file, checksum FROM redbox_meta.schema_functions")
        fdone = dict(cur.fetchall())
        changed = [p for p in functions_for(tier) if fdone.get(str(p.relative_to(SCHEMA_DIR))) != checksum(p)]
        if changed:
            # Functions depend on each other: apply the whole set, in order, when any changed.
            changed = functions_for(tier)
            def replace_functions(cur, changed=changed):
                cur.execute("SET LOCAL ROLE redbox_owner")
                cur.execute("SET LOCAL search_path = redbox, ext, pg_temp")
                for p in changed:
                    cur.execute(p.read_text())
                    cur.execute("INSERT INTO redbox_meta.schema_functions (file, checksum) VALUES (%s, %s) "
                                "ON CONFLICT (file) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()",
                                (str(p.relative_to(SCHEMA_DIR)), checksum(p)))
            conn.commit()
            lock_retries += run_briefly_locking(conn, replace_functions, f"{node}: the function files")
            applied_now.append(f"{len(changed)} function files")
    conn.commit()
    if lock_retries:
        applied_now.append(f"waited for rentals' locks {lock_retries} time(s)")
    return applied_now


def configure_node(conn, state: State, node: Node, passwords: dict) -> None:
    """Who this node is and the dblink links of figure 14 (foreign servers, user mappings)."""
    topo = state.topo
    conn.autocommit = False
    with conn.cursor() as cur:
        cur.execute("SELECT redbox.configure_identity(%s, %s, %s)", (node.name, node.tier, node.coast))
        cur.execute("SELECT redbox.configure_peers(%s)", (psycopg2.extras.Json([
            {"login": node_login(n.name), "node": n.name, "tier": n.tier, "coast": n.coast}
            for n in senders_to(topo, node.name)]),))
        # Ticket keys: a red box its own, a coast its red boxes', HQ every red box's.
        keys = {rb.name: passwords[rb.name]["ticket_key"] for rb in topo.redboxes()
                if node.tier == "hq" or rb.name == node.name or (node.tier == "coast" and rb.coast == node.coast)}
        cur.execute("SELECT redbox.configure_ticket_keys(%s)", (psycopg2.extras.Json(keys),))
        wanted = []
        for link in topo.links_from(node.name):
            target = topo.node(link.target)
            server = "link_" + link.target.replace("-", "_")
            wanted.append(server)
            options = {
                "host": target.hosts_csv(), "port": target.ports_csv(), "dbname": topo.database,
                # The CA certificate where the server that opens the link keeps it.
                "sslmode": "verify-full", "sslrootcert": str(state.server_ca_cert),
                "target_session_attrs": "read-write", "connect_timeout": "3",
                "keepalives": "1", "keepalives_idle": "5", "keepalives_interval": "2", "keepalives_count": "3",
                "tcp_user_timeout": "10000", "application_name": f"dblink {node.name}->{link.target}",
            }
            cur.execute("SELECT redbox.configure_link(%s, %s, %s, %s, %s, %s)",
                        (link.target, target.tier, target.coast, link.kind, server,
                         psycopg2.extras.Json(options)))
            cur.execute("SELECT redbox.configure_link_password(%s, %s, %s)",
                        (server, node_login(node.name), passwords[node.name]["link"]))
        cur.execute("SELECT redbox.configure_drop_links_except(%s)", (wanted,))
    conn.commit()


def setup_node(state: State, node: Node, passwords: dict) -> str:
    t0 = time.monotonic()
    conn = db.connect_node(state, node.name, dbname="postgres", timeout=10)
    try:
        ensure_roles(conn, state, node, passwords)
        ensure_database(conn, state.topo.database)
    finally:
        conn.close()
    conn = db.connect_node(state, node.name, timeout=10)
    try:
        ensure_extensions(conn)
        applied = apply_migrations(conn, node.tier, node.name)
        retire_old_grants(conn)
        configure_node(conn, state, node, passwords)
    finally:
        conn.close()
    what = ", ".join(applied) if applied else "up to date"
    return f"  schema    {node.name:18} {node.tier:8} {what} ({time.monotonic() - t0:.1f} s)"


def upgrade_all(state: State, passwords: dict) -> None:
    """Migrate a running network tier by tier: HQ, then the coasts, then the red boxes, one
    node at a time, so an upper tier already understands what a migrated lower tier sends.
    Rentals go on meanwhile: each migration waits for its locks briefly and retries."""
    order = {"hq": 0, "coast": 1, "redbox": 2}
    for node in sorted(state.topo.nodes, key=lambda n: order[n.tier]):
        print(setup_node(state, node, passwords), flush=True)


def setup_all(state: State, passwords: dict) -> None:
    with ThreadPoolExecutor(max_workers=len(state.topo.nodes)) as ex:
        for line in ex.map(lambda n: setup_node(state, n, passwords), state.topo.nodes):
            print(line, flush=True)

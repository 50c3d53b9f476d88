"""`redbox-net status`: one row per server with its role, reachability,
replication state and lag, as Patroni and PostgreSQL report them; and one
row per node with the hops waiting in its outbox (how many, the oldest's
age, how many are parked for a technician)."""
from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg2

from . import cluster, db
from .state import State
from .topology import Node, Server


def _probe(state: State, s: Server) -> tuple[bool, str]:
    try:
        conn = db.connect_server(state, s, timeout=2)
    except psycopg2.Error as e:
        return False, str(e).strip().splitlines()[0] if str(e).strip() else "no answer"
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_is_in_recovery()")
            return True, "standby" if cur.fetchone()[0] else "primary"
    finally:
        conn.close()


def _replication(state: State, primary: Server) -> dict[str, tuple[str, str]]:
    """application_name -> (sync_state, replay_lag) from the primary's pg_stat_replication."""
    try:
        conn = db.connect_server(state, primary, timeout=2)
    except psycopg2.Error:
        return {}
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT application_name, sync_state, "
                        "coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint, "
                        "coalesce(extract(epoch FROM replay_lag) * 1000, 0)::numeric(12,1) "
                        "FROM pg_stat_replication")
            return {r[0]: (r[1], f"{r[2]} B / {r[3]} ms") for r in cur.fetchall()}
    finally:
        conn.close()


def node_rows(state: State, node: Node) -> list[dict]:
    view = cluster.cluster_view(node) or {"members": []}
    by_name = {m["name"]: m for m in view["members"]}
    rows = []
    probes = {s.member: _probe(state, s) for s in node.servers}
    primary = next((s for s in node.servers if probes[s.member] == (True, "primary")), None)
    repl = _replication(state, primary) if primary else {}
    for s in node.servers:
        m = by_name.get(s.member, {})
        reachable, what = probes[s.member]
        role = what if reachable else {"leader": "primary", "sync_standby": "standby",
                                       "replica": "standby"}.get(m.get("role", ""), "-")
        if reachable and what == "primary":
            sync, lag = "-", "-"
        elif s.member in repl:
            sync, lag = repl[s.member]
        else:
            sync, lag = ("not streaming" if reachable else "-"), "-"
        rows.append({
            "node": node.name, "member": s.member, "role": role, "address": s.address,
            "reachable": "yes" if reachable else "no", "sync": sync, "lag": lag,
            "ha": m.get("state", "no patroni") + (f" ({m['role']})" if m.get("role") else ""),
            "timeline": m.get("timeline"),
        })
    return rows


def _hops(state: State, node: Node) -> dict:
    row = {"node": node.name, "pending": "-", "oldest": "-", "parked": "-", "error": ""}
    try:
        with db.node_conn(state, node.name) as conn, conn.cursor() as cur:
            cur.execute("SET statement_timeout = '5s'")
            cur.execute("SELECT coalesce(sum(pending), 0)::bigint, "
                        "coalesce(extract(epoch FROM now() - min(oldest)), 0)::numeric(12,1) FROM redbox.forward_pending()")
            pending, oldest = cur.fetchone()
            cur.execute("SELECT count(*) FROM redbox.parked_hops()")
            row.update(pending=pending, oldest=f"{oldest} s" if pending else "-", parked=cur.fetchone()[0])
            conn.rollback()
    except psycopg2.Error as e:
        row["error"] = (str(e).strip().splitlines() or ["no answer"])[0][:80]
    return row


def hop_table(state: State) -> list[dict]:
    with ThreadPoolExecutor(max_workers=len(state.topo.nodes)) as ex:
        return list(ex.map(lambda n: _hops(state, n), state.topo.nodes))


def render_hops(rows: list[dict]) -> str:
    cols = [("node", "NODE"), ("pending", "HOPS PENDING"), ("oldest", "OLDEST"), ("parked", "PARKED"), ("error", "")]
    widths = {k: max(len(h), *(len(str(r[k])) for r in rows)) for k, h in cols} if rows else {}
    out = ["  ".join(h.ljust(widths[k]) for k, h in cols).rstrip()]
    for r in rows:
        out.append("  ".join(str(r[k]).ljust(widths[k]) for k, _ in cols).rstrip())
    return "\n".join(out)


def table(state: State) -> list[dict]:
    with ThreadPoolExecutor(max_workers=len(state.topo.nodes)) as ex:
        parts = list(ex.map(lambda n: node_rows(state, n), state.topo.nodes))
    return [r for p in parts for r in p]


def render_table(rows: list[dict]) -> str:
    cols = [("node", "NODE"), ("member", "SERVER"), ("role", "ROLE"), ("address", "HOST:PORT"),
            ("reachable", "REACHABLE"), ("sync", "SYNC"), ("lag", "REPLAY LAG"), ("ha", "HA STATE")]
    widths = {k: max(len(h), *(len(str(r[k])) for r in rows)) for k, h in cols} if rows else {}
    out = ["  ".join(h.ljust(widths[k]) for k, h in cols)]
    for r in rows:
        out.append("  ".join(str(r[k]).ljust(widths[k]) for k, _ in cols))
    return "\n".join(out)


def text(state: State) -> str:
    """The whole picture: servers, hops per node, and the services' state."""
    from . import forwarders, mail, monitoring, payments
    lines = [render_table(table(state)), "", render_hops(hop_table(state)), ""]
    for label, svc in (("forwarders", forwarders), ("payments", payments), ("mail", mail), ("monitoring", monitoring)):
        got = svc.status(state)
        if got:
            lines.append(f"{label + ':':11} " + ", ".join(f"{n} {'running' if ok else 'STOPPED'}" for n, ok in got))
    return "\n".join(lines)


def watch(state: State, every: int, count: int | None) -> None:
    """Redraws text() in place every EVERY seconds (COUNT times, or until Ctrl-C): the cursor home
    and the screen cleared before each picture, so a terminal shows the latest one and a file or
    pipe gets them one after another."""
    shown = 0
    try:
        while count is None or shown < count:
            picture = text(state)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            sys.stdout.write(f"\033[H\033[2J{state.topo.name} at {stamp}, every {every} s (Ctrl-C stops)\n\n{picture}\n")
            sys.stdout.flush()
            shown += 1
            if count is None or shown < count:
                time.sleep(every)
    except KeyboardInterrupt:
        pass

"""Parked hops, for an operator: the hops a destination refused for good, with the error it
gave, and putting them back in line once the cause is fixed (redbox.retry_parked, which
wakes the node's forwarder). The console and the RedboxParkedHops alert show how many."""
from __future__ import annotations

from .state import State


def parked(state: State, node: str | None = None) -> list[dict]:
    from . import db
    out = []
    for n in ([state.topo.node(node)] if node else state.topo.nodes):
        with db.node_conn(state, n.name) as conn, conn.cursor() as cur:
            cur.execute("SET ROLE redbox_owner")
            cur.execute("SELECT hop_id, kind, dest, parked_at, attempts, last_error FROM redbox.parked_hops()")
            for hop_id, kind, dest, at, attempts, error in cur.fetchall():
                out.append({"node": n.name, "hop_id": hop_id, "kind": kind, "dest": dest, "parked_at": at.isoformat(),
                            "attempts": attempts, "error": (error or "")[:300]})
            conn.rollback()
    return out


def retry(state: State, node: str, hop_id: int | None = None) -> int:
    """Put NODE's parked hop HOP_ID (every parked hop there, if none) back in line; returns how many."""
    from . import db
    with db.node_conn(state, state.topo.node(node).name) as conn, conn.cursor() as cur:
        cur.execute("SET ROLE redbox_owner")
        cur.execute("SELECT redbox.retry_parked(%s)", (hop_id,))
        n = cur.fetchone()[0]
        conn.commit()
    return n


def render(rows: list[dict]) -> str:
    if not rows:
        return "no parked hops"
    lines = [f"{'node':10} {'hop':>8} {'kind':16} {'dest':10} {'parked at':25} {'tries':>5}  error"]
    for r in rows:
        lines.append(f"{r['node']:10} {r['hop_id']:>8} {r['kind']:16} {r['dest']:10} {r['parked_at'][:25]:25} "
                     f"{r['attempts']:>5}  {r['error'].splitlines()[0] if r['error'] else ''}")
    return "\n".join(lines)

"""`redbox-net reconcile`: HQ's reconcile() compares red boxes, coasts and HQ
and returns every difference, and the coasts' charges are compared with the
card acquirer's ledger to the cent; no output lines means the ledgers agree."""
from __future__ import annotations

import json

from . import db, payments
from .state import State


def run(state: State, as_json: bool = False) -> int:
    with db.node_conn(state, state.topo.hq.name) as conn, conn.cursor() as cur:
        cur.execute("SET ROLE redbox_owner")
        cur.execute("SELECT problem FROM redbox.reconcile()")
        problems = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT count(*) FROM redbox.rental")
        rentals = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM redbox.offline_overshoots()")
        overshoots = cur.fetchone()[0]
        conn.rollback()
    money, in_flight = payments.compare_ledgers(state)
    problems += money
    if as_json:
        print(json.dumps({"rentals": rentals, "problems": problems, "offline_overshoots": overshoots,
                          "charges_in_flight": in_flight}, indent=2))
    else:
        for p in problems:
            print(p)
        print(f"reconciled {rentals} rentals across the network: {len(problems)} difference(s)"
              + (f"; {overshoots} offline overshoot(s) reported" if overshoots else "")
              + (f"; {in_flight} charge(s) in flight at the acquirer" if in_flight else ""))
    return 1 if problems else 0

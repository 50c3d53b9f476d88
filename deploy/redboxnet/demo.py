"""`redbox-net demo`: one sign-in, rental and return through the network, as a
kiosk would make them (the kiosk's own login, TLS, the stored functions),
showing where each hop arrives and when, and when the card was authorized and charged."""
from __future__ import annotations

import contextlib
import time
import uuid

import psycopg2
import psycopg2.extras

from . import data, kiosks, render
from .state import State


def _kiosk(state: State, node: str, kiosk_id: str):
    """A connection as the kiosk itself: its login and password file from its enrolled folder."""
    conn = psycopg2.connect(render.conninfo(state, node, kiosks.redbox_login(kiosk_id), application="redbox-net demo",
                                            passfile=kiosks.folder(state, kiosk_id) / "redbox.pgpass"))
    conn.autocommit = True
    return conn


def _wait(state: State, node: str, sql: str, args: tuple, timeout: float = 15.0) -> float | None:
    from . import db
    t0 = time.monotonic()
    with db.node_conn(state, node, autocommit=True) as conn, conn.cursor() as cur:
        while time.monotonic() - t0 < timeout:
            cur.execute(sql, args)
            if cur.fetchone():
                return time.monotonic() - t0
            time.sleep(0.02)
    return None


def run(state: State) -> int:
    topo = state.topo
    rb = next((n for n in topo.redboxes() if n.name == "west-rb2"), topo.redboxes()[0])
    sibling = next((n for n in topo.redboxes(rb.coast) if n.name != rb.name), None)
    coast = topo.coast_node(rb.coast)
    kiosk_id = data.kiosk_id(rb.name, 1)
    card_key = state.card_key()
    from . import db
    pins = {m["member_id"]: m["pin"] for m in data.roster(state)["members"]}
    with db.node_conn(state, topo.hq.name) as conn, conn.cursor() as cur:
        cur.execute("SELECT m.member_id FROM redbox.member m JOIN redbox.membershipstatus s USING (member_id) "
                    "JOIN redbox.membership p USING (membership_id) WHERE m.home_coast = %s AND s.allowed "
                    "AND s.discs_out < p.max_discs_out AND m.member_id = ANY (%s) ORDER BY m.member_id LIMIT 1",
                    (rb.coast, list(pins)))
        member_id = cur.fetchone()[0]
    card = data.member_card(member_id)
    chash = data.card_hash(card_key, card)
    rental_id, payment_id, return_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    # closing(), not `with conn`: psycopg2 2.9 opens a transaction for `with conn` even in autocommit.
    with contextlib.closing(_kiosk(state, rb.name, kiosk_id)) as k, k.cursor() as cur:
        t0 = time.monotonic()
        cur.execute("SELECT outcome, member_id, discs_out, plan_limit, ticket FROM redbox.kiosk_sign_in(%s, %s)",
                    (chash, pins[member_id]))
        outcome, mid, out, limit, ticket = cur.fetchone()
        if outcome != "ok":
            print(f"sign-in at kiosk {kiosk_id} refused: {outcome}")
            return 1
        print(f"sample rental at kiosk {kiosk_id} ({rb.name}): member {mid} (card ...{card[-4:]}) signed in, PIN "
              f"checked by {rb.name} in {(time.monotonic() - t0) * 1000:.0f} ms; {out} of {limit} discs out")
        with db.node_conn(state, rb.name) as admin, admin.cursor() as a:
            a.execute("SELECT d.barcode, m.title, d.slot_no FROM redbox.dvd d JOIN redbox.movie m USING (movie_id) "
                      "WHERE d.kiosk_id = %s AND d.status = 'in' AND d.condition = 'good' ORDER BY d.slot_no LIMIT 1",
                      (kiosk_id,))
            barcode, title, slot = a.fetchone()
        t0 = time.monotonic()
        cur.execute("SELECT due_at, amount_cents, tax_cents FROM redbox.kiosk_rent(%s, %s, %s, %s, %s, %s, NULL, false, %s)",
                    (str(rental_id), chash, barcode, str(payment_id), "tok_demo" + uuid.uuid4().hex[:12], "4242",
                     psycopg2.extras.Json(ticket)))
        due, amount, tax = cur.fetchone()
        committed = time.monotonic() - t0
        print(f"  rented {title!r} (disc {barcode}, slot {slot}): ${amount / 100:.2f} + ${tax / 100:.2f} tax, "
              f"due {due:%a %d %b %H:%M} UTC; committed at {rb.name} and its standby in {committed * 1000:.1f} ms")
        for where, node, sql in (
            ("coast", coast.name, "SELECT 1 FROM redbox.rental WHERE rental_id = %s"),
            ("HQ", topo.hq.name, "SELECT 1 FROM redbox.rental WHERE rental_id = %s"),
        ):
            took = _wait(state, node, sql, (str(rental_id),))
            print(f"  reached {where} ({node}) after {took * 1000:.0f} ms" if took is not None
                  else f"  not yet at {where} ({node}): is its forwarder running? (redbox-net forwarder status)")
        if topo.acquirer is not None:
            took = _wait(state, coast.name, "SELECT 1 FROM redbox.charge WHERE rental_id = %s AND auth_ref IS NOT NULL",
                         (str(rental_id),))
            print(f"  first night authorized at the acquirer by {coast.name}'s payments service after {took * 1000:.0f} ms"
                  if took is not None else
                  f"  not yet authorized at the acquirer: is the payments service running? (redbox-net payments status)")
        if sibling:
            took = _wait(state, sibling.name, "SELECT 1 FROM redbox.inbox WHERE event_id = %s", (str(rental_id),))
            print(f"  membership status updated at the sibling {sibling.name} after {took * 1000:.0f} ms"
                  if took is not None else f"  sibling {sibling.name} not updated yet")
        cur.execute("SELECT redbox.kiosk_dispensed(%s)", (str(rental_id),))
        cur.execute("SELECT title, nights, charge_cents FROM redbox.kiosk_return(%s, %s, NULL, %s)",
                    (str(return_id), barcode, slot))
        t, nights, charge = cur.fetchone()
        print(f"  returned the same evening: {nights} night, ${charge / 100:.2f} in all")
        took = _wait(state, topo.hq.name, "SELECT 1 FROM redbox.rental WHERE rental_id = %s AND status = 'returned'",
                     (str(rental_id),))
        print(f"  return closed at HQ after {took * 1000:.0f} ms" if took is not None else "  return not yet at HQ")
        if topo.acquirer is not None:
            took = _wait(state, coast.name, "SELECT 1 FROM redbox.charge WHERE rental_id = %s AND state = 'captured'",
                         (str(rental_id),))
            print(f"  ${charge / 100:.2f} and its tax captured at the acquirer after {took * 1000:.0f} ms"
                  if took is not None else "  not yet captured at the acquirer")
    return 0

"""Money: the card acquirer and each coast's payments service (redbox-payments).

The topology's [acquirer] names the acquirer. A simulated one (redbox-acquirer, with its
own ledger) is started by `up` on this machine, like the forwarders; each coast's
payments service sends its charges' requests there, as the server user, with the
payments role's password file and the acquirer's API key (0600 files in secrets/).
Settlement and the processor's side of reconcile are here too."""
from __future__ import annotations

import datetime as dt
import json
import os
import secrets as pysecrets
import shutil
from pathlib import Path

from . import procs, render, tls
from .state import State, write_secret

REPO = Path(__file__).resolve().parents[2]
ACQUIRER = "acquirer"


class PaymentsError(Exception):
    pass


def find_binary(name: str, beside: str | None) -> Path:
    """NAME in the folder of BESIDE (the forwarder the caller named), build/, or /usr/bin."""
    dirs = ([Path(beside).resolve().parent] if beside else []) + [REPO / "build", Path("/usr/bin")]
    for d in dirs:
        if (d / name).is_file():
            return d / name
    found = shutil.which(name)
    if found:
        return Path(found)
    raise RuntimeError(f"{name} not found (looked in {', '.join(map(str, dirs))}); build it (cmake --build build)")


def api_key_file(state: State) -> Path:
    return Path(render.network_json(state)["acquirer"]["api_key_file"])


def admin_key_file(state: State) -> Path:
    return Path(render.network_json(state)["acquirer"]["admin_key_file"])


def ensure_secrets(state: State) -> None:
    """The merchant API key and the simulator's admin key, made once, readable by the server user."""
    uid, gid = state.ids()
    for f in (api_key_file(state), admin_key_file(state)):
        text = f.read_text() if f.exists() else pysecrets.token_urlsafe(32) + "\n"
        write_secret(f, text, uid, gid)


def service_name(node: str) -> str:
    return f"payments-{node}"


def running(state: State, name: str, marker: str) -> int | None:
    return procs.read_pid(state, name, marker)


def start_all(state: State, beside: str | None = None) -> None:
    acq = state.topo.acquirer
    if acq is None:
        return
    ensure_secrets(state)
    if acq.simulated:
        start_acquirer(state, beside)
    for node in state.topo.coasts():
        if running(state, service_name(node.name), "redbox-payments"):
            continue
        start_service(state, node.name, beside)
        print(f"  payments  {node.name:18} started (acquirer {acq.url()})", flush=True)


def start_acquirer(state: State, beside: str | None = None) -> int:
    acq = state.topo.acquirer
    pid = running(state, ACQUIRER, "redbox-acquirer")
    if pid:
        return pid
    binary = find_binary("redbox-acquirer", beside)
    uid, gid = state.ids()
    crt, key = tls.ensure_cert(state, ACQUIRER, [acq.host], (uid, gid))
    ledger_dir = state.root / "acquirer"
    ledger_dir.mkdir(mode=0o700, exist_ok=True)
    os.chown(ledger_dir, uid, gid)
    if not procs.port_free(acq.host, acq.port):
        raise procs.PortBusy(f"{acq.host}:{acq.port} (the acquirer) is taken by {procs.port_owner(acq.port)}")
    pid = procs.start_daemon(state, ACQUIRER, [
        str(binary), "--host", acq.host, "--port", str(acq.port), "--cert", str(crt), "--key", str(key),
        "--ledger", str(ledger_dir / "ledger.sqlite"), "--api-key-file", str(api_key_file(state)),
        "--admin-key-file", str(admin_key_file(state))])
    try:
        procs.wait_until(lambda: call(state, "GET", "/v1/health")[0] == 200, 20, "the simulated acquirer to answer")
    except TimeoutError as e:
        raise TimeoutError(f"{e}\n{procs.log_tail(state.log_dir / (ACQUIRER + '.log'))}") from None
    print(f"  acquirer  (simulated)        started on {acq.url()}", flush=True)
    return pid


def start_service(state: State, node: str, beside: str | None = None, accrue_every: int = 60) -> int:
    pid = running(state, service_name(node), "redbox-payments")
    if pid:
        return pid
    binary = find_binary("redbox-payments", beside)
    info = render.conninfo(state, node, "payments", application=f"redbox-payments {node}")
    return procs.start_daemon(state, service_name(node), [
        str(binary), "--node", node, "--conninfo", info, "--acquirer", state.topo.acquirer.url(),
        "--ca", str(state.ca_cert), "--api-key-file", str(api_key_file(state)),
        "--accrue-every-s", str(accrue_every)], env={"QT_LOGGING_RULES": "redbox.*.debug=false"})


def stop_all(state: State) -> None:
    names = [(service_name(n.name), "redbox-payments") for n in state.topo.coasts()] + [(ACQUIRER, "redbox-acquirer")]
    for name, marker in names:
        pid = running(state, name, marker)
        if pid:
            procs.stop_pid(pid, timeout=15)
        state.pidfile(name).unlink(missing_ok=True)


def status(state: State) -> list[tuple[str, bool]]:
    if not state.run_dir.exists() or state.topo.acquirer is None:
        return []
    out = [(f"payments {n.name}", running(state, service_name(n.name), "redbox-payments") is not None)
           for n in state.topo.coasts() if state.pidfile(service_name(n.name)).exists()]
    if state.pidfile(ACQUIRER).exists():
        out.append(("acquirer", running(state, ACQUIRER, "redbox-acquirer") is not None))
    return out


def call(state: State, method: str, path: str, body: dict | None = None, admin: bool = False,
         timeout: float = 5.0) -> tuple[int, dict]:
    """One request to the acquirer API (TLS against the network's CA, the API or admin key)."""
    acq = state.topo.acquirer
    if acq is None:
        raise PaymentsError("the topology names no [acquirer]")
    key = (admin_key_file(state) if admin else api_key_file(state)).read_text().strip()
    st, data = tls.https_request(state, acq.host, acq.port, method, path,
                                 {"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
                                 json.dumps(body) if body is not None else None, timeout)
    return st, (json.loads(data) if data else {})


def set_fault(state: State, mode: str, count: int = 0, match: str = "") -> dict:
    """The simulated acquirer's fault (see redbox-acquirer): for COUNT requests (0: until
    cleared) whose key starts with MATCH (empty: all)."""
    st, body = call(state, "POST", "/v1/faults", {"mode": mode, "count": count, "match": match}, admin=True)
    if st != 200:
        raise PaymentsError(f"the acquirer refused the fault: HTTP {st} {body}")
    return body


def settlement(state: State, day: dt.date) -> list[dict]:
    from . import db  # psycopg2, imported late so that starting and stopping need it not
    rows = []
    for node in state.topo.coasts():
        with db.node_conn(state, node.name) as conn, conn.cursor() as cur:
            cur.execute("SET ROLE redbox_owner")
            cur.execute("SELECT * FROM redbox.settlement(%s, %s)", (day, day))
            cols = [c.name for c in cur.description]
            for r in cur.fetchall():
                rows.append({"coast": node.coast, **{c: (str(v) if c == "day" else v) for c, v in zip(cols, r)}})
            conn.rollback()
    return rows


def refund(state: State, rental_id: str, cents: int, reason: str, by: str, refund_id: str) -> str:
    """Queue a refund at whichever coast holds the rental's charge (its member's coast)."""
    import psycopg2

    from . import db
    for node in state.topo.coasts():
        with db.node_conn(state, node.name) as conn, conn.cursor() as cur:
            cur.execute("SET ROLE redbox_owner")
            cur.execute("SELECT 1 FROM redbox.charge WHERE rental_id = %s", (rental_id,))
            if not cur.fetchone():
                conn.rollback()
                continue
            try:
                cur.execute("SELECT redbox.refund_charge(%s, %s, %s, %s, %s)", (refund_id, rental_id, cents, reason, by))
            except psycopg2.Error as e:
                raise PaymentsError(f"{node.name} refused the refund: {(e.pgerror or str(e)).splitlines()[0]}") from None
            result = cur.fetchone()[0]
            conn.commit()
            return f"{node.name}: {result}"
    raise PaymentsError(f"no coast holds a charge for rental {rental_id}")


def compare_ledgers(state: State) -> tuple[list[str], int]:
    """Every authorization where the acquirer's ledger and the coasts' charges differ, to the
    cent, and how many charges are still in flight (a request queued or in doubt: not compared)."""
    if state.topo.acquirer is None:
        return [], 0
    from . import db
    st, body = call(state, "GET", "/v1/ledger")
    if st != 200:
        return [f"acquirer: the ledger could not be read (HTTP {st})"], 0
    theirs = {a["key"]: a for a in body.get("authorizations", [])}
    problems: list[str] = []
    in_flight = 0
    seen: set[str] = set()
    status_of = {"open": "held", "captured": "captured", "voided": "voided"}
    for node in state.topo.coasts():
        with db.node_conn(state, node.name) as conn, conn.cursor() as cur:
            cur.execute("SET ROLE redbox_owner")
            cur.execute("SELECT auth_key, auth_ref, state, held_cents, captured_cents, refunded_cents, in_flight "
                        "FROM redbox.charge_ledger()")
            rows = cur.fetchall()
            conn.rollback()
        for key, ref, st_, held, cap, refunded, flying in rows:
            seen.add(key)
            if flying:
                in_flight += 1
                continue
            a = theirs.get(key)
            if a is None:
                problems.append(f"{node.name}: authorization {ref} ({key}) is not in the acquirer's ledger")
                continue
            got = (a["auth_id"], a["status"], a["held_cents"], a["captured_cents"], a["refunded_cents"])
            want = (ref, status_of.get(st_, st_), held, cap, refunded)
            if got != want:
                problems.append(f"{node.name}: {key}: ours (id, status, held, captured, refunded) {want}, "
                                f"the acquirer's {got}")
    for key in sorted(set(theirs) - seen):
        problems.append(f"acquirer: authorization {theirs[key]['auth_id']} ({key}) is in no coast's charges")
    return problems, in_flight

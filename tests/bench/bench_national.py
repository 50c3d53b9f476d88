#!/usr/bin/python3
"""Benchmark: the national fleet on the upper tiers.

A real network had about 42,000 kiosks. This loads the two coast servers and
HQ with the hops those kiosks' red boxes would send, through the same stored
function the forwarders call (redbox.apply_events, over TLS, each injector
logged in as a virtual red box of its own that the coast knows as a peer), while full kiosks of the simulator rent and return on the same network:

  1. brings up a fresh network (the simulator's topology, ports 1xxxx, in
     build/fleet-net) and adds the national fleet's fixture to HQ and the
     coasts: 21,000 virtual kiosks per coast (served by their coast node, so
     reconciliation covers them), 2 discs each, and 10,000 members per coast
     (HQ only; the red boxes never see them);
  2. pgbench on the west coast's primary and on HQ (each with its synchronous
     standby), 1 client and 8 clients: the ceiling a server of this machine
     gives to any writer;
  3. starts redbox-sim with --kiosks full kiosks (tests/sim/fleet.json);
  4. a ramp of offered rates (hops per second into the coast tier, half
     rentals, half returns of the same discs 2-8 s later), each for --step
     seconds: 8 injector connections per coast, each standing for a group of
     red box forwarders and sending what is due in one apply_events call (at
     most 50 hops, as a forwarder batches its backlog). Each rental is timed
     from the moment its virtual red box committed it (its committed_at) to
     its arrival at the coast and at HQ (received_at there). A step is
     sustained when the injector kept up (95 % of the offered rate), every hop
     applied, and p99 delay to HQ stayed under 5 s. The ramp stops at the
     first step that is not;
  5. per step, CPU by process group (coast and HQ primaries and standbys,
     forwarders, red boxes, the simulator, the injector, Patroni and etcd),
     so the bottleneck is named by measurement;
  6. the simulator's report: its full kiosks' rental latency during the ramp
     and its invariants (all must be 0; the national fleet's rentals are all
     returned before it checks).

The rate we assume for a busy evening, and why: Redbox's 42,000 kiosks rented
about 2 million discs a day at their peak (some 740 million a year). A Friday
is about 1.5 times an average day, and the 6-9 pm window carries about 30 % of
it: 2.1 M x 1.5 x 0.3 / 10,800 s = about 90 rentals a second, and about as
many returns: some 180 hops a second into the coast tier (90 per coast), and
the same again from the coasts into HQ. The ramp starts at that rate and
doubles past it to find each tier's limit.

Not modelled: away members (their hops fan out to the real red boxes, which do
not know these members); every national rental here is a home rental.

Prints its figures; writes build/fleet-net/bench-national.json.
"""
import argparse
import heapq
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import bench_network as bn  # noqa: E402  (network helpers and pgbench)
import psycopg2  # noqa: E402
from psycopg2 import sql as pgsql  # noqa: E402

COASTS = ("west", "east")
KIOSKS_PER_COAST = 21_000
DISCS_PER_KIOSK = 2
MEMBERS_PER_COAST = 10_000
WORKERS_PER_COAST = 8
MAX_BATCH = 50
HOLD_S = (2.0, 8.0)
DEFAULT_RAMP = "180,360,720,1100,1500,2000,2800"


def iso(t):
    return datetime.fromtimestamp(t, timezone.utc).isoformat()


def prefix(coast):
    return "NW-" if coast == "west" else "NE-"


def member_base(coast):
    return 900_000_000 + (0 if coast == "west" else 1_000_000)


def conn(node, role="postgres"):
    c = psycopg2.connect(bn.server_conninfo(node, role=role, primary_only=True, timeout=5))
    c.autocommit = True
    return c


KIOSKS_SQL = """
INSERT INTO redbox.redbox
SELECT (jsonb_populate_record(NULL::redbox.redbox, to_jsonb(t) || jsonb_build_object(
            'kiosk_id', %(prefix)s || lpad(g::text, 5, '0'),
            'node_name', %(vnode)s || (g %% %(w)s)))).*
  FROM (SELECT * FROM redbox.redbox WHERE coast = %(coast)s ORDER BY kiosk_id LIMIT 1) t,
       generate_series(1, %(n)s) g
ON CONFLICT (kiosk_id) DO NOTHING
"""

DISCS_SQL = """
WITH m AS (SELECT array_agg(movie_id ORDER BY movie_id) AS a FROM redbox.movie)
INSERT INTO redbox.dvd (barcode, movie_id, kiosk_id, slot_no, status, state_at)
SELECT 'D' || lpad(x.mv::text, 5, '0') || lpad((%(serial)s + g * %(d)s + j)::text, 7, '0'), x.mv,
       %(prefix)s || lpad(g::text, 5, '0'), j + 1, 'in', now() - interval '1 day'
  FROM m, generate_series(1, %(n)s) g, generate_series(0, %(d)s - 1) j,
       LATERAL (SELECT m.a[1 + (g * %(d)s + j) %% array_length(m.a, 1)] AS mv) x
ON CONFLICT (barcode) DO NOTHING
"""

MEMBERS_SQL = """
INSERT INTO redbox.member
SELECT (jsonb_populate_record(NULL::redbox.member, to_jsonb(t) || jsonb_build_object(
            'member_id', %(base)s + g,
            'card_hash', encode(sha256(convert_to('national-fleet-' || (%(base)s + g), 'UTF8')), 'hex'),
            'member_email', 'national' || (%(base)s + g) || '@example.com'))).*
  FROM (SELECT * FROM redbox.member WHERE home_coast = %(coast)s ORDER BY member_id LIMIT 1) t,
       generate_series(1, %(n)s) g
ON CONFLICT (member_id) DO NOTHING;
INSERT INTO redbox.membershipstatus (member_id)
SELECT %(base)s + g FROM generate_series(1, %(n)s) g ON CONFLICT (member_id) DO NOTHING;
"""


def virtual_red_boxes(c, coast):
    """One login per injector at COAST, a red box of that coast as far as the coast can tell: it
    may send hops for the national kiosks it serves and nothing else. Returns (name, passfile)."""
    out = []
    state = Path(network()["ca"]).parent
    for w in range(WORKERS_PER_COAST):
        name = f"nat-{coast}-{w}"
        password = uuid.uuid4().hex
        with c.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (f"node.{name}",))
            verb = "ALTER" if cur.fetchone() else "CREATE"
            cur.execute(pgsql.SQL(verb + " ROLE {} LOGIN PASSWORD %s").format(pgsql.Identifier(f"node.{name}")), (password,))
            cur.execute(pgsql.SQL("GRANT peer TO {}").format(pgsql.Identifier(f"node.{name}")))
            cur.execute("""INSERT INTO redbox.peer_login (login, node_name, tier, coast) VALUES (%s, %s, 'redbox', %s)
                           ON CONFLICT (login) DO NOTHING""", (f"node.{name}", name, coast))
        passfile = state / f"bench-national-{name}.pgpass"
        passfile.write_text(f"*:*:*:node.{name}:{password}\n")
        passfile.chmod(0o600)
        out.append((name, str(passfile)))
    return out


def network():
    return bn.network()


def fixture():
    """The national fleet's kiosks, discs and members; returns what a payload needs per coast."""
    out = {}
    hq = conn("hq")
    for i, coast in enumerate(COASTS):
        args = {"prefix": prefix(coast), "vnode": f"nat-{coast}-", "w": WORKERS_PER_COAST, "coast": coast, "n": KIOSKS_PER_COAST,
                "d": DISCS_PER_KIOSK, "serial": 9_000_000 + i * 500_000,
                "base": member_base(coast)}
        c = conn(coast)
        sources = virtual_red_boxes(c, coast)
        for db in (hq, c):
            with db.cursor() as cur:
                cur.execute(KIOSKS_SQL, args)
                cur.execute(DISCS_SQL, args)
        with hq.cursor() as cur:
            cur.execute(MEMBERS_SQL, {**args, "n": MEMBERS_PER_COAST})
            cur.execute("""SELECT m.membership_id, p.daily_rate_cents, p.max_charge_cents
                             FROM redbox.member m JOIN redbox.membership p USING (membership_id)
                            WHERE m.member_id = %s""", (member_base(coast) + 1,))
            plan, rate, cap = cur.fetchone()
            cur.execute("SELECT tax_rate_bp, timezone FROM redbox.redbox WHERE kiosk_id = %s", (prefix(coast) + "00001",))
            tax_bp, tz = cur.fetchone()
            cur.execute("SELECT barcode, movie_id, kiosk_id, slot_no FROM redbox.dvd WHERE kiosk_id LIKE %s",
                        (prefix(coast) + "%",))
            discs = cur.fetchall()
        with c.cursor() as cur:
            cur.execute("SELECT count(*) FROM redbox.dvd WHERE kiosk_id LIKE %s", (prefix(coast) + "%",))
            if cur.fetchone()[0] != len(discs):
                raise SystemExit(f"the {coast} coast and HQ disagree on the national fleet's discs")
        c.close()
        tax = (rate * tax_bp + 5000) // 10000
        out[coast] = {"plan": plan, "rate": rate, "cap": cap, "tax_bp": tax_bp, "tax": tax, "tz": tz,
                      "discs": discs, "sources": sources}
    hq.close()
    return out


class Worker(threading.Thread):
    """One injector connection to a coast: a group of red box forwarders."""

    def __init__(self, coast, index, fx, discs, members, seed):
        super().__init__(daemon=True)
        self.coast, self.fx = coast, fx
        self.source, passfile = fx["sources"][index]
        self.free_discs = discs
        self.free_members = members
        self.rng = random.Random(seed)
        self.returns = []            # heap of (due, seq, payload)
        self.seq = 0
        self.rate = 0.0              # rentals per second offered
        self.next_rental = None
        self.renting = threading.Event()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.reset_counts()
        self.error = None
        self.db = psycopg2.connect(bn.server_conninfo(coast, role=f"node.{self.source}", primary_only=True, timeout=5,
                                                      passfile=passfile))
        self.db.autocommit = True

    def reset_counts(self):
        self.sent_rentals = self.sent_returns = 0
        self.bad = []
        self.call_ms = []
        self.starved = 0

    def set_rate(self, rentals_per_s):
        with self.lock:
            self.rate = rentals_per_s
            self.next_rental = time.time() + self.rng.expovariate(rentals_per_s) if rentals_per_s > 0 else None

    def rental(self, t):
        if not self.free_discs or not self.free_members:
            self.starved += 1
            return None
        barcode, movie, kiosk, slot = self.free_discs.pop(self.rng.randrange(len(self.free_discs)))
        member = self.free_members.pop(self.rng.randrange(len(self.free_members)))
        fx, rid = self.fx, str(uuid.uuid4())
        p = {"rental_id": rid, "member_id": member, "member_coast": self.coast, "membership_id": fx["plan"],
             "barcode": barcode, "movie_id": movie, "kiosk_id": kiosk, "kiosk_node": self.source,
             "kiosk_coast": self.coast, "rented_at": iso(t), "daily_rate_cents": fx["rate"],
             "max_charge_cents": fx["cap"], "tax_rate_bp": fx["tax_bp"], "timezone": fx["tz"], "offline": False,
             "committed_at": iso(t), "status_done": True,
             "payment": {"payment_id": str(uuid.uuid4()), "amount_cents": fx["rate"], "tax_cents": fx["tax"],
                         "card_token": "tok_national" + rid[:8], "card_last4": "4242", "paid_at": iso(t)}}
        due = t + self.rng.uniform(*HOLD_S)
        r = {"return_id": str(uuid.uuid4()), "resolved": True, "rental_id": rid, "barcode": barcode,
             "member_id": member, "member_coast": self.coast, "kiosk_id": kiosk, "kiosk_node": self.source,
             "kiosk_coast": self.coast, "returned_at": iso(due), "slot_no": slot, "nights": 1,
             "charge_cents": fx["rate"] + fx["tax"], "late_cents": 0, "late_tax_cents": 0, "kept": False,
             "status_done": True}
        self.seq += 1
        heapq.heappush(self.returns, (due, self.seq, r, (barcode, movie, kiosk, slot), member))
        return {"hop_id": self.seq, "event_id": rid, "kind": "rental", "payload": p}

    def run(self):
        try:
            while not (self.stop.is_set() and not self.returns):
                now = time.time()
                batch, freed = [], []
                with self.lock:
                    while (self.next_rental is not None and self.next_rental <= now and len(batch) < MAX_BATCH
                           and not self.stop.is_set()):
                        ev = self.rental(self.next_rental)
                        if ev is None:
                            break
                        batch.append(ev)
                        self.next_rental += self.rng.expovariate(self.rate)
                    n_rentals = len(batch)
                    while self.returns and self.returns[0][0] <= now and len(batch) < MAX_BATCH:
                        _, seq, r, disc, member = heapq.heappop(self.returns)
                        batch.append({"hop_id": seq, "event_id": r["return_id"], "kind": "return", "payload": r})
                        freed.append((disc, member))
                    wake = min([x for x in (self.next_rental, self.returns[0][0] if self.returns else None)
                                if x is not None], default=now + 0.05)
                if not batch:
                    time.sleep(min(0.05, max(0.0, wake - time.time())))
                    continue
                t0 = time.monotonic()
                with self.db.cursor() as cur:
                    cur.execute("SELECT redbox.apply_events(%s::jsonb)", (json.dumps(batch),))
                    res = cur.fetchone()[0]
                self.call_ms.append((time.monotonic() - t0) * 1000)
                for r in res:
                    if r["status"] != "applied":
                        self.bad.append(r)
                with self.lock:
                    self.sent_rentals += n_rentals
                    self.sent_returns += len(batch) - n_rentals
                    for disc, member in freed:
                        self.free_discs.append(disc)
                        self.free_members.append(member)
        except Exception as e:  # noqa: BLE001  (reported by the main thread)
            self.error = repr(e)


class Cpu:
    """CPU seconds by process group, from /proc (this machine's view)."""

    def __init__(self, state_dir):
        self.state = str(Path(state_dir).resolve())
        self.hz = os.sysconf("SC_CLK_TCK")
        self.me = os.getpid()

    def group_of(self, pid, cmd, parents):
        if pid == self.me:
            return "injector (this benchmark)"
        if "redbox-sim" in cmd:
            return "redbox-sim (full kiosks)"
        if "redbox-forwarder" in cmd:
            return "forwarders"
        if "patroni" in cmd or "etcd" in cmd:
            return "patroni + etcd"
        for p in (pid, parents.get(pid)):
            pc = self.cmds.get(p, "")
            if "postgres -D " in pc and self.state in pc:
                server = pc.split("postgres -D ", 1)[1].split()[0].rstrip("/").rsplit("/", 1)[1]
                node = server.replace("-standby", "")
                standby = server.endswith("-standby")
                if node == "hq" or node in COASTS:
                    return f"{'hq' if node == 'hq' else 'coast'} {'standby' if standby else 'primary'} ({node})"
                return "red box standbys" if standby else "red box primaries"
        return None

    def snap(self):
        self.cmds, parents, ticks = {}, {}, {}
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                self.cmds[int(p)] = open(f"/proc/{p}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
                f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
                parents[int(p)] = int(f[1])
                ticks[int(p)] = int(f[11]) + int(f[12])
            except (OSError, IndexError, ValueError):
                pass
        groups = {}
        for pid, t in ticks.items():
            g = self.group_of(pid, self.cmds.get(pid, ""), parents)
            if g:
                groups[g] = groups.get(g, 0) + t
        with open("/proc/stat") as f:
            total = sum(int(x) for x in f.readline().split()[1:8])
        return time.monotonic(), groups, total

    def share(self, a, b):
        """Percent of the whole machine per group between two snapshots, and the machine's busy share."""
        dt = b[0] - a[0]
        cores = os.cpu_count()
        per = {g: (b[1].get(g, 0) - a[1].get(g, 0)) / self.hz / dt / cores * 100 for g in b[1]}
        return dict(sorted(per.items(), key=lambda kv: -kv[1])), (b[2] - a[2]) / self.hz / dt / cores * 100


def delays(node, since, until):
    """Rentals of the national fleet committed in [since, until): count, p50, p99 delay in ms to NODE."""
    c = conn(node)
    with c.cursor() as cur:
        cur.execute("""SELECT count(*),
                              percentile_disc(0.5) WITHIN GROUP (ORDER BY received_at - committed_at),
                              percentile_disc(0.99) WITHIN GROUP (ORDER BY received_at - committed_at)
                         FROM redbox.rental
                        WHERE (kiosk_id LIKE 'NW-%%' OR kiosk_id LIKE 'NE-%%')
                          AND committed_at >= %s AND committed_at < %s""", (iso(since), iso(until)))
        n, p50, p99 = cur.fetchone()
    c.close()
    ms = lambda d: d.total_seconds() * 1000 if d is not None else None  # noqa: E731
    return n, ms(p50), ms(p99)


def run_step(workers, rate, seconds, cpu):
    """Offer RATE hops/s (half rentals) for SECONDS; wait for the step's rentals to reach HQ."""
    start = time.time()
    for w in workers:
        w.reset_counts()
        w.set_rate(rate / 2 / len(workers))
    c0 = cpu.snap()
    time.sleep(seconds)
    c1 = cpu.snap()
    for w in workers:
        w.set_rate(0)
    end = time.time()
    time.sleep(1.0)   # calls under way when the step ended come back
    # The step's rentals are those the coasts hold with committed_at in the step (the coasts
    # apply them synchronously); each must reach HQ, within 30 s of the step's end.
    n_c = [delays(c, start, end) for c in COASTS]
    rentals = sum(n for n, _, _ in n_c)
    returns = sum(w.sent_returns for w in workers)
    deadline = time.time() + 30
    while True:
        n_hq, hq50, hq99 = delays("hq", start, end)
        if n_hq >= rentals or time.time() > deadline:
            break
        time.sleep(1)
    bad = [b for w in workers for b in w.bad]
    calls = sorted(x for w in workers for x in w.call_ms)
    shares, busy = cpu.share(c0, c1)
    # Each rental's return follows 2-8 s later (some after the step's window),
    # so the hop rate achieved is twice the rentals sent per second.
    achieved = 2 * rentals / (end - start)
    missing = rentals - n_hq
    why = []
    if bad:
        why.append(f"{len(bad)} hops not applied")
    if missing:
        why.append(f"{missing} rentals not at HQ 30 s after the step")
    if hq99 is None or hq99 >= 5000:
        why.append("p99 delay to HQ not under 5 s")
    if achieved < 0.95 * rate:
        why.append(f"the injector sent {achieved:.0f} of {rate} hops/s")
    sustained = not why
    return {"offered_hops_per_s": rate, "achieved_hops_per_s": achieved, "rentals": rentals, "returns": returns,
            "not_applied": bad[:5], "not_applied_count": len(bad), "missing_at_hq": missing,
            "starved": sum(w.starved for w in workers),
            "delay_to_coast_ms": {c: {"n": n, "p50": p50, "p99": p99} for c, (n, p50, p99) in zip(COASTS, n_c)},
            "delay_to_hq_ms": {"n": n_hq, "p50": hq50, "p99": hq99},
            "apply_call_ms": {"n": len(calls), "p50": calls[len(calls) // 2] if calls else None,
                              "p99": calls[int(len(calls) * 0.99)] if calls else None},
            "cpu_percent_of_machine": {"busy": busy, **shares}, "sustained": sustained, "why_not": why}


def fmt(x, unit=" ms"):
    return "-" if x is None else f"{x:.0f}{unit}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", required=True)
    p.add_argument("--kiosks", type=int, default=40, help="full kiosks of the simulator alongside (default 40)")
    p.add_argument("--ramp", default=DEFAULT_RAMP, help=f"offered hops/s per step (default {DEFAULT_RAMP})")
    p.add_argument("--step", type=int, default=30, help="seconds per step (default 30)")
    p.add_argument("--pgbench-seconds", type=int, default=10)
    p.add_argument("--keep", action="store_true", help="leave the network up")
    a = p.parse_args()
    ramp = [int(x) for x in a.ramp.split(",") if x.strip()]
    if not ramp or min(ramp) < 10 or a.step < 10 or a.kiosks < 0:
        raise SystemExit("--ramp needs rates of at least 10 hops/s, --step at least 10 s, --kiosks at least 0")
    bn.STATE = str(Path(a.build) / "fleet-net")
    bn.TOPO = REPO / "tests" / "sim" / "sim-topology.toml"
    forwarder = str(Path(a.build) / "redbox-forwarder")
    sim = str(Path(a.build) / "redbox-sim")
    out = {"assumed_peak": {"kiosks": 42_000, "rentals_per_s": 90, "hops_per_s_into_coasts": 180,
                            "why": "2.1 M rentals a day x 1.5 (a Friday) x 30 % in 6-9 pm / 10,800 s, returns alike"}}

    print("bench-national: the national fleet's hops on the coast servers and HQ", flush=True)
    print("  assumed busy-evening peak: 42,000 kiosks, about 90 rentals/s and 90 returns/s: "
          "180 hops/s into the coasts, 180 hops/s into HQ", flush=True)
    bn.net("reset", capture=True)
    t0 = time.monotonic()
    per_node = max(1, -(-a.kiosks // 4))
    bn.net("up", "--members", "6000", "--kiosks-per-node", str(per_node), "--forwarder", forwarder, capture=True)
    print(f"  network up in {time.monotonic() - t0:.0f} s", flush=True)
    t0 = time.monotonic()
    fx = fixture()
    print(f"  national fleet fixture: {2 * KIOSKS_PER_COAST} virtual kiosks, "
          f"{sum(len(f['discs']) for f in fx.values())} discs, {2 * MEMBERS_PER_COAST} members "
          f"in {time.monotonic() - t0:.0f} s", flush=True)
    out["pgbench"] = {}
    for node in ("west", "hq"):
        for clients in (1, 8):
            out["pgbench"][f"{node}_{clients}"] = bn.pgbench(node, a.pgbench_seconds, "synchronous standby", clients)

    workers = []
    for coast in COASTS:
        discs = list(fx[coast]["discs"])
        members = [member_base(coast) + g for g in range(1, MEMBERS_PER_COAST + 1)]
        for i in range(WORKERS_PER_COAST):
            # A worker's virtual red box serves the kiosks whose number leaves its index modulo the workers.
            own = [d for d in discs if int(d[2][3:]) % WORKERS_PER_COAST == i]
            workers.append(Worker(coast, i, fx[coast], own, members[i::WORKERS_PER_COAST],
                                  seed=1000 * COASTS.index(coast) + i))
    for w in workers:
        w.start()

    sim_proc, work = None, Path(bn.STATE) / "sim"
    if a.kiosks:
        duration = len(ramp) * (a.step + 20) + 30
        work.mkdir(parents=True, exist_ok=True)
        sim_log = open(work.parent / "bench-national-sim.log", "w")
        sim_proc = subprocess.Popen([sim, "--state-dir", bn.STATE, "--scenario", str(REPO / "tests" / "sim" / "fleet.json"),
                                     "--kiosks", str(a.kiosks), "--duration", str(duration), "--work", str(work),
                                     "--tool", str(bn.TOOL), "--forwarder", forwarder],
                                    stdout=sim_log, stderr=subprocess.STDOUT)
        print(f"  redbox-sim: {a.kiosks} full kiosks for {duration} s alongside", flush=True)
        time.sleep(20)   # their first sync, before the ramp

    cpu = Cpu(bn.STATE)
    steps, best = [], None
    print("  offered  achieved  delay to coast p50/p99   delay to HQ p50/p99   apply call p99   machine busy", flush=True)
    for rate in ramp:
        s = run_step(workers, rate, a.step, cpu)
        steps.append(s)
        dc = s["delay_to_coast_ms"]
        worst_coast = max(dc.values(), key=lambda d: d["p99"] or 0)
        print(f"  {rate:5d}/s  {s['achieved_hops_per_s']:6.0f}/s  {fmt(worst_coast['p50'])} / {fmt(worst_coast['p99'])}"
              f"        {fmt(s['delay_to_hq_ms']['p50'])} / {fmt(s['delay_to_hq_ms']['p99'])}"
              f"          {fmt(s['apply_call_ms']['p99'])}        {s['cpu_percent_of_machine']['busy']:.0f} %"
              f"{'' if s['sustained'] else '   <- not sustained: ' + '; '.join(s['why_not'])}", flush=True)
        top = [(g, v) for g, v in s["cpu_percent_of_machine"].items() if g != "busy"][:5]
        print("           CPU: " + ", ".join(f"{g} {v:.0f} %" for g, v in top), flush=True)
        if s["not_applied_count"]:
            print(f"           {s['not_applied_count']} hops not applied, e.g. {s['not_applied'][:2]}", flush=True)
        if any(w.error for w in workers):
            raise SystemExit("an injector failed: " + "; ".join(w.error for w in workers if w.error))
        if not s["sustained"]:
            break
        best = s
    for w in workers:
        w.stop.set()
    for w in workers:
        w.join(timeout=60)
    out["steps"] = steps
    out["sustained"] = best and {"hops_per_s_into_coasts": best["achieved_hops_per_s"],
                                 "hops_per_s_into_hq": best["achieved_hops_per_s"],
                                 "delay_to_hq_p99_ms": best["delay_to_hq_ms"]["p99"]}
    if best:
        print(f"  highest sustained: {best['achieved_hops_per_s']:.0f} hops/s into the coasts and as many into HQ "
              f"(p99 to HQ {best['delay_to_hq_ms']['p99']:.0f} ms), "
              f"{best['achieved_hops_per_s'] / 180:.1f}x the assumed peak", flush=True)
    else:
        print("  not even the first step was sustained", flush=True)
    ceiling = out["pgbench"]["hq_8"]["tps"]
    print(f"  ceiling: pgbench on HQ, 8 clients: {ceiling:.0f} TPS; on the west coast "
          f"{out['pgbench']['west_8']['tps']:.0f} TPS", flush=True)

    bad_sim = None
    if sim_proc:
        sim_proc.wait()
        rep_path = work / "report.json"
        if not rep_path.exists():
            sys.stderr.write((work.parent / "bench-national-sim.log").read_text()[-4000:])
            raise SystemExit(f"redbox-sim wrote no report (exit {sim_proc.returncode})")
        rep = json.loads(rep_path.read_text())
        lat = rep["rental_latency_ms"]["online"]
        print(f"  full kiosks alongside: {rep['rentals']['ok_online']} rentals, latency p50 {lat['p50']:.0f} / "
              f"p99 {lat['p99']:.0f} ms", flush=True)
        bad_sim = {k: v for k, v in rep["invariants"]["counts"].items() if v != 0}
        print(f"  invariants (national fleet included): {'all 0' if not bad_sim else bad_sim}", flush=True)
        out["sim"] = {"kiosks": a.kiosks, "rental_latency_ms": lat, "invariants": rep["invariants"]["counts"],
                      "exit": sim_proc.returncode}
    (Path(bn.STATE) / "bench-national.json").write_text(json.dumps(out, indent=2, default=str))
    if not a.keep:
        bn.net("down", capture=True)
    return 1 if bad_sim or (sim_proc and sim_proc.returncode != 0) or not best else 0


if __name__ == "__main__":
    sys.exit(main())

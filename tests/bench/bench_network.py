#!/usr/bin/python3
"""Benchmark of the network itself, on its own network (ports 4xxxx,
build/bench-net):

  1. `redbox-net up` of the whole network from nothing (reset first), and a
     second `up` of the running network;
  2. the idle network's CPU (all processes of the server user, 60 s);
  3. pgbench's single-commit latency and TPS on one red box primary with its
     synchronous standby (the baseline every later benchmark compares to),
     and the same with the standby asynchronous, to show what sync costs;
  4. the cost of watching: the idle CPU of Prometheus and of the forwarders
     (which gather their node's figures every 5 s) beside the servers';
     redbox.node_metrics() at a red box against SELECT 1 on the same
     connection; how long Prometheus's scrapes take;
  5. failover: N times, kill a red box primary's host (Patroni and postgres,
     kill -9) while a client commits every 20 ms through the multi-host
     connection string; time from the kill to the first commit on the new
     primary; then `rejoin`. p50 and max.

Prints its figures; writes them as JSON to build/bench-network.json.
"""
import argparse
import json
import os
import pwd
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TOOL = REPO / "deploy" / "redbox-net"
TOPO = HERE / "bench-topology.toml"
sys.path.insert(0, str(REPO / "deploy"))

import psycopg2  # noqa: E402  (Debian's python3-psycopg2)


def net(*args, check=True, capture=False):
    cmd = [str(TOOL), "--topology", str(TOPO), "--state-dir", STATE, *args]
    r = subprocess.run(cmd, capture_output=capture, text=True)
    if check and r.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {r.stderr if capture else ''}")
    return r


def network():
    return json.loads((Path(STATE) / "network.json").read_text())


def server_conninfo(node_name, role="postgres", primary_only=False, timeout=2, passfile=None):
    n = next(x for x in network()["nodes"] if x["name"] == node_name)
    hosts = ",".join(s["host"] for s in n["servers"])
    ports = ",".join(str(s["port"]) for s in n["servers"])
    info = (f"host={hosts} port={ports} dbname=redbox user={role} passfile={passfile or network()['pgpass'][role]} "
            f"sslmode=verify-full sslrootcert={network()['ca']} connect_timeout={timeout}")
    return info + (" target_session_attrs=read-write" if primary_only else "")


def primary_of(node_name):
    n = next(x for x in network()["nodes"] if x["name"] == node_name)
    for s in n["servers"]:
        try:
            c = psycopg2.connect(f"host={s['host']} port={s['port']} dbname=redbox user=postgres "
                                 f"passfile={network()['pgpass']['postgres']} sslmode=verify-full "
                                 f"sslrootcert={network()['ca']} connect_timeout=2")
            with c, c.cursor() as cur:
                cur.execute("SELECT pg_is_in_recovery()")
                if not cur.fetchone()[0]:
                    return s
        except psycopg2.Error:
            pass
    return None


def idle_cpu(seconds):
    """The server user's processes' CPU over SECONDS, in % of the machine: in all, and per program."""
    uid = pwd.getpwnam("redboxdb").pw_uid
    hz = os.sysconf("SC_CLK_TCK")

    def snap():
        per = {}
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    if os.stat(f"/proc/{p}").st_uid != uid:
                        continue
                    head, tail = open(f"/proc/{p}/stat").read().rsplit(")", 1)
                    f = tail.split()
                    comm = head.split("(", 1)[1]
                    per[comm] = per.get(comm, 0) + int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])
                except (OSError, IndexError, ValueError):
                    pass
        return per

    a, t = snap(), time.monotonic()
    time.sleep(seconds)
    b, dt = snap(), time.monotonic() - t
    scale = 100 / hz / dt / os.cpu_count()
    per = {k: max(0, b.get(k, 0) - a.get(k, 0)) * scale for k in b}
    return sum(per.values()), per


def watching_cost(node, calls=200):
    """node_metrics() at NODE's primary against SELECT 1 on the same connection (ms), and the scrapes' durations."""
    from redboxnet import monitoring, topology
    from redboxnet.state import State
    conn = psycopg2.connect(server_conninfo(node, primary_only=True))
    conn.autocommit = True
    timings = {}
    with conn.cursor() as cur:
        cur.execute("SET ROLE redbox_owner")
        for label, sql in (("select_1", "SELECT 1"), ("node_metrics", "SELECT * FROM redbox.node_metrics()")):
            got = []
            for _ in range(calls):
                t = time.perf_counter()
                cur.execute(sql)
                cur.fetchall()
                got.append((time.perf_counter() - t) * 1000)
            got.sort()
            timings[label] = {"p50_ms": round(got[len(got) // 2], 3), "p99_ms": round(got[int(len(got) * 0.99)], 3)}
    conn.close()
    state = State(topology.load(Path(STATE) / "topology.toml"), Path(STATE))
    scrapes = {}
    for r in monitoring.api(state, "query", {"query": "avg by (job) (avg_over_time(scrape_duration_seconds[1m]))"})["result"]:
        scrapes[r["metric"]["job"]] = round(float(r["value"][1]) * 1000, 1)
    samples = monitoring.api(state, "query", {"query": "sum(scrape_samples_scraped)"})["result"]
    return timings, scrapes, int(float(samples[0]["value"][1])) if samples else 0


def pgbench(node, seconds, label, clients=1):
    s = primary_of(node)
    admin = psycopg2.connect(server_conninfo(node, primary_only=True))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS redbox_meta.bench (id bigserial PRIMARY KEY, v int)")
    script = Path(STATE) / "bench-commit.sql"
    script.write_text("INSERT INTO redbox_meta.bench (v) VALUES (1);\n")
    env = dict(os.environ, PGSSLMODE="verify-full", PGSSLROOTCERT=network()["ca"],
               PGPASSFILE=network()["pgpass"]["postgres"])
    r = subprocess.run(["pgbench", "-n", "-c", str(clients), "-j", str(min(clients, os.cpu_count())), "-T", str(seconds),
                        "-f", str(script),
                        "-h", s["host"], "-p", str(s["port"]), "-U", "postgres", "redbox"],
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise SystemExit("pgbench failed: " + r.stderr)
    lat = next(float(l.split("=")[1].split()[0]) for l in r.stdout.splitlines() if l.startswith("latency average"))
    tps = next(float(l.split("=")[1].split()[0]) for l in r.stdout.splitlines() if l.startswith("tps"))
    with admin.cursor() as cur:
        cur.execute("TRUNCATE redbox_meta.bench")
    admin.close()
    what = "single commit" if clients == 1 else f"commits from {clients} clients"
    print(f"  pgbench {what} on {node} primary ({label}): {lat:.3f} ms average, {tps:.0f} TPS", flush=True)
    return {"latency_ms": lat, "tps": tps, "clients": clients}


def failover_once(node):
    old = primary_of(node)
    info = server_conninfo(node, primary_only=True)
    stop = threading.Event()
    first_after = {}
    killed_at = []

    def writer():
        conn = None
        while not stop.is_set():
            started = time.monotonic()
            try:
                if conn is None or conn.closed:
                    conn = psycopg2.connect(info)
                    conn.autocommit = True
                with conn.cursor() as cur:
                    cur.execute("INSERT INTO redbox_meta.bench (v) VALUES (2)")
                # Only a commit begun after the kill proves the new primary took over.
                if killed_at and started > killed_at[-1] and "t" not in first_after:
                    first_after["t"] = time.monotonic()
            except psycopg2.Error:
                try:
                    conn.close()
                except Exception:
                    pass
                conn = None
            time.sleep(0.02)

    th = threading.Thread(target=writer)
    th.start()
    time.sleep(1.0)
    member = next(s["member"] for n in network()["nodes"] if n["name"] == node for s in n["servers"]
                  if s["port"] == old["port"])
    state = Path(STATE)
    pids = []
    for pf in (state / "run" / f"patroni-{member}.pid", state / "data" / member / "postmaster.pid"):
        try:
            pids.append(int(pf.read_text().split("\n")[0]))
        except (OSError, ValueError):
            pass
    t_kill = time.monotonic()
    for p in pids:
        subprocess.run(["pkill", "-9", "-P", str(p)], capture_output=True)
        subprocess.run(["kill", "-9", str(p)], capture_output=True)
    killed_at.extend([t_kill, time.monotonic()])   # [kill begun, every process dead]
    deadline = time.monotonic() + 120
    while "t" not in first_after and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    th.join()
    if "t" not in first_after:
        raise SystemExit(f"no commit on {node} within 120 s of the kill")
    gap = first_after["t"] - killed_at[0]
    t0 = time.monotonic()
    net("rejoin", node, capture=True)
    return gap, time.monotonic() - t0


def main():
    global STATE
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=str(REPO / "build"))
    p.add_argument("--kills", type=int, default=10)
    p.add_argument("--pgbench-seconds", type=int, default=20)
    p.add_argument("--idle-seconds", type=int, default=60)
    p.add_argument("--members", type=int, default=10000)
    p.add_argument("--keep", action="store_true", help="leave the bench network up")
    a = p.parse_args()
    STATE = str(Path(a.build) / "bench-net")
    forwarder = str(Path(a.build) / "redbox-forwarder")
    out = {}
    print("bench-network: the DVD network itself", flush=True)
    net("reset", capture=True)
    t0 = time.monotonic()
    net("up", "--members", str(a.members), "--kiosks-per-node", "4", "--forwarder", forwarder, capture=True)
    out["up_from_nothing_s"] = round(time.monotonic() - t0, 1)
    t0 = time.monotonic()
    net("up", "--forwarder", forwarder, capture=True)
    out["up_again_s"] = round(time.monotonic() - t0, 1)
    print(f"  redbox-net up from nothing: {out['up_from_nothing_s']} s (14 servers, etcd, schema, "
          f"{a.members} members, 7 forwarders); up again: {out['up_again_s']} s", flush=True)
    time.sleep(10)
    total, per = idle_cpu(a.idle_seconds)
    out["idle_cpu_percent_of_machine"] = round(total, 1)
    print(f"  idle network CPU: {out['idle_cpu_percent_of_machine']} % of this {os.cpu_count()}-core machine "
          f"over {a.idle_seconds} s (target: under 25 %)", flush=True)
    watch = {"prometheus": round(per.get("prometheus", 0), 2), "forwarders": round(per.get("redbox-forwarde", 0), 2),
             "postgres": round(per.get("postgres", 0), 2),
             "patroni": round(per.get("patroni", 0), 2)}
    timings, scrapes, samples = watching_cost("west-rb2")
    # The same idle network with Prometheus and the node exporter stopped (the forwarders keep
    # gathering their figures: that share is in their line above).
    from redboxnet import monitoring, topology
    from redboxnet.state import State
    state = State(topology.load(Path(STATE) / "topology.toml"), Path(STATE))
    monitoring.stop(state)
    time.sleep(5)
    off_total, off_per = idle_cpu(a.idle_seconds)
    monitoring.start(state)
    watch["network_on"] = round(total, 1)
    watch["network_off"] = round(off_total, 1)
    watch["node_exporter"] = round(per.get("prometheus-node", 0), 2)
    out["watching"] = {"cpu_percent_of_machine": watch, "query_ms": timings, "scrape_ms": scrapes,
                       "samples_per_scrape_round": samples}
    print(f"  the cost of watching: the idle network {watch['network_on']} % with Prometheus on, {watch['network_off']} % "
          f"with it off; Prometheus {watch['prometheus']} %, node exporter {watch['node_exporter']} %, the 7 forwarders "
          f"{watch['forwarders']} % (postgres {watch['postgres']} %, Patroni {watch['patroni']} %); "
          f"{samples} samples per round", flush=True)
    print(f"  node_metrics() at west-rb2: p50 {timings['node_metrics']['p50_ms']} ms, p99 {timings['node_metrics']['p99_ms']} ms "
          f"(SELECT 1 on the same connection: p50 {timings['select_1']['p50_ms']} ms); scrapes take "
          + ", ".join(f"{job} {ms} ms" for job, ms in sorted(scrapes.items())), flush=True)
    out["pgbench_sync"] = pgbench("west-rb2", a.pgbench_seconds, "synchronous standby")
    admin = psycopg2.connect(server_conninfo("west-rb2", primary_only=True))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("ALTER ROLE postgres SET synchronous_commit = local")
    out["pgbench_local"] = pgbench("west-rb2", a.pgbench_seconds, "commit local only, for comparison")
    with admin.cursor() as cur:
        cur.execute("ALTER ROLE postgres RESET synchronous_commit")
        cur.execute("CREATE TABLE IF NOT EXISTS redbox_meta.bench (id bigserial PRIMARY KEY, v int)")
    admin.close()
    gaps, rejoins = [], []
    for i in range(a.kills):
        gap, rejoin = failover_once("west-rb2")
        gaps.append(gap)
        rejoins.append(rejoin)
        print(f"  failover {i + 1}/{a.kills}: first commit on the new primary {gap:.1f} s after the kill; "
              f"rejoined in {rejoin:.1f} s", flush=True)
    out["failover_s"] = {"kills": a.kills, "p50": round(statistics.median(gaps), 2), "max": round(max(gaps), 2),
                         "min": round(min(gaps), 2), "rejoin_p50": round(statistics.median(rejoins), 1)}
    print(f"  failover over {a.kills} host kills: p50 {out['failover_s']['p50']} s, max {out['failover_s']['max']} s "
          f"(Patroni ttl/loop_wait/retry from the topology); rejoin p50 {out['failover_s']['rejoin_p50']} s", flush=True)
    (Path(a.build) / "bench-network.json").write_text(json.dumps(out, indent=2) + "\n")
    if not a.keep:
        net("down", capture=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

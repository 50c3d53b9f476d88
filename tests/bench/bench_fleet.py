#!/usr/bin/env python3
"""Benchmark: fleets of full kiosks on one machine.

  1. brings up a fresh network (the simulator's topology, ports 1xxxx, in
     build/fleet-net, so it can run beside the other benchmarks' network)
     with enough kiosks for the largest fleet;
  2. pgbench's single commit on a red box primary with its synchronous
     standby: the baseline (what one committed transaction costs here);
  3. then one of:
     - (default) redbox-sim with tests/sim/fleet.json: --kiosks full kiosks
       (default 200), each with its own cache, outbox and connections,
       customers at a busy evening's pace, no faults; then the invariants;
     - --sweep 25,50,100,...: the same for each fleet size in turn (--duration
       each), to find the most full kiosks with p99 rental latency under
       100 ms;
     - --failover: tests/sim/failover20.json: 48 full kiosks while red box
       primaries are killed 20 times (kill -9 of Patroni and postgres); the
       time from each kill to that node's next committed rental, p50/p99, and
       the invariants (0 confirmed rentals lost);
  4. prints the rental latency beside the baseline, the delay to coast and HQ,
     the simulator threads' event-loop lag, and the report's path.

The national fleet's hop rate on the coast servers and HQ is bench_national.py.
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import bench_network as bn  # noqa: E402  (shares the network helpers and pgbench)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", required=True)
    p.add_argument("--kiosks", type=int, default=200)
    p.add_argument("--duration", type=int, default=120, help="seconds customers arrive")
    p.add_argument("--threads", type=int, default=0, help="simulator threads (default: one per core)")
    p.add_argument("--pgbench-seconds", type=int, default=15)
    p.add_argument("--sweep", help="fleet sizes to run in turn, e.g. 25,50,100,150")
    p.add_argument("--failover", action="store_true", help="tests/sim/failover20.json: 20 red box primary kills")
    p.add_argument("--keep", action="store_true", help="leave the network up")
    a = p.parse_args()
    sweep = [int(x) for x in a.sweep.split(",") if x.strip()] if a.sweep else []
    if a.kiosks < 1 or a.duration < 10 or any(n < 1 for n in sweep):
        raise SystemExit("--kiosks and --sweep sizes must be at least 1, --duration at least 10")
    if a.failover:
        a.kiosks = json.loads((REPO / "tests" / "sim" / "failover20.json").read_text())["kiosks"]
    most = max(sweep or [a.kiosks])
    bn.STATE = str(Path(a.build) / "fleet-net")
    bn.TOPO = REPO / "tests" / "sim" / "sim-topology.toml"
    forwarder = str(Path(a.build) / "redbox-forwarder")
    sim = str(Path(a.build) / "redbox-sim")
    per_node = -(-most // 4)

    what = ("20 red box primary kills under load" if a.failover else
            f"fleet sizes {a.sweep}" if sweep else f"{a.kiosks} full kiosks")
    print(f"bench-fleet: {what} on one machine", flush=True)
    bn.net("reset", capture=True)
    t0 = time.monotonic()
    bn.net("up", "--members", "6000", "--kiosks-per-node", str(per_node), "--forwarder", forwarder, capture=True)
    print(f"  network up with {per_node} kiosks per red box node in {time.monotonic() - t0:.0f} s", flush=True)
    base = bn.pgbench("west-rb2", a.pgbench_seconds, "synchronous standby")

    results, bad_any = [], False
    if a.failover:
        runs = [(REPO / "tests" / "sim" / "failover20.json", None, None)]
    elif a.sweep:
        runs = [(REPO / "tests" / "sim" / "fleet.json", n, a.duration) for n in sweep]
    else:
        runs = [(REPO / "tests" / "sim" / "fleet.json", a.kiosks, a.duration)]
    for scenario, kiosks, duration in runs:
        rep, code = run_sim(sim, forwarder, scenario, kiosks, duration, a.threads)
        bad = {name: v for name, v in rep["invariants"]["counts"].items() if v != 0}
        bad_any = bad_any or bool(bad) or code != 0
        lat = rep["rental_latency_ms"]["online"]
        lag = rep["event_loop_lag_ms"]
        k = rep["kiosks"]
        print(f"  {k['full']} full kiosks in {k['threads']} threads, all synced in {k['boot_all_s']:.1f} s "
              f"(first sync p50 {k['first_sync_ms']['p50']:.0f} ms)", flush=True)
        print(f"    rentals: {rep['rentals']['ok_online']} online, {rep['rentals']['ok_offline']} offline, "
              f"{rep['returns']['ok_online']} returns; escalations {rep['lookups']['escalated']}", flush=True)
        ratio = lat["p50"] / base["latency_ms"] if base["latency_ms"] else 0
        print(f"    rental latency at the kiosk (card to confirmed, through the controller): p50 {lat['p50']:.0f} / "
              f"p95 {lat['p95']:.0f} / p99 {lat['p99']:.0f} ms; pgbench single commit {base['latency_ms']:.2f} ms "
              f"(p50 = {ratio:.1f}x)", flush=True)
        for tier in ("coast", "hq"):
            d = rep[f"delay_to_{tier}_ms"]
            print(f"    delay to {tier}: p50 {d['p50']:.0f} / p99 {d['p99']:.0f} ms (n={d['n']:.0f})", flush=True)
        print(f"    simulator event-loop lag: p50 {lag['p50']:.0f} / p99 {lag['p99']:.0f} / max {lag['max']:.0f} ms",
              flush=True)
        if a.failover:
            f = rep["failover_to_next_rental_s"]
            kills = sum(1 for x in rep["faults"] if x.get("kind") == "kill_redbox_primary" and x.get("injected"))
            print(f"    {kills} red box primaries killed: kill to the node's next committed rental p50 {f['p50']:.2f} s, "
                  f"p99 {f['p99']:.2f} s, max {f['max']:.2f} s (n={f['n']:.0f})", flush=True)
        print(f"    invariants: {'all 0' if not bad else bad}", flush=True)
        results.append({"kiosks": k["full"], "latency_ms": lat, "invariants": rep["invariants"]["counts"],
                        "failover_to_next_rental_s": rep.get("failover_to_next_rental_s"), "report": rep})
    if a.sweep:
        ok = [r["kiosks"] for r in results if r["latency_ms"]["p99"] < 100]
        print(f"  most full kiosks with p99 rental latency under 100 ms: {max(ok) if ok else 'none of the sizes tried'}",
              flush=True)
    (Path(bn.STATE) / "bench-fleet.json").write_text(json.dumps({"pgbench": base, "runs": results}, indent=2))
    if not a.keep:
        bn.net("down", capture=True)
    return 1 if bad_any else 0


def run_sim(sim, forwarder, scenario, kiosks, duration, threads):
    work = Path(bn.STATE) / "sim"
    cmd = [sim, "--state-dir", bn.STATE, "--scenario", str(scenario), "--work", str(work),
           "--tool", str(bn.TOOL), "--forwarder", forwarder]
    if kiosks:
        cmd += ["--kiosks", str(kiosks)]
    if duration:
        cmd += ["--duration", str(duration)]
    if threads:
        cmd += ["--threads", str(threads)]
    report_path = work / "report.json"
    report_path.unlink(missing_ok=True)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if not report_path.exists():
        sys.stderr.write(r.stdout[-4000:] + r.stderr[-4000:])
        raise SystemExit(f"redbox-sim wrote no report (exit {r.returncode})")
    return json.loads(report_path.read_text()), r.returncode


if __name__ == "__main__":
    sys.exit(main())

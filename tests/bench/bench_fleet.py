#!/usr/bin/env python3
"""Benchmark (issue 7): a fleet of full kiosks on one machine.

  1. brings up a fresh network (the simulator's topology, ports 3xxxx, in
     build/fleet-net, so it can run beside the other benchmarks' network)
     with enough kiosks for the fleet;
  2. pgbench's single commit on a red box primary with its synchronous
     standby: the baseline (what one committed transaction costs here);
  3. redbox-sim with tests/sim/fleet.json: N full kiosks (default 200), each
     with its own cache, outbox and connections, customers at a busy evening's
     pace, no faults; then the invariants;
  4. prints the rental latency beside the baseline, the delay to coast and HQ,
     the simulator threads' event-loop lag, and the report's path.

Not measured here (see issue 7): the national fleet's hop rate on the coast
and HQ servers, and the largest fleet with a p99 under 100 ms.
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
    p.add_argument("--keep", action="store_true", help="leave the network up")
    a = p.parse_args()
    if a.kiosks < 1 or a.duration < 10:
        raise SystemExit("--kiosks must be at least 1 and --duration at least 10")
    bn.STATE = str(Path(a.build) / "fleet-net")
    bn.TOPO = REPO / "tests" / "sim" / "sim-topology.toml"
    forwarder = str(Path(a.build) / "redbox-forwarder")
    sim = str(Path(a.build) / "redbox-sim")
    per_node = -(-a.kiosks // 4)

    print(f"bench-fleet: {a.kiosks} full kiosks on one machine (issue 7)", flush=True)
    bn.net("reset", capture=True)
    t0 = time.monotonic()
    bn.net("up", "--members", "6000", "--kiosks-per-node", str(per_node), "--forwarder", forwarder, capture=True)
    print(f"  network up with {per_node} kiosks per red box node in {time.monotonic() - t0:.0f} s", flush=True)
    base = bn.pgbench("west-rb2", a.pgbench_seconds, "synchronous standby")

    work = Path(bn.STATE) / "sim"
    cmd = [sim, "--state-dir", bn.STATE, "--scenario", str(REPO / "tests" / "sim" / "fleet.json"),
           "--kiosks", str(a.kiosks), "--duration", str(a.duration), "--work", str(work),
           "--tool", str(bn.TOOL), "--forwarder", forwarder]
    if a.threads:
        cmd += ["--threads", str(a.threads)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    report_path = work / "report.json"
    if not report_path.exists():
        sys.stderr.write(r.stdout[-4000:] + r.stderr[-4000:])
        raise SystemExit(f"redbox-sim wrote no report (exit {r.returncode})")
    rep = json.loads(report_path.read_text())
    lat = rep["rental_latency_ms"]["online"]
    lag = rep["event_loop_lag_ms"]
    k = rep["kiosks"]
    print(f"  kiosks: {k['full']} full kiosks in {k['threads']} threads, all synced in {k['boot_all_s']:.1f} s "
          f"(first sync p50 {k['first_sync_ms']['p50']:.0f} ms)", flush=True)
    print(f"  rentals: {rep['rentals']['ok_online']} online, {rep['rentals']['ok_offline']} offline, "
          f"{rep['returns']['ok_online']} returns; escalations {rep['lookups']['escalated']}", flush=True)
    ratio = lat["p50"] / base["latency_ms"] if base["latency_ms"] else 0
    print(f"  rental latency at the kiosk (card to confirmed, through the controller): p50 {lat['p50']:.0f} / "
          f"p95 {lat['p95']:.0f} / p99 {lat['p99']:.0f} ms; pgbench single commit {base['latency_ms']:.2f} ms "
          f"(p50 = {ratio:.1f}x)", flush=True)
    for tier in ("coast", "hq"):
        d = rep[f"delay_to_{tier}_ms"]
        print(f"  delay to {tier}: p50 {d['p50']:.0f} / p99 {d['p99']:.0f} ms (n={d['n']:.0f})", flush=True)
    print(f"  simulator event-loop lag: p50 {lag['p50']:.0f} / p99 {lag['p99']:.0f} / max {lag['max']:.0f} ms", flush=True)
    bad = {name: v for name, v in rep["invariants"]["counts"].items() if v != 0}
    print(f"  invariants: {'all 0' if not bad else bad}; report {report_path}", flush=True)
    (Path(bn.STATE) / "bench-fleet.json").write_text(json.dumps({"pgbench": base, "report": rep}, indent=2))
    if not a.keep:
        bn.net("down", capture=True)
    return 1 if bad or r.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())

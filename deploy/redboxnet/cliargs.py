"""redbox-net's command line: every verb and its options (cli.py runs them)."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_TOPOLOGY = REPO / "deploy" / "topology" / "loopback.toml"


def build_parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="redbox-net", description=description,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--topology", help=f"topology file (default {DEFAULT_TOPOLOGY.relative_to(REPO)})")
    p.add_argument("--state-dir", default=os.environ.get("REDBOX_NET_STATE"),
                   help="state folder (default /var/lib/redbox-net/NAME, or $REDBOX_NET_STATE)")
    sub = p.add_subparsers(dest="verb", required=True)
    up = sub.add_parser("up", help="start the network (idempotent), load schema and data")
    up.add_argument("--seed", type=int, default=20221, help="data generator seed (default 20221)")
    up.add_argument("--members", type=int, default=10000, help="members to generate (default 10000)")
    up.add_argument("--kiosks-per-node", type=int, default=1, help="kiosks per red box node (default 1)")
    up.add_argument("--catalog", help="catalog CSV (default: ../shared/datasets/pagila/films.csv if present, "
                                      "else a generated catalog)")
    up.add_argument("--no-data", action="store_true", help="servers and schema only")
    up.add_argument("--no-forwarders", action="store_true", help="do not start the hop forwarders")
    up.add_argument("--forwarder", help="path of the redbox-forwarder executable (default build/redbox-forwarder)")
    ho = sub.add_parser("host", help="(run by up/down over SSH) prepare, start or stop this host's part")
    ho.add_argument("action", choices=["prepare", "start", "stop"])
    ho.add_argument("items", nargs="+", help="MEMBER, etcd:NAME or forwarder:NODE")
    ho.add_argument("--forwarder", help="path of the redbox-forwarder executable")
    ug = sub.add_parser("upgrade", help="migrate the running network's schema: HQ, coasts, red boxes in turn, "
                                        "rentals going on")
    ug.add_argument("--schema-dir", help="the schema folder of the release to migrate to (default: this one's)")
    sub.add_parser("down", help="stop every server (data kept)")
    sub.add_parser("render", help="write every configuration file (certificates, Patroni, etcd) without starting")
    sub.add_parser("reset", help="stop everything and delete the state folder")
    st = sub.add_parser("status", help="one row per server, the hops waiting at each node, the services")
    st.add_argument("--json", action="store_true")
    st.add_argument("--watch", type=int, metavar="SECONDS", help="refresh in place every SECONDS (1-3600)")
    st.add_argument("--count", type=int, metavar="N", help="with --watch: stop after N pictures")
    fo = sub.add_parser("failover", help="switch NODE's primary over to its standby on purpose")
    fo.add_argument("node")
    sp = sub.add_parser("stop", help="stop both servers of NODE (an outage on purpose)")
    sp.add_argument("node")
    rj = sub.add_parser("rejoin", help="restart NODE's dead server(s); they come back as standby")
    rj.add_argument("node")
    ps = sub.add_parser("psql", help="an administrator's psql on NODE's current primary")
    ps.add_argument("node")
    ps.add_argument("psql_args", nargs=argparse.REMAINDER)
    tu = sub.add_parser("tune", help="set Patroni timings at run time")
    tu.add_argument("--ttl", type=int)
    tu.add_argument("--loop-wait", type=int)
    tu.add_argument("--retry-timeout", type=int)
    tu.add_argument("nodes", nargs="*")
    fw = sub.add_parser("forwarder", help="start, stop or show the hop forwarders")
    fw.add_argument("action", choices=["start", "stop", "status"])
    fw.add_argument("nodes", nargs="*")
    fw.add_argument("--forwarder", help="path of the redbox-forwarder executable")
    fw.add_argument("--batch", type=int, default=200, help="hops per dblink call (default 200)")
    sub.add_parser("demo", help="a sample rental and return through the network, with hop timings")
    ro = sub.add_parser("roster", help="write the generated test members (cards, PINs) and kiosks as JSON (0600)")
    ro.add_argument("--out", required=True, help="file to write")
    ki = sub.add_parser("kiosk", help="one kiosk's own logins: enroll ID (new credentials and its configuration "
                                      "folder), revoke ID (shut it out), list")
    ki.add_argument("action", choices=["enroll", "revoke", "list"])
    ki.add_argument("kiosk_id", nargs="?")
    ki.add_argument("--json", action="store_true")
    pa = sub.add_parser("payments", help="the coasts' payments services and the simulated acquirer: start, stop, "
                                         "status, settlement [--day], refund RENTAL_ID, fault --mode")
    pa.add_argument("action", choices=["start", "stop", "status", "settlement", "refund", "fault"])
    pa.add_argument("rental", nargs="?", help="refund: the rental")
    pa.add_argument("--day", help="settlement: the day (YYYY-MM-DD, UTC; default today)")
    pa.add_argument("--cents", type=int, help="refund: how much")
    pa.add_argument("--reason", help="refund: why (kept in the audit log)")
    pa.add_argument("--by", help="refund: who (default $USER)")
    pa.add_argument("--mode", choices=["none", "down", "timeout", "drop"], help="fault: what the acquirer does")
    pa.add_argument("--count", type=int, default=0, help="fault: for this many requests (default 0: until cleared)")
    pa.add_argument("--match", help="fault: only requests whose key starts with this")
    pa.add_argument("--forwarder", help="start: the redbox-forwarder executable the payments binaries sit beside")
    pa.add_argument("--json", action="store_true")
    ml = sub.add_parser("mail", help="the coasts' mail services and the simulated SMTP relay: start, stop, status, "
                                     "relay-stop, relay-start, messages (what the simulated relay received)")
    ml.add_argument("action", choices=["start", "stop", "status", "relay-stop", "relay-start", "messages"])
    ml.add_argument("--forwarder", help="start: the redbox-forwarder executable the mailer sits beside")
    ml.add_argument("--json", action="store_true")
    rc = sub.add_parser("reconcile", help="compare red boxes, coasts and HQ; print every difference")
    rc.add_argument("--json", action="store_true")
    hp = sub.add_parser("hops", help="the parked hops (with the error their destination gave) and retrying them")
    hp.add_argument("action", choices=["parked", "retry"])
    hp.add_argument("node", nargs="?")
    hp.add_argument("--hop", type=int, help="retry: only this hop (default: every parked hop at NODE)")
    hp.add_argument("--json", action="store_true")
    al = sub.add_parser("alerts", help="the alerts Prometheus has pending or firing now")
    al.add_argument("--json", action="store_true")
    return p

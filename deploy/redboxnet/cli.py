"""redbox-net: bring the DVD network up and down, show it, drill it.

Verbs: up, upgrade, down, status, failover NODE, rejoin NODE, reset, psql NODE [args],
kiosk enroll|revoke|list (each kiosk's own logins and configuration), plus tune
(Patroni timings at run time), reconcile, forwarder, demo, and roster (the
generated test members and kiosks, for the simulator)."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
import uuid
from pathlib import Path

from . import cluster, procs, render, servers, status, tls
from .cliargs import DEFAULT_TOPOLOGY, build_parser
from .procs import PortBusy
from .state import State, StateError
from .topology import TopologyError, load

REPO = Path(__file__).resolve().parents[2]


class UsageError(Exception):
    pass


def make_state(args) -> State:
    topo = load(args.topology)
    root = Path(args.state_dir) if args.state_dir else Path("/var/lib/redbox-net") / topo.name
    state = State(topo, root.resolve())
    saved = state.root / "topology.toml"
    if saved.exists() and args.verb != "up" and not args.topology_given:
        # Later verbs use the topology the network was made from.
        state = State(load(saved), state.root)
    cluster.trust(state)
    return state


def cmd_up(state: State, args) -> int:
    t0 = time.monotonic()
    missing = servers.required_programs()
    if missing:
        raise UsageError("missing programs: " + ", ".join(missing) + " (install: apt-get install postgresql-15 "
                         "postgresql-contrib patroni etcd-server etcd-client openssl util-linux)")
    if os.geteuid() != 0:
        raise UsageError("redbox-net up runs as root (it starts the servers as the OS user "
                         f"{state.topo.os_user})")
    remote_hosts = not state.topo.is_local
    if remote_hosts:
        from . import remote
        remote.plans(state)             # every server names its SSH target
        if shutil.which("ssh") is None:
            raise UsageError("this topology names other hosts, reached over SSH: install openssh-client")
    saved = state.root / "topology.toml"
    if saved.exists() and load(saved).shape() != state.topo.shape():
        raise UsageError(f"{state.root} was made from a different topology; run 'redbox-net reset' "
                         f"first or use another --state-dir")
    servers.check_ports(state)          # nothing is created before the ports are known to be free
    state.make_dirs()
    saved.write_text(state.topo.raw_text)
    passwords = state.passwords()
    state.card_key()
    state.write_pgpass_files()
    servers.make_certificates(state)
    changed = render.write_patroni_configs(state, passwords)
    render.write_network_json(state)
    servers.say(f"redbox-net up: {len(state.topo.servers())} servers of network {state.topo.name!r} in {state.root}")
    if remote_hosts:
        remote.up(state, passwords)
    else:
        # A server already running with an older configuration (new roles' pg_hba lines) reads it again.
        from . import cluster
        cluster.trust(state)
        for s in changed:
            if servers.patroni_pid(state, s) and cluster.reload_patroni(state, s):
                servers.say(f"  patroni   {s.member:18} configuration reloaded")
        servers.up_servers(state)
    from . import schema  # needs psycopg2; imported late so `--help` works without it
    schema.setup_all(state, passwords)
    servers.wait_standbys(state)
    if not args.no_data:
        from . import data
        data.load_all(state, seed=args.seed, members=args.members, kiosks_per_node=args.kiosks_per_node,
                      catalog=args.catalog)
    if not args.no_forwarders and remote_hosts:
        remote.start_forwarders(state, args.forwarder)
    elif not args.no_forwarders:
        from . import forwarders
        forwarders.start_all(state, args.forwarder)
    if not args.no_forwarders and not remote_hosts:
        from . import mail, monitoring, payments
        payments.start_all(state, args.forwarder)
        mail.start_all(state, args.forwarder)
        monitoring.start(state)
    servers.say(f"network up in {time.monotonic() - t0:.1f} s; state: {state.root}")
    return 0


def cmd_render(state: State, args) -> int:
    """Every configuration file of the network, for hosts this tool does not start itself."""
    state.make_dirs()
    (state.root / "topology.toml").write_text(state.topo.raw_text)
    passwords = state.passwords()
    state.card_key()
    state.write_pgpass_files()
    servers.make_certificates(state)
    render.write_patroni_configs(state, passwords)
    render.write_network_json(state)
    for e in state.topo.etcd:
        (state.root / "etcd" / f"{e.name}.args").write_text(" ".join(render.etcd_args(state, e)) + "\n")
    hosts = sorted({s.host for s in state.topo.servers()} | {e.host for e in state.topo.etcd})
    print(f"rendered the configuration of {len(state.topo.servers())} servers on {len(hosts)} host(s) into {state.root}")
    for h in hosts:
        members = [s.member for s in state.topo.servers() if s.host == h]
        etcds = [e.name for e in state.topo.etcd if e.host == h]
        print(f"  {h}: " + ", ".join([f"patroni/{m}.yml" for m in members] + [f"etcd/{n}.args" for n in etcds]))
    return 0


def _host_items(state: State, items: list[str]):
    """member | etcd:NAME | forwarder:NODE, as topology objects."""
    topo = state.topo
    out = []
    for it in items:
        kind, _, name = it.rpartition(":")
        if kind == "etcd":
            e = next((e for e in topo.etcd if e.name == name), None)
            if e is None:
                raise UsageError(f"no etcd member named {name!r}")
            out.append(("etcd", e))
        elif kind == "forwarder":
            out.append(("forwarder", topo.node(name).name))
        elif kind == "":
            out.append(("server", topo.server(name)))
        else:
            raise UsageError(f"{it!r}: expected MEMBER, etcd:NAME or forwarder:NODE")
    return out


def cmd_host(state: State, args) -> int:
    """What one host of a multi-host network does, run there over SSH by the operator's `up`/`down`."""
    from . import forwarders
    items = _host_items(state, args.items)
    if args.action == "prepare":
        state.make_dirs()
        uid, gid = state.ids()
        problems = []
        for kind, obj in items:
            if kind == "server":
                (state.log_dir / obj.member).mkdir(exist_ok=True)
                os.chown(state.log_dir / obj.member, uid, gid)
                os.chown(state.certs_dir / f"{obj.member}.key", uid, gid)
                os.chown(state.certs_dir / f"{tls.etcd_client_name(obj.member)}.key", uid, gid)
                os.chown(state.patroni_yml(obj.member), uid, gid)
                if not servers.patroni_pid(state, obj):
                    problems += [f"{obj.host}:{p} ({obj.member})" for p in (obj.port, obj.api_port)
                                 if not procs.port_free(obj.host, p)]
            elif kind == "etcd":
                os.chown(state.certs_dir / f"{obj.name}.key", uid, gid)
                if not servers.etcd_pid(state, obj.name):
                    problems += [f"{obj.host}:{p} (etcd {obj.name})" for p in (obj.client_port, obj.peer_port)
                                 if not procs.port_free(obj.host, p)]
        if state.pgpass("forwarder").exists():
            os.chown(state.pgpass("forwarder"), uid, gid)
        if problems:
            raise PortBusy("port(s) in use on this host: " + ", ".join(problems))
        print(f"prepared {len(items)} item(s) in {state.root}")
    elif args.action == "start":
        for kind, obj in items:
            if kind == "etcd":
                servers.start_etcd_member(state, obj)
            elif kind == "server":
                servers.start_patroni(state, obj)
            else:
                forwarders.start(state, obj, args.forwarder)
        print(f"started {len(items)} item(s)")
    else:
        for kind, obj in items:
            if kind == "etcd":
                pid = servers.etcd_pid(state, obj.name)
                if pid:
                    procs.stop_pid(pid, timeout=20)
                state.pidfile(f"etcd-{obj.name}").unlink(missing_ok=True)
            elif kind == "server":
                servers.stop_server(state, obj)
            else:
                pid = forwarders.running(state, obj)
                if pid:
                    procs.stop_pid(pid, timeout=15)
                state.pidfile(forwarders.name(obj)).unlink(missing_ok=True)
        print(f"stopped {len(items)} item(s)")
    return 0


def cmd_upgrade(state: State, args) -> int:
    """Migrate a running network to this release's schema (or --schema-dir's), tier by tier."""
    from . import schema
    if not state.passwords_file.exists():
        raise UsageError(f"no network in {state.root}: run 'redbox-net up' first")
    if args.schema_dir:
        schema.use_schema_dir(Path(args.schema_dir))
    t0 = time.monotonic()
    servers.say(f"redbox-net upgrade: network {state.topo.name!r} to the schema in {schema.SCHEMA_DIR}, "
                f"HQ first, then the coasts, then the red boxes")
    schema.upgrade_all(state, state.passwords())
    servers.say(f"network upgraded in {time.monotonic() - t0:.1f} s")
    return 0


def stop_everything(state: State) -> None:
    if not state.topo.is_local:
        from . import remote
        remote.down(state)
        return
    from . import forwarders, mail, monitoring, payments
    monitoring.stop(state)
    mail.stop_all(state)
    payments.stop_all(state)
    forwarders.stop_all(state)
    servers.down(state)


def cmd_down(state: State, args) -> int:
    if not state.root.exists():
        print(f"nothing to stop: {state.root} does not exist")
        return 0
    stop_everything(state)
    print(f"network {state.topo.name!r} stopped ({state.root} kept; 'reset' deletes it)")
    return 0


def cmd_reset(state: State, args) -> int:
    if state.root.exists():
        stop_everything(state)
        if not state.topo.is_local:
            from . import remote
            for target in remote.plans(state):
                remote.run(target, ["rm", "-rf", "--one-file-system", state.topo.remote_state_dir])
        shutil.rmtree(state.root)
    where = f" and {state.topo.remote_state_dir} on every host" if not state.topo.is_local else ""
    print(f"network {state.topo.name!r} reset: {state.root}{where} deleted (servers, data, secrets)")
    return 0


def cmd_status(state: State, args) -> int:
    if not (state.root / "topology.toml").exists():
        raise UsageError(f"no network in {state.root}: run 'redbox-net up' first")
    if args.json:
        if args.watch is not None:
            raise UsageError("--json and --watch do not go together")
        print(json.dumps({"servers": status.table(state), "hops": status.hop_table(state)}, indent=2, default=str))
        return 0
    if args.watch is None:
        print(status.text(state))
        return 0
    if not 1 <= args.watch <= 3600 or (args.count is not None and args.count < 1):
        raise UsageError("--watch takes 1-3600 seconds, --count at least 1")
    status.watch(state, args.watch, args.count)
    return 0


def cmd_failover(state: State, args) -> int:
    node = state.topo.node(args.node)
    old = cluster.leader(node)
    if not old:
        raise UsageError(f"{node.name} has no running primary to switch over from")
    cand = next(s for s in node.servers if s != old)
    t0 = time.monotonic()
    servers.patronictl(state, node.name, "switchover", node.name, "--leader", old.member,
                       "--candidate", cand.member, "--force")
    procs.wait_until(lambda: (cluster.leader(node) == cand) or None, 120, f"{cand.member} to lead {node.name}")
    print(f"{node.name}: switched over from {old.member} to {cand.member} in {time.monotonic() - t0:.1f} s")
    return 0


def local_only(state: State, verb: str) -> None:
    if not state.topo.is_local:
        raise UsageError(f"`{verb}` starts and stops processes on this machine; this network's servers are on "
                         f"other hosts (use `up` and `down`, which reach them over SSH)")


def cmd_rejoin(state: State, args) -> int:
    local_only(state, "rejoin")
    node = state.topo.node(args.node)
    t0 = time.monotonic()
    started = [s.member for s in node.servers if servers.start_patroni(state, s)]
    for s in node.servers:
        servers.wait_running(state, s, 180)
    procs.wait_until(lambda: cluster.sync_standby(node), 180, f"a synchronous standby for {node.name}")
    lead = cluster.leader(node)
    what = f"restarted {', '.join(started)}" if started else "both servers were running"
    print(f"{node.name}: {what}; primary {lead.member if lead else '?'}, "
          f"synchronous standby streaming, {time.monotonic() - t0:.1f} s")
    return 0


def cmd_stop(state: State, args) -> int:
    """Stop both servers of NODE (an outage on purpose); `rejoin NODE` brings them back."""
    local_only(state, "stop")
    node = state.topo.node(args.node)
    for s in (node.servers[1], node.servers[0]):
        servers.stop_server(state, s)
    print(f"{node.name}: both servers stopped ('redbox-net rejoin {node.name}' starts them again)")
    return 0


def cmd_psql(state: State, args) -> int:
    node = state.topo.node(args.node)
    info = render.conninfo(state, node.name, "postgres", application="redbox-net psql")
    os.execvp("psql", ["psql", info, *args.psql_args])
    return 0


def cmd_tune(state: State, args) -> int:
    """Patroni timings at run time (failover drills tighten them, then restore)."""
    t = state.topo
    ttl, lw, rt = args.ttl or t.ttl, args.loop_wait or t.loop_wait, args.retry_timeout or t.retry_timeout
    if lw + 2 * rt > ttl:
        raise UsageError(f"Patroni needs loop_wait + 2*retry_timeout <= ttl ({lw} + 2*{rt} > {ttl})")
    for node in (state.topo.node(n) for n in (args.nodes or [n.name for n in t.nodes])):
        servers.patronictl(state, node.name, "edit-config", node.name, "--force", "-s", f"ttl={ttl}",
                           "-s", f"loop_wait={lw}", "-s", f"retry_timeout={rt}")
    print(f"patroni timings: ttl={ttl} loop_wait={lw} retry_timeout={rt}")
    return 0


def cmd_forwarder(state: State, args) -> int:
    local_only(state, "forwarder")
    from . import forwarders
    nodes = [state.topo.node(n).name for n in (args.nodes or [n.name for n in state.topo.nodes])]
    for n in nodes:
        if args.action == "start":
            pid = forwarders.start(state, n, args.forwarder, batch=args.batch)
            print(f"forwarder {n}: running (pid {pid})")
        elif args.action == "stop":
            pid = forwarders.running(state, n)
            if pid:
                procs.stop_pid(pid, timeout=15)
            state.pidfile(forwarders.name(n)).unlink(missing_ok=True)
            print(f"forwarder {n}: stopped")
        else:
            pid = forwarders.running(state, n)
            print(f"forwarder {n}: {'running (pid %d)' % pid if pid else 'not running'}")
    return 0


def cmd_demo(state: State, args) -> int:
    from . import demo
    return demo.run(state)


def cmd_reconcile(state: State, args) -> int:
    from . import reconcile
    return reconcile.run(state, as_json=args.json)


def cmd_hops(state: State, args) -> int:
    from . import hops
    if args.action == "parked":
        rows = hops.parked(state, args.node)
        print(json.dumps(rows, indent=2) if args.json else hops.render(rows))
        return 0
    if not args.node:
        raise UsageError("hops retry needs the NODE whose parked hops go back in line")
    if args.hop is not None and args.hop < 1:
        raise UsageError("--hop takes a hop id (see 'hops parked')")
    n = hops.retry(state, args.node, args.hop)
    print(f"{args.node}: {n} parked hop(s) back in line")
    return 0


def cmd_alerts(state: State, args) -> int:
    from . import monitoring
    if state.topo.monitoring is None:
        raise UsageError("this topology has no [monitoring]: no Prometheus evaluates the alert rules")
    try:
        found = monitoring.alerts(state)
    except (OSError, monitoring.MonitoringError) as e:
        raise UsageError(f"Prometheus at {state.topo.monitoring.url()} does not answer: {e}") from None
    if args.json:
        print(json.dumps(found, indent=2))
    elif not found:
        print("no alert pending or firing")
    else:
        for a in sorted(found, key=lambda a: (a["state"] != "firing", a["name"])):
            print(f"{a['state']:8} {a['labels'].get('severity', ''):7} {a['name']:24} {a['summary']}")
    return 0


def cmd_mail(state: State, args) -> int:
    """Receipts: the coasts' mail services, the simulated relay, what it received."""
    local_only(state, "mail")
    from . import mail
    if state.topo.mail is None:
        raise UsageError("the topology names no [mail]: receipts wait in the coasts' mail queues")
    try:
        if args.action == "status":
            for n, ok in mail.status(state):
                print(f"{n}: {'running' if ok else 'STOPPED'}")
        elif args.action == "start":
            mail.start_all(state, args.forwarder)
        elif args.action == "stop":
            mail.stop_all(state)
            print("mail services and the simulated relay stopped")
        elif args.action == "relay-stop":
            print("simulated relay stopped" if mail.stop_relay(state) else "the simulated relay was not running")
        elif args.action == "relay-start":
            mail.start_relay(state)
        elif args.action == "messages":
            found = mail.messages(state)
            if args.json:
                print(json.dumps(found, indent=2))
            else:
                for m in found:
                    print(f"{m['message_id']}  to {m['to']}: {m['subject']}")
    except mail.MailError as e:
        raise UsageError(str(e)) from None
    return 0


def cmd_payments(state: State, args) -> int:
    """The money: services, the day's settlement, refunds, the simulated acquirer's faults."""
    local_only(state, "payments")
    from . import payments
    if state.topo.acquirer is None:
        raise UsageError("the topology names no [acquirer]: this network takes no payments")
    try:
        if args.action == "status":
            for n, ok in payments.status(state):
                print(f"{n}: {'running' if ok else 'STOPPED'}")
        elif args.action == "start":
            payments.start_all(state, args.forwarder)
        elif args.action == "stop":
            payments.stop_all(state)
            print("payments services and the simulated acquirer stopped")
        elif args.action == "settlement":
            day = dt.date.fromisoformat(args.day) if args.day else dt.datetime.now(dt.timezone.utc).date()
            rows = payments.settlement(state, day)
            if args.json:
                print(json.dumps(rows, indent=2))
            else:
                print(f"{'coast':6} {'day':10} {'authorized':>11} {'captured':>10} {'released':>10} {'refunded':>10} "
                      f"{'declined':>8} {'failed':>6} {'in flight':>9}")
                for r in rows:
                    print(f"{r['coast']:6} {r['day']:10} {r['authorized_cents'] / 100:11.2f} {r['captured_cents'] / 100:10.2f} "
                          f"{r['released_cents'] / 100:10.2f} {r['refunded_cents'] / 100:10.2f} {r['declined']:8} "
                          f"{r['failed']:6} {r['in_flight']:9}")
        elif args.action == "refund":
            if not (args.rental and args.cents and args.reason):
                raise UsageError("payments refund needs RENTAL_ID --cents N --reason TEXT")
            print(payments.refund(state, args.rental, args.cents, args.reason, args.by or os.environ.get("USER", "operator"),
                                  str(uuid.uuid4())))
        elif args.action == "fault":
            if args.mode is None:
                raise UsageError("payments fault needs --mode none|down|timeout|drop")
            print(json.dumps(payments.set_fault(state, args.mode, args.count, args.match or "")))
    except payments.PaymentsError as e:
        raise UsageError(str(e)) from None
    return 0


def cmd_roster(state: State, args) -> int:
    """The generated members' cards and PINs and every kiosk, as JSON (for the simulator), in a 0600 file."""
    from . import data
    from .state import write_secret
    text = json.dumps(data.roster(state), indent=1) + "\n"
    out = Path(args.out)
    write_secret(out, text, 0, 0)
    print(f"roster: {out} (generated test data; 0600)")
    return 0


def cmd_kiosk(state: State, args) -> int:
    """One kiosk's identity: enroll (new credentials and configuration folder), revoke, list."""
    from . import kiosks
    if not state.passwords_file.exists():
        raise UsageError(f"no network in {state.root}: run 'redbox-net up' first")
    try:
        if args.action == "list":
            rows = kiosks.listing(state)
            if args.json:
                print(json.dumps(rows, indent=2))
            for r in rows if not args.json else []:
                what = "enrolled" if r["enrolled"] else (f"revoked {r['revoked_at']}" if r["revoked_at"] else "not enrolled")
                print(f"{r['kiosk_id']:14} {r['node']:12} {what:30} {r['config'] or ''}")
            return 0
        if not args.kiosk_id:
            raise UsageError(f"kiosk {args.action} needs a kiosk id")
        if args.action == "enroll":
            d, secs = kiosks.enroll(state, args.kiosk_id)
            print(f"kiosk {args.kiosk_id}: enrolled in {secs:.2f} s; its configuration and credentials are in {d} "
                  f"(copy that folder to the kiosk; start it with --config {d / 'kiosk.ini'})")
        else:
            ended, secs = kiosks.revoke(state, args.kiosk_id)
            print(f"kiosk {args.kiosk_id}: revoked in {secs:.2f} s ({ended} open session(s) ended); "
                  f"its logins no longer open any server")
    except kiosks.KioskError as e:
        raise UsageError(str(e)) from None
    return 0


VERBS = {"up": cmd_up, "upgrade": cmd_upgrade, "host": cmd_host, "render": cmd_render, "down": cmd_down, "reset": cmd_reset, "status": cmd_status, "failover": cmd_failover,
         "rejoin": cmd_rejoin, "stop": cmd_stop, "psql": cmd_psql, "tune": cmd_tune, "reconcile": cmd_reconcile,
         "forwarder": cmd_forwarder, "demo": cmd_demo, "roster": cmd_roster, "kiosk": cmd_kiosk,
         "payments": cmd_payments, "mail": cmd_mail, "hops": cmd_hops, "alerts": cmd_alerts}


def main(argv: list[str] | None = None) -> int:
    args = build_parser(__doc__).parse_args(argv)
    args.topology_given = args.topology is not None
    if args.topology is None:
        args.topology = str(DEFAULT_TOPOLOGY)
    try:
        state = make_state(args)
        return VERBS[args.verb](state, args)
    except (TopologyError, UsageError, StateError, PortBusy, TimeoutError) as e:
        print(f"redbox-net: error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # errors of the later stages, typed in their modules
        if type(e).__name__ not in ("MigrationError", "DataError", "OperationalError", "RemoteError"):
            raise

        print(f"redbox-net: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except RuntimeError as e:
        print(f"redbox-net: error: {e}", file=sys.stderr)
        return 1

"""Configuration rendered from the topology: Patroni YAML, etcd arguments,
pg_hba, the public network description and each kiosk's configuration file."""
from __future__ import annotations

import ipaddress
import json

import yaml

from . import tls
from .state import State, write_public, write_secret
from .topology import EtcdMember, Server, Topology

PG_BIN = "/usr/lib/postgresql/15/bin"


def hba_sources(topo: Topology) -> list[str]:
    """Addresses allowed to connect: the client networks and every server's host."""
    out: list[str] = []
    for cidr in topo.client_networks:
        out.append(str(ipaddress.ip_network(cidr, strict=False)))
    for s in topo.servers():
        if s.is_ip:
            out.append(str(ipaddress.ip_network(s.host)))
        else:
            out.append(s.host)
    return list(dict.fromkeys(out))


def pg_hba(topo: Topology) -> list[str]:
    # Peer on the local socket (the server user only, mapped to the superuser);
    # TLS + scram-sha-256 on every TCP line; anything without TLS is rejected. Kiosks and
    # nodes log in with their own roles, members of the groups kiosk, verifier and peer
    # (+group), and only to the network's database.
    lines = [f"local all all peer map=redbox"]
    for src in hba_sources(topo):
        lines.append(f"hostssl replication replicator {src} scram-sha-256")
        lines.append(f"hostssl all rewinder,postgres {src} scram-sha-256")
        lines.append(f"hostssl {topo.database} forwarder,payments,mailer,+peer,+kiosk,+verifier {src} scram-sha-256")
    lines += ["hostnossl all all 0.0.0.0/0 reject", "hostnossl all all ::/0 reject",
              "hostnossl replication all 0.0.0.0/0 reject", "hostnossl replication all ::/0 reject"]
    return lines


def etcd_url(e: EtcdMember, port: int) -> str:
    return f"https://{e.host}:{port}"


def etcd_hosts(topo: Topology) -> list[str]:
    return [f"{e.host}:{e.client_port}" for e in topo.etcd]


def patroni_config(state: State, s: Server, passwords: dict) -> dict:
    topo = state.topo
    node_pw = passwords[s.node]
    ca = str(state.ca_cert)
    certs = state.certs_dir
    tls_client = {"sslmode": "verify-full", "sslrootcert": ca}
    return {
        "scope": s.node,
        "namespace": f"/{topo.name}/",
        "name": s.member,
        "log": {"dir": str(state.log_dir / s.member), "level": "INFO", "file_num": 2, "file_size": 10_000_000},
        # HTTPS with the member's certificate; the unsafe endpoints (switchover, restart, ...) take
        # this pair's own credentials, which only the operator and this red box's kiosks hold (a
        # technician's kiosk may fail its own red box over, and nothing else). Patroni and
        # patronictl use the same settings as clients.
        "restapi": {"listen": f"{s.host}:{s.api_port}", "connect_address": f"{s.host}:{s.api_port}",
                    "certfile": str(certs / f"{s.member}.crt"), "keyfile": str(certs / f"{s.member}.key"),
                    "cafile": ca,
                    "authentication": {"username": "patroni", "password": node_pw["patroni"]}},
        "ctl": {"cacert": ca},
        "etcd3": {
            "hosts": etcd_hosts(topo),
            # Every member is listed: no discovery of the etcd cluster's members. With discovery,
            # Patroni 3.0.2 turns an unreachable etcd into an exception that bypasses failsafe
            # mode and demotes a primary cut off from etcd (test_hosts: a red box site's WAN cut).
            "use_proxies": True,
            "protocol": "https",
            "cacert": ca,
            "cert": str(certs / f"{tls.etcd_client_name(s.member)}.crt"),
            "key": str(certs / f"{tls.etcd_client_name(s.member)}.key"),
            # etcd's access control: this pair's user reads and writes its own scope only.
            "username": f"scope.{s.node}",
            "password": node_pw["etcd"],
        },
        "bootstrap": {
            "dcs": {
                "ttl": topo.ttl,
                "loop_wait": topo.loop_wait,
                "retry_timeout": topo.retry_timeout,
                "maximum_lag_on_failover": 16 * 1024 * 1024,
                "synchronous_mode": True,
                # A primary that loses etcd (its WAN link) but reaches every other member of its
                # pair keeps running as primary: the kiosks behind it keep renting.
                "failsafe_mode": True,
                "postgresql": {
                    "use_pg_rewind": True,
                    "use_slots": True,
                    "parameters": {
                        "wal_level": "replica",
                        "hot_standby": "on",
                        "wal_log_hints": "on",
                        "max_connections": 200,
                        "max_wal_senders": 10,
                        "max_replication_slots": 10,
                        "max_worker_processes": 8,
                        "max_prepared_transactions": 0,
                        "max_locks_per_transaction": 128,
                        "wal_keep_size": "256MB",
                        "password_encryption": "scram-sha-256",
                    },
                },
            },
            "initdb": [{"encoding": "UTF8"}, "data-checksums", {"locale": "C.UTF-8"},
                       {"auth-local": "peer"}, {"auth-host": "scram-sha-256"}],
        },
        "postgresql": {
            "listen": f"{s.host}:{s.port}",
            "connect_address": f"{s.host}:{s.port}",
            "data_dir": str(state.pg_data(s.member)),
            "bin_dir": PG_BIN,
            "pgpass": str(state.run_dir / f"{s.member}.pgpass"),
            "use_unix_socket": True,
            "basebackup": {"checkpoint": "fast"},   # a new standby must not wait for a spread checkpoint
            "authentication": {
                "superuser": {"username": "postgres", "password": node_pw["postgres"], **tls_client},
                "replication": {"username": "replicator", "password": node_pw["replicator"], **tls_client},
                "rewind": {"username": "rewinder", "password": node_pw["rewinder"], **tls_client},
            },
            "parameters": {
                "unix_socket_directories": str(state.socket_dir(s.member)),
                "cluster_name": s.member,
                "shared_buffers": "64MB",
                "ssl": "on",
                "ssl_cert_file": str(certs / f"{s.member}.crt"),
                "ssl_key_file": str(certs / f"{s.member}.key"),
                "ssl_ca_file": ca,
                "ssl_min_protocol_version": "TLSv1.2",
                "logging_collector": "on",
                "log_directory": str(state.log_dir / s.member),
                "log_filename": "postgresql-%a.log",
                "log_truncate_on_rotation": "on",
                "log_rotation_age": "1d",
                "log_line_prefix": "%m [%p] %q%u@%d ",
                "log_min_duration_statement": 2000,
                # A logged statement never shows its parameters: a PIN, a card hash or a card
                # token travels as one (the statement text has only $1, $2, ...).
                "log_parameter_max_length": 0,
                "log_parameter_max_length_on_error": 0,
                "tcp_keepalives_idle": 10,
                "tcp_keepalives_interval": 5,
                "tcp_keepalives_count": 3,
            },
            "pg_hba": pg_hba(topo),
            "pg_ident": [f"redbox {topo.os_user} postgres"],
        },
        "tags": {"nofailover": False, "noloadbalance": False, "clonefrom": False, "nosync": False},
    }


def write_patroni_configs(state: State, passwords: dict) -> list[Server]:
    """Every server's Patroni configuration; returns the servers whose file changed (a running
    Patroni reads a changed one, pg_hba included, only when told to reload)."""
    uid, gid = state.ids()
    changed = []
    for s in state.topo.servers():
        cfg = patroni_config(state, s, passwords)
        (state.log_dir / s.member).mkdir(exist_ok=True)
        import os
        os.chown(state.log_dir / s.member, uid, gid)
        text = yaml.safe_dump(cfg, sort_keys=False)
        path = state.patroni_yml(s.member)
        if not path.exists() or path.read_text() != text:
            changed.append(s)
        write_secret(path, text, uid, gid)
    return changed


def etcd_args(state: State, e: EtcdMember) -> list[str]:
    topo = state.topo
    cluster = ",".join(f"{m.name}={etcd_url(m, m.peer_port)}" for m in topo.etcd)
    crt = str(state.certs_dir / f"{e.name}.crt")
    key = str(state.certs_dir / f"{e.name}.key")
    ca = str(state.ca_cert)
    return [
        "etcd", "--name", e.name, "--data-dir", str(state.etcd_dir / e.name),
        "--listen-client-urls", etcd_url(e, e.client_port),
        "--advertise-client-urls", etcd_url(e, e.client_port),
        "--listen-peer-urls", etcd_url(e, e.peer_port),
        "--initial-advertise-peer-urls", etcd_url(e, e.peer_port),
        "--initial-cluster", cluster, "--initial-cluster-state", "new",
        "--initial-cluster-token", f"redbox-{topo.name}",
        "--cert-file", crt, "--key-file", key, "--trusted-ca-file", ca, "--client-cert-auth",
        "--peer-cert-file", crt, "--peer-key-file", key, "--peer-trusted-ca-file", ca, "--peer-client-cert-auth",
        "--auto-compaction-mode", "periodic", "--auto-compaction-retention", "1h",
        "--snapshot-count", "10000", "--quota-backend-bytes", str(256 * 1024 * 1024),
        "--logger", "zap", "--log-outputs", "stderr",
    ]


def kv(key: str, value) -> str:
    """One libpq conninfo keyword=value, quoted when it needs to be."""
    v = str(value)
    if v and all(c.isalnum() or c in "._-/,:@" for c in v):
        return f"{key}={v}"
    return key + "='" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def conninfo(state: State, node_name: str, role: str, *, application: str = "redbox-net",
             timeout: int = 3, any_server: bool = False, passfile=None) -> str:
    """A libpq connection string for ROLE on NODE's current primary (multi-host, verify-full);
    the password from the operator's file for ROLE unless PASSFILE names another."""
    node = state.topo.node(node_name)
    parts = [
        kv("host", node.hosts_csv()), kv("port", node.ports_csv()), kv("dbname", state.topo.database),
        kv("user", role), kv("passfile", passfile or state.pgpass(role)), "sslmode=verify-full",
        kv("sslrootcert", state.ca_cert), kv("connect_timeout", timeout), kv("application_name", application),
    ]
    if not any_server:
        parts.append("target_session_attrs=read-write")
    return " ".join(parts)


def server_conninfo(state: State, s: Server, role: str, dbname: str | None = None, timeout: int = 3) -> str:
    return " ".join([
        kv("host", s.host), kv("port", s.port), kv("dbname", dbname or state.topo.database), kv("user", role),
        kv("passfile", state.pgpass(role)), "sslmode=verify-full", kv("sslrootcert", state.ca_cert),
        kv("connect_timeout", timeout), "application_name=redbox-net",
    ])


def network_json(state: State) -> dict:
    """What clients (kiosks, forwarders, tests) need to find the network. No secrets,
    only the paths of the 0600 files that hold them."""
    topo = state.topo
    return {
        "name": topo.name,
        "database": topo.database,
        "ca": str(state.ca_cert),
        "card_key_file": str(state.card_key_file),
        "pgpass": {role: str(state.pgpass(role)) for role in ("postgres", "forwarder", "payments", "mailer")},
        "acquirer": None if topo.acquirer is None else {
            "url": topo.acquirer.url(), "simulated": topo.acquirer.simulated,
            "api_key_file": str(state.secrets_dir / "acquirer-api.key"),
            "admin_key_file": str(state.secrets_dir / "acquirer-admin.key")},
        "mail": None if topo.mail is None else {
            "url": topo.mail.url(), "from": topo.mail.sender, "simulated": topo.mail.simulated,
            "maildir": str(state.root / "mail" / "Maildir") if topo.mail.simulated else None},
        "kiosks": str(state.kiosk_dir),
        "etcd": [{"name": e.name, "host": e.host, "client_port": e.client_port} for e in topo.etcd],
        "nodes": [
            {
                "name": n.name, "tier": n.tier, "coast": n.coast,
                "servers": [{"member": s.member, "host": s.host, "port": s.port, "api_port": s.api_port}
                            for s in n.servers],
                "links": [{"target": link.target, "kind": link.kind} for link in topo.links_from(n.name)],
            }
            for n in topo.nodes
        ],
    }


def write_network_json(state: State) -> None:
    write_public(state.root / "network.json", json.dumps(network_json(state), indent=2) + "\n")

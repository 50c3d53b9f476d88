"""Watching the network: the Prometheus that `up` runs when the topology has [monitoring].

It scrapes every node's forwarder (/metrics over HTTPS with the network's bearer token,
secrets/metrics-token) and every Patroni member's REST API (/metrics over HTTPS), against
the network's CA; evaluates deploy/monitoring/alerts.yml; and serves its API and the
operators' console (deploy/monitoring/consoles/fleet.html) over TLS, behind a login:
user "operator", password in secrets/monitoring-operator (bcrypt-hashed in web.yml).
With an exporter_port, it also runs Debian's node_exporter on this machine (its filesystems,
for the disk rules: HTTPS, a login whose password is the metrics token).
Its files live in STATE/monitoring/, its series in STATE/monitoring/data/."""
from __future__ import annotations

import base64
import json
import os
import secrets as pysecrets
import shutil
import signal
import urllib.parse
import warnings
from pathlib import Path

from . import procs, tls
from .state import State, write_public, write_secret

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "deploy" / "monitoring"
NAME = "prometheus"
EXPORTER = "node-exporter"
OPERATOR = "operator"
SCRAPER = "prometheus"   # the login Prometheus scrapes the node exporter with
# The node exporter's filesystems: every real one (this machine's root may be an overlay).
PSEUDO_FS = ("^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|"
             "proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs|tmpfs|ramfs)$")


class MonitoringError(Exception):
    pass


def folder(state: State) -> Path:
    return state.root / "monitoring"


def token_file(state: State) -> Path:
    """The bearer token the forwarders ask of a scraper (read by them and by Prometheus)."""
    return state.secrets_dir / "metrics-token"


def operator_file(state: State) -> Path:
    """The operator's password for Prometheus's API and console (root's, like passwords.json)."""
    return state.secrets_dir / "monitoring-operator"


def ensure_token(state: State) -> Path:
    uid, gid = state.ids()
    f = token_file(state)
    text = f.read_text() if f.exists() else pysecrets.token_urlsafe(32) + "\n"
    write_secret(f, text, uid, gid)
    return f


def operator_password(state: State) -> str:
    f = operator_file(state)
    if not f.exists():
        write_secret(f, pysecrets.token_urlsafe(18) + "\n", 0, 0)
    return f.read_text().strip()


def bcrypt_hash(password: str) -> str:
    """A bcrypt hash ($2b$, cost 10) from the C library's crypt(), which Prometheus's web config takes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt
        salt = crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 10)
        hashed = crypt.crypt(password, salt)
    if not hashed or not hashed.startswith("$2b$"):
        raise MonitoringError("this C library's crypt() makes no bcrypt hashes (libxcrypt is needed)")
    return hashed


def forwarder_tls(state: State, node) -> tuple[Path, Path]:
    """The certificate a node's forwarder serves /metrics with."""
    host = node.servers[0].host
    return tls.ensure_cert(state, f"forwarder-{node.name}", tls.server_hosts(host), state.ids())


def forwarder_args(state: State, node) -> list[str]:
    """The forwarder's metrics flags (none when the node has no metrics_port)."""
    if not node.metrics_port:
        return []
    crt, key = forwarder_tls(state, node)
    return ["--metrics-listen", node.metrics_address, "--tls-cert", str(crt), "--tls-key", str(key),
            "--metrics-token-file", str(ensure_token(state))]


def _yaml(value) -> str:
    import yaml  # python3-yaml, as for Patroni's files
    return yaml.safe_dump(value, sort_keys=False, default_flow_style=False)


def prometheus_config(state: State) -> dict:
    topo = state.topo
    mon = topo.monitoring
    every = f"{mon.scrape_interval}s"
    tls_config = {"ca_file": str(state.ca_cert)}

    def labels(n, **more):
        return {"node": n.name, "tier": n.tier, "coast": n.coast or "hq", **more}
    forwarder_targets = [{"targets": [n.metrics_address], "labels": labels(n)} for n in topo.nodes]
    patroni_targets = [{"targets": [f"{s.host}:{s.api_port}"], "labels": labels(n, member=s.member)}
                       for n in topo.nodes for s in n.servers]
    return {
        "global": {"scrape_interval": every, "evaluation_interval": every,
                   "scrape_timeout": f"{max(1, min(10, mon.scrape_interval - 1))}s",
                   "external_labels": {"network": topo.name}},
        "rule_files": [str(folder(state) / "alerts.yml")],
        "scrape_configs": [
            {"job_name": "forwarder", "scheme": "https", "tls_config": dict(tls_config),
             "authorization": {"type": "Bearer", "credentials_file": str(token_file(state))},
             "static_configs": forwarder_targets},
            {"job_name": "patroni", "scheme": "https", "tls_config": dict(tls_config), "static_configs": patroni_targets},
        ] + ([{"job_name": "host", "scheme": "https", "tls_config": dict(tls_config),
               "basic_auth": {"username": SCRAPER, "password_file": str(token_file(state))},
               "static_configs": [{"targets": [f"{mon.host}:{mon.exporter_port}"], "labels": {"host": "this machine"}}]}]
             if mon.exporter_port else []),
    }


def web_config(state: State, password: str) -> dict:
    crt, key = tls.ensure_cert(state, NAME, tls.server_hosts(state.topo.monitoring.host), state.ids())
    return {"tls_server_config": {"cert_file": str(crt), "key_file": str(key), "min_version": "TLS12"},
            "basic_auth_users": {OPERATOR: bcrypt_hash(password)}}


def write_config(state: State) -> bool:
    """Prometheus's files in STATE/monitoring; True when any changed (a running one reloads)."""
    uid, gid = state.ids()
    d = folder(state)
    for sub in (d, d / "data", d / "consoles"):
        sub.mkdir(mode=0o700, exist_ok=True)
        shutil.chown(sub, uid, gid)
    ensure_token(state)
    changed = write_public(d / "prometheus.yml", _yaml(prometheus_config(state)), uid, gid, 0o640)
    changed |= write_public(d / "alerts.yml", (SOURCES / "alerts.yml").read_text(), uid, gid, 0o640)
    for page in sorted((SOURCES / "consoles").glob("*.html")):
        changed |= write_public(d / "consoles" / page.name, page.read_text(), uid, gid, 0o640)
    web = d / "web.yml"
    password = operator_password(state)
    if not web.exists() or not _web_matches(web, OPERATOR, password):
        write_secret(web, _yaml(web_config(state, password)), uid, gid)
        changed = True
    if state.topo.monitoring.exporter_port:
        exporter_web = d / "exporter-web.yml"
        token = token_file(state).read_text().strip()
        if not exporter_web.exists() or not _web_matches(exporter_web, SCRAPER, token):
            crt, key = tls.ensure_cert(state, EXPORTER, tls.server_hosts(state.topo.monitoring.host), state.ids())
            write_secret(exporter_web, _yaml({"tls_server_config": {"cert_file": str(crt), "key_file": str(key),
                                                                    "min_version": "TLS12"},
                                              "basic_auth_users": {SCRAPER: bcrypt_hash(token)}}), uid, gid)
    return changed


def _web_matches(web: Path, user: str, password: str) -> bool:
    """The web config already holds a hash of USER's password (bcrypt salts differ each time)."""
    import yaml
    stored = (yaml.safe_load(web.read_text()) or {}).get("basic_auth_users", {}).get(user, "")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt
        return bool(stored) and crypt.crypt(password, stored) == stored


def running(state: State) -> int | None:
    return procs.read_pid(state, NAME, "prometheus")


def start(state: State) -> None:
    mon = state.topo.monitoring
    if mon is None:
        return
    binary = shutil.which("prometheus")
    if binary is None:
        raise MonitoringError("prometheus is not installed (apt-get install prometheus), and the topology has [monitoring]")
    changed = write_config(state)
    start_exporter(state)
    pid = running(state)
    if pid:
        if changed:
            os.kill(pid, signal.SIGHUP)
            print(f"  prometheus {mon.url():17} configuration reloaded", flush=True)
        return
    if not procs.port_free(mon.host, mon.port):
        raise procs.PortBusy(f"{mon.host}:{mon.port} (Prometheus) is taken by {procs.port_owner(mon.port)}")
    d = folder(state)
    procs.start_daemon(state, NAME, [
        binary, f"--config.file={d / 'prometheus.yml'}", f"--web.config.file={d / 'web.yml'}",
        f"--web.listen-address={mon.host}:{mon.port}", f"--storage.tsdb.path={d / 'data'}",
        f"--storage.tsdb.retention.time={mon.retention}", f"--web.console.templates={d / 'consoles'}",
        f"--web.console.libraries={d / 'consoles'}", "--log.level=warn"])
    try:
        procs.wait_until(lambda: _ready(state), 30, "Prometheus to be ready")
    except TimeoutError as e:
        raise TimeoutError(f"{e}\n{procs.log_tail(state.log_dir / (NAME + '.log'))}") from None
    print(f"  prometheus {mon.url():17} started (login: {OPERATOR}, password in {operator_file(state)})", flush=True)


def exporter_running(state: State) -> int | None:
    return procs.read_pid(state, EXPORTER, "prometheus-node-exporter")


def start_exporter(state: State) -> None:
    mon = state.topo.monitoring
    if not mon.exporter_port or exporter_running(state):
        return
    binary = shutil.which("prometheus-node-exporter")
    if binary is None:
        raise MonitoringError("prometheus-node-exporter is not installed (apt-get install prometheus-node-exporter), "
                              "and [monitoring] names an exporter_port")
    if not procs.port_free(mon.host, mon.exporter_port):
        raise procs.PortBusy(f"{mon.host}:{mon.exporter_port} (the node exporter) is taken by "
                             f"{procs.port_owner(mon.exporter_port)}")
    procs.start_daemon(state, EXPORTER, [
        binary, f"--web.listen-address={mon.host}:{mon.exporter_port}",
        f"--web.config.file={folder(state) / 'exporter-web.yml'}", "--collector.disable-defaults",
        "--collector.filesystem", f"--collector.filesystem.fs-types-exclude={PSEUDO_FS}", "--log.level=warn"])
    print(f"  exporter  {mon.host}:{mon.exporter_port:<7}        started (this machine's filesystems)", flush=True)


def _ready(state: State) -> bool:
    try:
        return request(state, "/-/ready", timeout=2)[0] == 200
    except OSError:
        return False


def stop(state: State) -> None:
    for name, pid in ((NAME, running(state)), (EXPORTER, exporter_running(state))):
        if pid:
            procs.stop_pid(pid, timeout=20)
        state.pidfile(name).unlink(missing_ok=True)


def status(state: State) -> list[tuple[str, bool]]:
    if not state.run_dir.exists() or not state.pidfile(NAME).exists():
        return []
    out = [("prometheus", running(state) is not None)]
    if state.pidfile(EXPORTER).exists():
        out.append(("node exporter", exporter_running(state) is not None))
    return out


def request(state: State, path: str, params: dict | None = None, password: str | None = None,
            timeout: float = 10.0) -> tuple[int, bytes]:
    """One GET to Prometheus (TLS against the network's CA, the operator's login unless PASSWORD is given)."""
    mon = state.topo.monitoring
    if mon is None:
        raise MonitoringError("the topology has no [monitoring]")
    pw = operator_password(state) if password is None else password
    auth = base64.b64encode(f"{OPERATOR}:{pw}".encode()).decode()
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    return tls.https_request(state, mon.host, mon.port, "GET", path + query, {"Authorization": f"Basic {auth}"},
                             timeout=timeout)


def api(state: State, path: str, params: dict | None = None) -> dict | list:
    st, body = request(state, f"/api/v1/{path}", params)
    if st != 200:
        raise MonitoringError(f"Prometheus answered {path} with HTTP {st}: {body[:200]!r}")
    doc = json.loads(body)
    if doc.get("status") != "success":
        raise MonitoringError(f"Prometheus: {doc.get('error', doc)}")
    return doc["data"]


def alerts(state: State) -> list[dict]:
    """The alerts pending or firing now: name, state, labels, summary."""
    return [{"name": a["labels"].get("alertname"), "state": a["state"], "labels": a["labels"],
             "summary": a.get("annotations", {}).get("summary", "")} for a in api(state, "alerts")["alerts"]]


def targets(state: State) -> list[dict]:
    return [{"job": t["labels"].get("job"), "node": t["labels"].get("node"), "member": t["labels"].get("member"),
             "health": t["health"], "error": t.get("lastError", "")} for t in api(state, "targets")["activeTargets"]]

"""The network's topology file: loading, strict validation, derived links.

A topology names the nodes of the paper's network (one HQ cloud, coast
servers, red boxes), the two servers of each node (a Patroni pair), the etcd
members, and who may connect. Everything the tool renders is derived from it.
"""
from __future__ import annotations

import ipaddress
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class TopologyError(Exception):
    """A topology file that cannot be used; the message says where and why."""


NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
HOST_RE = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
TIERS = ("hq", "coast", "redbox")


@dataclass(frozen=True)
class Server:
    node: str
    member: str          # Patroni member name: NODE or NODE-standby
    host: str
    port: int
    api_port: int
    ssh: str | None      # "user@host" when the server is on another machine

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def is_ip(self) -> bool:
        try:
            ipaddress.ip_address(self.host)
            return True
        except ValueError:
            return False


@dataclass(frozen=True)
class Node:
    name: str
    tier: str
    coast: str | None
    servers: tuple[Server, ...]
    metrics_port: int | None = None   # the node's forwarder serves /metrics here (on its first server's host)

    @property
    def metrics_address(self) -> str | None:
        return f"{self.servers[0].host}:{self.metrics_port}" if self.metrics_port else None

    def hosts_csv(self) -> str:
        return ",".join(s.host for s in self.servers)

    def ports_csv(self) -> str:
        return ",".join(str(s.port) for s in self.servers)


@dataclass(frozen=True)
class EtcdMember:
    name: str
    host: str
    client_port: int
    peer_port: int
    ssh: str | None


@dataclass(frozen=True)
class Acquirer:
    """The card acquirer the coasts' payments services talk to. SIMULATED: `up` runs
    redbox-acquirer there (this machine only); otherwise it is a real acquirer's endpoint."""
    host: str
    port: int
    simulated: bool = True

    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"


@dataclass(frozen=True)
class Mail:
    """The SMTP relay the coasts' mail services hand receipts to (STARTTLS, the relay's
    certificate checked against the network's CA, or the system's for a real relay).
    SIMULATED: `up` runs an SMTP server there (Debian's aiosmtpd, this machine only) that
    keeps every message in STATE/mail/; otherwise it is the operator's relay, for example
    the host's exim4 relaying to the smarthost."""
    host: str
    port: int
    sender: str = "receipts@redbox.example"
    simulated: bool = True

    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"smtp://{host}:{self.port}"


@dataclass(frozen=True)
class Monitoring:
    """Prometheus, run by `up` on this machine: it scrapes every forwarder's and Patroni's
    /metrics, evaluates deploy/monitoring/alerts.yml and serves the operators' console,
    over TLS with an operator login (secrets/monitoring-operator)."""
    host: str
    port: int
    scrape_interval: int = 15   # seconds; the rules' evaluation interval too
    retention: str = "15d"
    exporter_port: int | None = None   # this machine's node_exporter (disk space): none, no host figures

    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"


@dataclass(frozen=True)
class Link:
    """A dblink link from one node to another (paper section 5, figure 14)."""
    source: str
    target: str
    kind: str   # coast | sibling | hq | redbox  (what the target is to the source)


@dataclass
class Topology:
    path: Path
    name: str
    database: str
    os_user: str
    client_networks: list[str]
    ttl: int
    loop_wait: int
    retry_timeout: int
    etcd: list[EtcdMember]
    nodes: list[Node]
    raw_text: str = field(repr=False, default="")
    acquirer: Acquirer | None = None   # none: charges wait at the coasts, nothing is sent
    mail: Mail | None = None   # none: receipts wait in the coasts' mail queues, nothing is sent
    monitoring: Monitoring | None = None   # none: no Prometheus (the forwarders still serve /metrics if given ports)
    # Hosts reached over SSH keep their files in remote_state_dir and run remote_tool there.
    remote_state_dir: str = ""
    remote_tool: str = "/usr/bin/redbox-net"

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        known = ", ".join(n.name for n in self.nodes)
        raise TopologyError(f"no node named {name!r} in {self.path} (nodes: {known})")

    def servers(self) -> list[Server]:
        return [s for n in self.nodes for s in n.servers]

    def server(self, member: str) -> Server:
        for s in self.servers():
            if s.member == member:
                return s
        raise TopologyError(f"no server named {member!r} in {self.path}")

    @property
    def hq(self) -> Node:
        return next(n for n in self.nodes if n.tier == "hq")

    def coasts(self) -> list[Node]:
        return [n for n in self.nodes if n.tier == "coast"]

    def redboxes(self, coast: str | None = None) -> list[Node]:
        return [n for n in self.nodes if n.tier == "redbox" and (coast is None or n.coast == coast)]

    def coast_node(self, coast: str) -> Node:
        return next(n for n in self.coasts() if n.coast == coast)

    def links_from(self, name: str) -> list[Link]:
        """Figure 14: red box <-> its coast, red box <-> sibling, coast <-> HQ."""
        node = self.node(name)
        links: list[Link] = []
        if node.tier == "redbox":
            links.append(Link(name, self.coast_node(node.coast).name, "coast"))
            links += [Link(name, s.name, "sibling") for s in self.redboxes(node.coast) if s.name != name]
        elif node.tier == "coast":
            links.append(Link(name, self.hq.name, "hq"))
            links += [Link(name, r.name, "redbox") for r in self.redboxes(node.coast)]
        else:
            links += [Link(name, c.name, "coast") for c in self.coasts()]
        return links

    def shape(self) -> dict:
        """What the servers were built from (comments and Patroni timings aside)."""
        return {"name": self.name, "database": self.database, "os_user": self.os_user,
                "client_networks": self.client_networks,
                "etcd": [e.__dict__ for e in self.etcd],
                "nodes": [{"name": n.name, "tier": n.tier, "coast": n.coast,
                           "servers": [s.__dict__ for s in n.servers]} for n in self.nodes]}

    @property
    def is_local(self) -> bool:
        """True when every server is on this machine (loopback)."""
        return all(s.ssh is None and s.host in ("127.0.0.1", "localhost", "::1") for s in self.servers()) and \
            all(e.ssh is None and e.host in ("127.0.0.1", "localhost", "::1") for e in self.etcd)


def _req(table: dict, key: str, kind, where: str):
    if key not in table:
        raise TopologyError(f"{where}: missing required key {key!r}")
    value = table[key]
    if kind is int and isinstance(value, bool):
        raise TopologyError(f"{where}: {key!r} must be an integer, not {value!r}")
    if not isinstance(value, kind):
        raise TopologyError(f"{where}: {key!r} must be {kind.__name__}, not {type(value).__name__} {value!r}")
    return value


def _port(table: dict, key: str, where: str) -> int:
    p = _req(table, key, int, where)
    if not 1024 <= p <= 65535:
        raise TopologyError(f"{where}: {key} {p} is outside 1024-65535")
    return p


def _host(table: dict, where: str) -> str:
    h = _req(table, "host", str, where)
    try:
        ipaddress.ip_address(h)
        return h
    except ValueError:
        pass
    if not HOST_RE.match(h):
        raise TopologyError(f"{where}: host {h!r} is neither an IP address nor a host name")
    return h


def _ssh(table: dict, where: str) -> str | None:
    if "ssh" not in table:
        return None
    v = _req(table, "ssh", str, where)
    if not re.match(r"^[a-z_][a-z0-9_-]*@[A-Za-z0-9.-]+$", v):
        raise TopologyError(f"{where}: ssh {v!r} must look like user@host")
    return v


def _unknown_keys(table: dict, allowed: set[str], where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise TopologyError(f"{where}: unknown key(s) {', '.join(extra)} (allowed: {', '.join(sorted(allowed))})")


def _optional_table(doc: dict, name: str, allowed: set[str], where: str) -> tuple[dict, str] | None:
    """The top-level table NAME, checked to be a table of known keys, and where it is; None if absent."""
    if name not in doc:
        return None
    w = f"{where} [{name}]"
    table = doc[name]
    if not isinstance(table, dict):
        raise TopologyError(f"{w} must be a table")
    _unknown_keys(table, allowed, w)
    return table, w


def load(path: str | Path) -> Topology:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TopologyError(f"topology file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise TopologyError(f"topology file {path} cannot be read: {e}") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise TopologyError(f"{path}: not valid TOML: {e}") from None
    return parse(doc, path, text)


def parse(doc: dict, path: Path, text: str = "") -> Topology:
    where = str(path)
    _unknown_keys(doc, {"network", "patroni", "etcd", "node", "acquirer", "mail", "monitoring"}, where)
    net = _req(doc, "network", dict, where)
    _unknown_keys(net, {"name", "database", "os_user", "client_networks", "remote_state_dir", "remote_tool"},
                  f"{where} [network]")
    name = _req(net, "name", str, f"{where} [network]")
    if not NAME_RE.match(name):
        raise TopologyError(f"{where} [network]: name {name!r} must be lower-case letters, digits and '-'")
    database = net.get("database", "redbox")
    if not isinstance(database, str) or not re.match(r"^[a-z_][a-z0-9_]{0,30}$", database):
        raise TopologyError(f"{where} [network]: database {database!r} is not a plain identifier")
    os_user = net.get("os_user", "redboxdb")
    if not isinstance(os_user, str) or not re.match(r"^[a-z_][a-z0-9_-]{0,30}$", os_user) or os_user == "root":
        raise TopologyError(f"{where} [network]: os_user {os_user!r} must be a non-root user name")
    nets = net.get("client_networks", ["127.0.0.1/32"])
    if not isinstance(nets, list) or not nets:
        raise TopologyError(f"{where} [network]: client_networks must be a non-empty list of CIDRs")
    for cidr in nets:
        try:
            ipaddress.ip_network(cidr)
        except (ValueError, TypeError):
            raise TopologyError(f"{where} [network]: client network {cidr!r} is not a CIDR like 10.0.0.0/8") from None
    remote_state_dir = net.get("remote_state_dir", f"/var/lib/redbox-net/{name}")
    remote_tool = net.get("remote_tool", "/usr/bin/redbox-net")
    for key, v in (("remote_state_dir", remote_state_dir), ("remote_tool", remote_tool)):
        if not isinstance(v, str) or not re.match(r"^/[A-Za-z0-9._/-]+$", v) or "/../" in v + "/":
            raise TopologyError(f"{where} [network]: {key} {v!r} must be an absolute path of plain characters")

    pat = doc.get("patroni", {})
    if not isinstance(pat, dict):
        raise TopologyError(f"{where} [patroni] must be a table")
    _unknown_keys(pat, {"ttl", "loop_wait", "retry_timeout"}, f"{where} [patroni]")
    ttl = pat.get("ttl", 30)
    loop_wait = pat.get("loop_wait", 10)
    retry_timeout = pat.get("retry_timeout", 10)
    for k, v in (("ttl", ttl), ("loop_wait", loop_wait), ("retry_timeout", retry_timeout)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise TopologyError(f"{where} [patroni]: {k} must be a positive integer")
    if loop_wait + 2 * retry_timeout > ttl:
        raise TopologyError(f"{where} [patroni]: Patroni needs loop_wait + 2*retry_timeout <= ttl "
                            f"({loop_wait} + 2*{retry_timeout} > {ttl})")

    etcd_list = _req(doc, "etcd", list, where)
    if len(etcd_list) not in (1, 3, 5):
        raise TopologyError(f"{where}: etcd needs 1, 3 or 5 members, not {len(etcd_list)}")
    etcd: list[EtcdMember] = []
    for i, e in enumerate(etcd_list):
        w = f"{where} [[etcd]] #{i + 1}"
        if not isinstance(e, dict):
            raise TopologyError(f"{w} must be a table")
        _unknown_keys(e, {"name", "host", "client_port", "peer_port", "ssh"}, w)
        ename = _req(e, "name", str, w)
        if not NAME_RE.match(ename):
            raise TopologyError(f"{w}: name {ename!r} must be lower-case letters, digits and '-'")
        etcd.append(EtcdMember(ename, _host(e, w), _port(e, "client_port", w), _port(e, "peer_port", w), _ssh(e, w)))

    node_list = _req(doc, "node", list, where)
    nodes: list[Node] = []
    for i, n in enumerate(node_list):
        w = f"{where} [[node]] #{i + 1}"
        if not isinstance(n, dict):
            raise TopologyError(f"{w} must be a table")
        _unknown_keys(n, {"name", "tier", "coast", "servers", "metrics_port"}, w)
        nname = _req(n, "name", str, w)
        w = f"{where} node {nname!r}"
        if not NAME_RE.match(nname) or nname.endswith("-standby"):
            raise TopologyError(f"{w}: name must be lower-case letters, digits and '-' and not end in -standby")
        tier = _req(n, "tier", str, w)
        if tier not in TIERS:
            raise TopologyError(f"{w}: tier {tier!r} must be one of {', '.join(TIERS)}")
        coast = n.get("coast")
        if tier == "hq":
            if coast is not None:
                raise TopologyError(f"{w}: the HQ node belongs to no coast")
        else:
            coast = _req(n, "coast", str, w)
            if not NAME_RE.match(coast):
                raise TopologyError(f"{w}: coast {coast!r} must be lower-case letters, digits and '-'")
        servers = _req(n, "servers", list, w)
        if len(servers) != 2:
            raise TopologyError(f"{w}: needs exactly 2 servers (a primary and its streaming standby), has {len(servers)}")
        made: list[Server] = []
        for j, s in enumerate(servers):
            sw = f"{w} server #{j + 1}"
            if not isinstance(s, dict):
                raise TopologyError(f"{sw} must be a table")
            _unknown_keys(s, {"host", "port", "api_port", "ssh"}, sw)
            member = nname if j == 0 else f"{nname}-standby"
            made.append(Server(nname, member, _host(s, sw), _port(s, "port", sw), _port(s, "api_port", sw), _ssh(s, sw)))
        metrics_port = _port(n, "metrics_port", w) if "metrics_port" in n else None
        if metrics_port and any(s.ssh or s.host not in ("127.0.0.1", "localhost", "::1") for s in made):
            raise TopologyError(f"{w}: metrics_port on a node whose servers are on other hosts is not built yet "
                                f"(its forwarder would need its certificate and token there)")
        nodes.append(Node(nname, tier, coast, tuple(made), metrics_port))

    names = [n.name for n in nodes]
    dup = {x for x in names if names.count(x) > 1}
    if dup:
        raise TopologyError(f"{where}: node name(s) used twice: {', '.join(sorted(dup))}")
    hqs = [n for n in nodes if n.tier == "hq"]
    if len(hqs) != 1:
        raise TopologyError(f"{where}: needs exactly one node with tier = \"hq\", has {len(hqs)}")
    coast_nodes = [n for n in nodes if n.tier == "coast"]
    if not coast_nodes:
        raise TopologyError(f"{where}: needs at least one coast node")
    coast_names = [n.coast for n in coast_nodes]
    dupc = {c for c in coast_names if coast_names.count(c) > 1}
    if dupc:
        raise TopologyError(f"{where}: coast(s) served by two nodes: {', '.join(sorted(dupc))}")
    if not set(coast_names) <= {"west", "east"}:
        raise TopologyError(f"{where}: coasts must be 'west' and/or 'east' (the schema's member partitions), "
                            f"got {', '.join(sorted(set(coast_names)))}")
    for n in nodes:
        if n.tier == "redbox" and n.coast not in coast_names:
            raise TopologyError(f"{where}: red box {n.name!r} names coast {n.coast!r}, which no coast node serves")

    # Every listening endpoint (host, port) must be unique across the whole file.
    seen: dict[tuple[str, int], str] = {}

    def claim(host: str, port: int, what: str) -> None:
        key = (host, port)
        if key in seen:
            raise TopologyError(f"{where}: {host}:{port} is used by both {seen[key]} and {what}")
        seen[key] = what

    for n in nodes:
        for s in n.servers:
            claim(s.host, s.port, f"{s.member} (postgres)")
            claim(s.host, s.api_port, f"{s.member} (patroni api)")
        if n.metrics_port:
            claim(n.servers[0].host, n.metrics_port, f"{n.name}'s forwarder (metrics)")
    for e in etcd:
        claim(e.host, e.client_port, f"{e.name} (etcd client)")
        claim(e.host, e.peer_port, f"{e.name} (etcd peer)")

    acquirer = None
    found = _optional_table(doc, "acquirer", {"host", "port", "simulated"}, where)
    if found:
        a, w = found
        simulated = a.get("simulated", True)
        if not isinstance(simulated, bool):
            raise TopologyError(f"{w}: simulated must be true or false")
        acquirer = Acquirer(_host(a, w), _port(a, "port", w), simulated)
        if simulated and acquirer.host not in ("127.0.0.1", "localhost", "::1"):
            raise TopologyError(f"{w}: the simulated acquirer runs on this machine (host 127.0.0.1)")
        claim(acquirer.host, acquirer.port, "the acquirer")

    mail = None
    found = _optional_table(doc, "mail", {"host", "port", "from", "simulated"}, where)
    if found:
        m, w = found
        simulated = m.get("simulated", True)
        if not isinstance(simulated, bool):
            raise TopologyError(f"{w}: simulated must be true or false")
        sender = m.get("from", "receipts@redbox.example")
        if not isinstance(sender, str) or not re.fullmatch(r"[A-Za-z0-9._+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}", sender):
            raise TopologyError(f"{w}: from must be a plain e-mail address, like receipts@redbox.example")
        mail = Mail(_host(m, w), _port(m, "port", w), sender, simulated)
        if simulated and mail.host not in ("127.0.0.1", "localhost", "::1"):
            raise TopologyError(f"{w}: the simulated SMTP server runs on this machine (host 127.0.0.1)")
        claim(mail.host, mail.port, "the SMTP relay")

    monitoring = None
    found = _optional_table(doc, "monitoring", {"host", "port", "scrape_interval", "retention", "exporter_port"}, where)
    if found:
        m, w = found
        interval = m.get("scrape_interval", 15)
        if not isinstance(interval, int) or isinstance(interval, bool) or not 1 <= interval <= 300:
            raise TopologyError(f"{w}: scrape_interval must be 1-300 seconds")
        retention = m.get("retention", "15d")
        if not isinstance(retention, str) or not re.fullmatch(r"[1-9][0-9]{0,4}[hdwy]", retention):
            raise TopologyError(f"{w}: retention must be a count and a unit (h, d, w or y), like 15d")
        exporter_port = _port(m, "exporter_port", w) if "exporter_port" in m else None
        monitoring = Monitoring(_host(m, w), _port(m, "port", w), interval, retention, exporter_port)
        if monitoring.host not in ("127.0.0.1", "localhost", "::1"):
            raise TopologyError(f"{w}: Prometheus runs on this machine (host 127.0.0.1)")
        remote = [s.member for n in nodes for s in n.servers if s.ssh or s.host not in ("127.0.0.1", "localhost", "::1")]
        if remote:
            raise TopologyError(f"{w}: watching servers on other hosts is not built yet ({', '.join(remote[:3])} ...); "
                                f"leave [monitoring] out of a multi-host topology")
        missing = [n.name for n in nodes if not n.metrics_port]
        if missing:
            raise TopologyError(f"{w}: every node needs a metrics_port for its forwarder (missing: {', '.join(missing)})")
        claim(monitoring.host, monitoring.port, "Prometheus")
        if exporter_port:
            claim(monitoring.host, exporter_port, "the node exporter")

    return Topology(path=path, name=name, database=database, os_user=os_user, client_networks=list(nets),
                    ttl=ttl, loop_wait=loop_wait, retry_timeout=retry_timeout, etcd=etcd, nodes=nodes,
                    raw_text=text, remote_state_dir=remote_state_dir, remote_tool=remote_tool, acquirer=acquirer,
                    mail=mail, monitoring=monitoring)

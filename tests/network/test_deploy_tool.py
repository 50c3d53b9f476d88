"""The network tool refuses bad input clearly and leaves nothing half made;
the same topology format renders a network of real hosts."""
import os
import re
import socket
import subprocess
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOL = HERE.parent.parent / "deploy" / "redbox-net"
GOOD = (HERE.parent.parent / "deploy" / "topology" / "loopback.toml").read_text()


def run(*args, timeout=120):
    return subprocess.run([str(TOOL), *args], capture_output=True, text=True, timeout=timeout)


class BadTopologies(unittest.TestCase):
    CASES = {
        "not toml": ("[network\nname=", r"not valid TOML"),
        "no network": (GOOD.replace("[network]", "[netwrk]"), r"unknown key\(s\) netwrk"),
        "unknown key": (GOOD.replace('database = "redbox"', 'database = "redbox"\ncolour = "red"'), r"unknown key\(s\) colour"),
        "bad tier": (GOOD.replace('tier = "hq"', 'tier = "cloud"'), r"tier 'cloud' must be one of"),
        "one server": (GOOD.replace('  { host = "127.0.0.1", port = 5441, api_port = 8441 },\n', ''),
                       r"needs exactly 2 servers"),
        "port clash": (GOOD.replace("port = 5441", "port = 5440"), r"127.0.0.1:5440 is used by both"),
        "port range": (GOOD.replace("port = 5441", "port = 99999"), r"outside 1024-65535"),
        "port type": (GOOD.replace("port = 5441", 'port = "5441"'), r"'port' must be int"),
        "bad host": (GOOD.replace('host = "127.0.0.1", port = 5441', 'host = "not a host!", port = 5441'),
                     r"neither an IP address nor a host name"),
        "unknown coast": (GOOD.replace('name = "east-rb2"\ntier = "redbox"\ncoast = "east"',
                                       'name = "east-rb2"\ntier = "redbox"\ncoast = "north"'),
                          r"names coast 'north', which no coast node serves"),
        "two hqs": (GOOD.replace('name = "west"\ntier = "coast"\ncoast = "west"', 'name = "west"\ntier = "hq"'),
                    r"exactly one node with tier = \"hq\""),
        "duplicate node": (GOOD.replace('name = "east-rb2"', 'name = "east-rb1"'), r"used twice: east-rb1"),
        "timings": (GOOD.replace("ttl = 10", "ttl = 5"), r"loop_wait \+ 2\*retry_timeout <= ttl"),
        "bad cidr": (GOOD.replace('["127.0.0.1/32"]', '["everyone"]'), r"is not a CIDR"),
        "root user": (GOOD.replace('os_user = "redboxdb"', 'os_user = "root"'), r"non-root"),
        "metrics port clash": (GOOD.replace("metrics_port = 8482", "metrics_port = 8481"),
                               r"127.0.0.1:8481 is used by both hq's forwarder \(metrics\) and west's"),
        "metrics port on postgres": (GOOD.replace("metrics_port = 8482", "metrics_port = 5440"), r"127.0.0.1:5440 is used by both"),
        "monitoring without metrics ports": (GOOD.replace("metrics_port = 8487", ""),
                                             r"every node needs a metrics_port .*missing: east-rb2"),
        "scrape interval": (GOOD.replace("scrape_interval = 15", "scrape_interval = 0"), r"scrape_interval must be 1-300"),
        "retention": (GOOD.replace('retention = "15d"', 'retention = "forever"'), r"retention must be a count and a unit"),
        "remote prometheus": (GOOD.replace('[monitoring]\nhost = "127.0.0.1"', '[monitoring]\nhost = "10.0.0.9"'),
                              r"Prometheus runs on this machine"),
        "exporter port clash": (GOOD.replace("exporter_port = 8491", "exporter_port = 8490"),
                                r"127.0.0.1:8490 is used by both Prometheus and the node exporter"),
        "monitoring key": (GOOD.replace("[monitoring]\n", "[monitoring]\ngrafana = true\n"), r"unknown key\(s\) grafana"),
    }

    def test_each_malformed_topology_is_refused_and_nothing_is_made(self):
        for name, (text, pattern) in self.CASES.items():
            with self.subTest(name), tempfile.TemporaryDirectory() as tmp:
                topo = Path(tmp) / "topology.toml"
                topo.write_text(text)
                state = Path(tmp) / "state"
                r = run("--topology", str(topo), "--state-dir", str(state), "up")
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertRegex(r.stderr, r"^redbox-net: error: ")
                self.assertRegex(r.stderr, pattern)
                self.assertNotIn("Traceback", r.stderr)
                self.assertFalse(state.exists(), "a refused topology left a state folder behind")

    def test_missing_topology_file_is_named(self):
        r = run("--topology", "/nonexistent/topo.toml", "status")
        self.assertEqual(r.returncode, 2)
        self.assertIn("/nonexistent/topo.toml does not exist", r.stderr)

    def test_unknown_node_is_named(self):
        with tempfile.TemporaryDirectory() as tmp:
            r = run("--state-dir", tmp, "failover", "north-rb9")
            self.assertEqual(r.returncode, 2)
            self.assertIn("no node named 'north-rb9'", r.stderr)

    def test_a_folder_the_servers_cannot_reach_is_named_before_anything_starts(self):
        # A folder only root may enter (as root's home is): the servers' user could never start there.
        closed = Path(tempfile.mkdtemp(prefix="redbox-closed-"))
        probe = f"""
import sys
sys.path.insert(0, {str(TOOL.parent)!r})
from pathlib import Path
from redboxnet import procs
from redboxnet.state import State, StateError
from redboxnet.topology import load
state = State(load({str(HERE / "test-topology.toml")!r}), Path({str(closed / "state")!r}))
state.make_dirs()
try:
    procs.start_daemon(state, "probe", ["/bin/true"])
except StateError as e:
    print(e)
"""
        try:
            closed.chmod(0o700)
            r = subprocess.run(["/usr/bin/python3", "-c", probe], capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn(f"cannot enter {closed} (mode 700)", r.stdout)
            self.assertFalse((closed / "state" / "log" / "probe.log").exists(), "something was started")
        finally:
            subprocess.run(["rm", "-rf", str(closed)], check=True)

    def test_state_root_leaves_a_reachable_build_folder_where_it_is(self):
        script = HERE.parent.parent / "deploy" / "state-root"
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)
            build = Path(tmp) / "build"
            r = subprocess.run([str(script), str(build)], capture_output=True, text=True, check=True)
            self.assertEqual(r.stdout.strip(), str(build.resolve()))
        closed = Path(tempfile.mkdtemp(prefix="redbox-closed-"))
        try:
            closed.chmod(0o700)
            r = subprocess.run([str(script), str(closed / "build")], capture_output=True, text=True, check=True)
            elsewhere = Path(r.stdout.strip())
            self.assertTrue(str(elsewhere).startswith("/var/tmp/redbox-state-"), r.stdout)
            self.assertEqual(elsewhere.stat().st_mode & 0o777, 0o755)
        finally:
            subprocess.run(["rm", "-rf", str(closed)], check=True)


class OccupiedPort(unittest.TestCase):
    def test_a_taken_port_is_a_clear_error_and_nothing_is_started(self):
        # A network on ports 3xxxx, one of which someone else already listens on.
        text = re.sub(r"port = 5(\d\d\d)", r"port = 35\1", GOOD)
        text = re.sub(r"api_port = 8(\d\d\d)", r"api_port = 38\1", text)
        text = text.replace("client_port = 2479", "client_port = 32379").replace("peer_port = 2480", "peer_port = 32380")
        text = text.replace('name = "redbox"', 'name = "redbox-porttest"')
        with tempfile.TemporaryDirectory() as tmp, socket.socket() as squatter:
            squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            squatter.bind(("127.0.0.1", 35426))
            squatter.listen()
            topo = Path(tmp) / "topology.toml"
            topo.write_text(text)
            state = Path(tmp) / "state"
            r = run("--topology", str(topo), "--state-dir", str(state), "up")
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn("127.0.0.1:35426 (west-rb2 postgres) is taken by", r.stderr)
            self.assertFalse(state.exists(), "nothing may be made when a port is taken")
            out = subprocess.run(["ss", "-Hltn"], capture_output=True, text=True).stdout
            self.assertNotIn(":32379", out, "etcd was started although a port was taken")


SMALL = """
[network]
name = "redbox-stall"
database = "redbox"
os_user = "redboxdb"
client_networks = ["127.0.0.1/32"]

[patroni]
ttl = 10
loop_wait = 2
retry_timeout = 4

[[etcd]]
name = "etcd1"
host = "127.0.0.1"
client_port = 13379
peer_port = 13380

[[node]]
name = "hq"
tier = "hq"
servers = [
  { host = "127.0.0.1", port = 13440, api_port = 13540 },
  { host = "127.0.0.1", port = 13441, api_port = 13541 },
]

[[node]]
name = "west"
tier = "coast"
coast = "west"
servers = [
  { host = "127.0.0.1", port = 13430, api_port = 13530 },
  { host = "127.0.0.1", port = 13431, api_port = 13531 },
]
"""


@unittest.skipUnless(os.geteuid() == 0, "starts servers: runs as root, like `redbox-net up`")
class StalledBootstrap(unittest.TestCase):
    """A fresh pair whose Patroni believes another member claimed its bootstrap (its etcd request
    timed out after etcd stored the claim, which happens when etcd's disk is slow) waits for
    a bootstrap nobody runs: `up` releases the orphaned claim and the pair comes up."""

    def test_an_orphaned_bootstrap_claim_is_released_and_the_pair_comes_up(self):
        import sys
        import warnings
        warnings.simplefilter("ignore", ResourceWarning)  # etcd outlives this process on purpose
        sys.path.insert(0, str(TOOL.parent))
        from redboxnet import cluster, servers
        from redboxnet.state import State
        from redboxnet.topology import load
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)  # the server user walks through it
            topo_file = Path(tmp) / "topology.toml"
            topo_file.write_text(SMALL)
            root = Path(tmp) / "state"
            try:
                # etcd first, holding west's claim as the timed-out request left it.
                state = State(load(topo_file), root)
                state.make_dirs()
                servers.make_certificates(state)
                servers.start_etcd(state)
                cluster._etcd_v3(state, "kv/put", {"key": cluster._b64("/redbox-stall/west/initialize"),
                                                   "value": cluster._b64("")})
                self.assertEqual(cluster.initialize_key(state, state.topo.node("west")), "")
                r = run("--topology", str(topo_file), "--state-dir", str(root), "up", "--no-data",
                        "--no-forwarders", timeout=600)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                print("\n" + "\n".join(l for l in r.stdout.splitlines() if "postgres" in l or "network up" in l))
                self.assertRegex(r.stdout, r"west +bootstrap claim in etcd left unused for 20 s; released it")
                self.assertNotIn("hq                 bootstrap claim", r.stdout)
                self.assertRegex(r.stdout, r"postgres +west +127.0.0.1:13430 +primary +up")
                self.assertRegex(r.stdout, r"postgres +hq +127.0.0.1:13440 +primary +up")
                self.assertRegex(cluster.initialize_key(state, state.topo.node("west")), r"^\d+$",
                                 "the claim must become the new cluster's system identifier")
            finally:
                run("--topology", str(topo_file), "--state-dir", str(root), "reset", timeout=300)
            out = subprocess.run(["ss", "-Hltn"], capture_output=True, text=True).stdout
            self.assertNotIn(":13379", out, "reset must stop etcd")


class RealHosts(unittest.TestCase):
    def test_a_topology_of_real_hosts_renders_every_configuration(self):
        topo = HERE / "hosts-topology.toml"
        with tempfile.TemporaryDirectory() as tmp:
            state = Path(tmp) / "rendered"
            up = run("--topology", str(topo), "--state-dir", str(state), "up")
            self.assertEqual(up.returncode, 2)
            self.assertIn("are on other hosts but have no ssh = \"user@host\"", up.stderr)
            r = run("--topology", str(topo), "--state-dir", str(state), "render")
            self.assertEqual(r.returncode, 0, r.stderr)
            import yaml  # Debian's python3-yaml (a Patroni dependency)
            cfg = yaml.safe_load((state / "patroni" / "west-rb2-standby.yml").read_text())
            self.assertEqual(cfg["postgresql"]["listen"], "10.20.1.11:5426")
            self.assertEqual(cfg["scope"], "west-rb2")
            self.assertEqual(cfg["etcd3"]["hosts"], ["hq-db1.redbox.example:2379", "west-db1.redbox.example:2379",
                                                      "east-db1.redbox.example:2379"])
            hba = cfg["postgresql"]["pg_hba"]
            self.assertIn("hostssl all rewinder,postgres 10.20.0.0/16 scram-sha-256", hba)
            # Kiosks and nodes log in with roles of their own (members of these groups), to the network's database only.
            self.assertIn("hostssl redbox forwarder,payments,mailer,+peer,+kiosk,+verifier 10.20.0.0/16 scram-sha-256", hba)
            self.assertIn("hostssl replication replicator hq-db2.redbox.example scram-sha-256", hba)
            self.assertFalse([l for l in hba if re.search(r"\b(trust|md5|password)\b", l)])
            san = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in",
                                  str(state / "certs" / "hq-standby.crt")], capture_output=True, text=True).stdout
            self.assertIn("DNS:hq-db2.redbox.example", san)
            san_ip = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in",
                                     str(state / "certs" / "west-rb2.crt")], capture_output=True, text=True).stdout
            self.assertIn("IP Address:10.20.1.10", san_ip)
            verify = subprocess.run(["openssl", "verify", "-CAfile", str(state / "ca" / "ca.crt"),
                                     str(state / "certs" / "east.crt")], capture_output=True, text=True)
            self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)
            args = (state / "etcd" / "etcd-west.args").read_text()
            self.assertIn("--initial-cluster etcd-hq=https://hq-db1.redbox.example:2380,etcd-west=https://west-db1", args)
            self.assertIn("--client-cert-auth", args)
            # Secrets: 0600 files, not printed.
            for f in (state / "secrets").iterdir():
                self.assertEqual(f.stat().st_mode & 0o077, 0, f"{f} is readable by others")
            pw = (state / "secrets" / "passwords.json").read_text()
            for secret in re.findall(r'"([A-Za-z0-9_-]{32})"', pw)[:5]:
                self.assertNotIn(secret, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()


class ForwarderMetricsFlags(unittest.TestCase):
    """redbox-forwarder refuses a metrics endpoint it cannot serve safely, before it connects anywhere."""

    def run_forwarder(self, *flags):
        binary = os.environ.get("REDBOX_FORWARDER", str(HERE.parent.parent / "build" / "redbox-forwarder"))
        return subprocess.run([binary, "--node", "west-rb1", "--conninfo", "host=127.0.0.1 port=1 dbname=redbox", *flags],
                              capture_output=True, text=True, timeout=30)

    def test_bad_metrics_flags_are_refused_with_a_reason(self):
        with tempfile.TemporaryDirectory() as tmp:
            t = Path(tmp)
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                            "-keyout", str(t / "k.pem"), "-out", str(t / "c.pem"), "-days", "1", "-subj", "/CN=127.0.0.1"],
                           check=True, capture_output=True)
            (t / "token").write_text("0123456789abcdef-token\n")
            (t / "short").write_text("short\n")
            good = ["--tls-cert", str(t / "c.pem"), "--tls-key", str(t / "k.pem"), "--metrics-token-file", str(t / "token")]
            cases = {
                "no port": (["--metrics-listen", "127.0.0.1", *good], "must be ip:port"),
                "a name": (["--metrics-listen", "localhost:9481", *good], "must be ip:port"),
                "port range": (["--metrics-listen", "127.0.0.1:70000", *good], "must be ip:port"),
                "no tls": (["--metrics-listen", "127.0.0.1:9481", "--metrics-token-file", str(t / "token")],
                           "needs --tls-cert, --tls-key and --metrics-token-file"),
                "short token": (["--metrics-listen", "127.0.0.1:9481", *good[:4], "--metrics-token-file", str(t / "short")],
                                "shorter than 16 characters"),
                "no token file": (["--metrics-listen", "127.0.0.1:9481", *good[:4], "--metrics-token-file", str(t / "none")],
                                  "cannot read the token file"),
                "cert as key": (["--metrics-listen", "127.0.0.1:9481", "--tls-cert", str(t / "c.pem"), "--tls-key",
                                 str(t / "c.pem"), "--metrics-token-file", str(t / "token")], "is not an EC or RSA private key"),
            }
            for name, (flags, words) in cases.items():
                with self.subTest(name):
                    r = self.run_forwarder(*flags)
                    self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                    self.assertIn(words, r.stderr)

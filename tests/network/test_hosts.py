"""A network on separate hosts, reached over SSH: five network
namespaces stand in for five machines (tests/network/netns-hosts.sh: each its
own address, its own /srv/redbox, its own sshd). `redbox-net up` with a topology
of real addresses copies each host only its own files and starts its servers
there; etcd runs as a 3-member cluster; the operator fails HQ over to its
standby's host; the red box site (two hosts) that loses
its WAN link keeps its primary (Patroni's failsafe mode) and keeps committing."""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TOOL = REPO / "deploy" / "redbox-net"
NETNS = HERE / "netns-hosts.sh"
FORWARDER = os.environ.get("REDBOX_FORWARDER", str(REPO / "build" / "redbox-forwarder"))

# Host i is 10.77.0.(10+i). HQ's site is host 1, the West Coast's host 2, host 3 a
# third site for etcd's third member and the coast's standby; the red box site is
# hosts 4 and 5 (its primary and its standby, side by side in the store).
HOSTS = 5
WAN = ["10.77.0.11", "10.77.0.12", "10.77.0.13"]


def ip(i: int) -> str:
    return f"10.77.0.{10 + i}"


def topology() -> str:
    def server(i, port, api):
        return f'  {{ host = "{ip(i)}", port = {port}, api_port = {api}, ssh = "root@{ip(i)}" }},'
    etcd = "".join(f'\n[[etcd]]\nname = "etcd-{i}"\nhost = "{ip(i)}"\nclient_port = 2379\npeer_port = 2380\n'
                   f'ssh = "root@{ip(i)}"\n' for i in (1, 2, 3))
    return f"""[network]
name = "redbox-hosts"
database = "redbox"
os_user = "redboxdb"
client_networks = ["10.77.0.0/24"]
remote_state_dir = "/srv/redbox/state"
remote_tool = "{TOOL}"

[patroni]
ttl = 10
loop_wait = 2
retry_timeout = 4
{etcd}
[[node]]
name = "hq"
tier = "hq"
servers = [
{server(1, 5440, 8440)}
{server(2, 5440, 8440)}
]

[[node]]
name = "west"
tier = "coast"
coast = "west"
servers = [
{server(2, 5430, 8430)}
{server(3, 5430, 8430)}
]

[[node]]
name = "west-rb1"
tier = "redbox"
coast = "west"
servers = [
{server(4, 5426, 8426)}
{server(5, 5426, 8426)}
]
"""


def sh(*args, timeout=120, check=True, env=None):
    r = subprocess.run(list(map(str, args)), capture_output=True, text=True, timeout=timeout, env=env)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


@unittest.skipUnless(os.geteuid() == 0, "makes network namespaces and starts servers: runs as root")
class MultiHost(unittest.TestCase):
    def test_up_over_ssh_with_three_etcd_members_and_a_red_box_site_cut_off(self):
        import warnings
        warnings.simplefilter("ignore", ResourceWarning)
        sys.path.insert(0, str(TOOL.parent))
        from redboxnet import cluster, db
        from redboxnet.state import State
        from redboxnet.topology import load
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            hosts = tmp / "hosts"
            topo_file = tmp / "topology.toml"
            topo_file.write_text(topology())
            root = tmp / "operator"
            env = dict(os.environ, REDBOX_NET_SSH_CONFIG=str(hosts / "ssh_config"))
            tool = lambda *a, **k: sh(TOOL, "--topology", topo_file, "--state-dir", root, *a, env=env, **k)  # noqa: E731
            sh(NETNS, "up", hosts, HOSTS, timeout=120)
            try:
                t0 = time.monotonic()
                r = tool("up", "--members", "300", "--forwarder", FORWARDER, timeout=900)
                up_s = time.monotonic() - t0
                print("\n" + "\n".join(l for l in r.stdout.splitlines() if re.match(r"  (hosts|etcd|postgres|forwarder)", l)))
                print(f"network of 6 servers on {HOSTS} hosts up over SSH in {up_s:.1f} s")
                state = State(load(topo_file), root)
                cluster.trust(state)

                # Each host holds its own servers' data and keys, and nothing else.
                expect = {1: {"hq", "etcd-1"}, 2: {"hq-standby", "west", "etcd-2"}, 3: {"west-standby", "etcd-3"},
                          4: {"west-rb1"}, 5: {"west-rb1-standby"}}
                for i, names in expect.items():
                    srv = hosts / f"host{i}" / "srv" / "state"
                    keys = {p.stem for p in (srv / "certs").glob("*.key")}
                    # A server's own key, and its Patroni's etcd client key (no common name).
                    want = names | {f"etcd-client-{n}" for n in names if not n.startswith("etcd")}
                    self.assertEqual(keys, want, f"host {i} holds the keys of {sorted(keys)}")
                    data = {p.name for p in (srv / "data").iterdir()} if (srv / "data").exists() else set()
                    self.assertEqual(data, {n for n in names if not n.startswith("etcd")}, f"host {i} data")
                    self.assertFalse((srv / "ca" / "ca.key").exists(), "the CA's key stays with the operator")
                    self.assertFalse((srv / "secrets" / "passwords.json").exists(), "the passwords stay with the operator")
                    for p in (srv / "certs").glob("*.key"):
                        self.assertEqual(p.stat().st_mode & 0o077, 0, f"{p} is readable by others")

                # etcd: one cluster of three members, each healthy.
                members = cluster._etcd_v3(state, "cluster/member/list", {})["members"]
                self.assertEqual(sorted(m["name"] for m in members), ["etcd-1", "etcd-2", "etcd-3"])
                for e in state.topo.etcd:
                    self.assertTrue(cluster.etcd_healthy(state, e), e.name)

                # Every pair: its first server primary, the other a synchronous standby on another host.
                st = tool("status").stdout
                self.assertEqual(len(re.findall(r" primary +10\.77\.0\.1[1-5]:\d+ +yes", st)), 3, st)
                self.assertEqual(len(re.findall(r" standby +10\.77\.0\.1[1-5]:\d+ +yes +sync ", st)), 3, st)
                for node in state.topo.nodes:
                    self.assertEqual(cluster.leader(node).member, node.servers[0].member)
                    self.assertEqual(cluster.sync_standby(node).member, node.servers[1].member)

                # A rental at the red box reaches the coast and HQ, hop by hop across hosts.
                demo = tool("demo", timeout=180).stdout
                self.assertIn("reached HQ", demo, demo)

                # The operator switches HQ over to its standby's host from the operator's machine.
                fo = tool("failover", "hq", timeout=240).stdout
                print(fo.strip())
                self.assertEqual(cluster.leader(state.topo.node("hq")).member, "hq-standby")
                self.assertIn("reached HQ", tool("demo", timeout=180).stdout)

                # The red box site loses its WAN link: hosts 4 and 5 reach each other (and the
                # kiosks, here this machine) but no etcd member, coast or HQ.
                rules = "; ".join([
                    "add table inet wan", "add chain inet wan out { type filter hook output priority 0 ; }",
                    "add chain inet wan in { type filter hook input priority 0 ; }",
                    # Dropped, not refused: a cut line answers nothing.
                    "add rule inet wan out ip daddr { " + ", ".join(WAN) + " } drop",
                    "add rule inet wan in ip saddr { " + ", ".join(WAN) + " } drop"])
                for i in (4, 5):
                    sh("ip", "netns", "exec", f"rbxhost{i}", "nft", rules)
                try:
                    conn = db.connect_node(state, "west-rb1")
                    conn.autocommit = True
                    with conn.cursor() as cur:
                        cur.execute("CREATE TABLE IF NOT EXISTS redbox_meta.wan_drill (n int PRIMARY KEY, at timestamptz)")
                    written, failed, n = 0, 0, 0
                    cut = time.monotonic()
                    while time.monotonic() - cut < 25:   # ttl 10 s, retry_timeout 4 s
                        n += 1
                        try:
                            with conn.cursor() as cur:
                                cur.execute("INSERT INTO redbox_meta.wan_drill VALUES (%s, now())", (n,))
                            written += 1
                        except Exception:
                            failed += 1
                            conn.close()
                            time.sleep(0.5)
                            conn = db.connect_node(state, "west-rb1")
                            conn.autocommit = True
                        time.sleep(0.05)
                    node = state.topo.node("west-rb1")
                    with db.connect_server(state, node.servers[0]) as c, c.cursor() as cur:
                        cur.execute("SELECT pg_is_in_recovery()")
                        demoted = cur.fetchone()[0]
                    print(f"red box site cut off from etcd, coast and HQ for 25 s: {written} writes committed "
                          f"(synchronously, at its standby), {failed} failed; its primary "
                          f"{'was demoted' if demoted else 'stayed primary'}")
                    self.assertFalse(demoted, "the red box's primary stepped down when its WAN link was cut")
                    self.assertEqual(failed, 0)
                    self.assertGreater(written, 100)
                    conn.close()
                finally:
                    for i in (4, 5):
                        sh("ip", "netns", "exec", f"rbxhost{i}", "nft", "delete table inet wan", check=False)

                # down stops everything on every host.
                tool("down", timeout=300)
                for i in range(1, HOSTS + 1):
                    left = sh("ip", "netns", "pids", f"rbxhost{i}").stdout.split()
                    names = {Path(f"/proc/{p}/comm").read_text().strip() for p in left if Path(f"/proc/{p}/comm").exists()}
                    self.assertTrue(names <= {"sshd"}, f"host {i} still runs {sorted(names)} after down")
            finally:
                sh(TOOL, "--topology", topo_file, "--state-dir", root, "reset", env=env, timeout=300, check=False)
                sh(NETNS, "down", hosts, check=False)


if __name__ == "__main__":
    unittest.main()

"""Watching the shared test network: Prometheus scrapes every forwarder and Patroni
member over TLS, the figures are the network's, a coast that stops fires its alert and it
resolves when the coast is back, the console shows the nodes and turns a kiosk
red when it is cut off; and from the attacker's side, no figure is given without
the token or the operator's login, nor over plain HTTP."""
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "deploy"))
from redboxnet import monitoring, topology  # noqa: E402
from redboxnet.state import State  # noqa: E402

TOOL = os.environ.get("REDBOX_NET_TOOL", str(HERE.parent.parent / "deploy" / "redbox-net"))
STATE_DIR = Path(os.environ["REDBOX_TEST_STATE"])
TOPOLOGY = os.environ["REDBOX_TEST_TOPOLOGY"]


def net(*args, timeout=120):
    return subprocess.run([TOOL, "--topology", TOPOLOGY, "--state-dir", str(STATE_DIR), *args],
                          capture_output=True, text=True, timeout=timeout)


def wait_for(what, predicate, timeout=90.0, every=1.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout:.0f} s (last: {last!r})")


class Monitoring(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.state = State(topology.load(STATE_DIR / "topology.toml"), STATE_DIR)
        cls.topo = cls.state.topo
        if cls.topo.monitoring is None:
            raise AssertionError(f"{TOPOLOGY} has no [monitoring]: this test watches the suite's network")
        cls.ca = ssl.create_default_context(cafile=str(cls.state.ca_cert))

    def query(self, expr):
        return monitoring.api(self.state, "query", {"query": expr})["result"]

    def scrape(self, node, token, context=None):
        n = self.topo.node(node)
        host, port = n.metrics_address.rsplit(":", 1)
        conn = http.client.HTTPSConnection(host, int(port), context=context or self.ca, timeout=10)
        try:
            conn.request("GET", "/metrics", headers={"Authorization": f"Bearer {token}"} if token else {})
            r = conn.getresponse()
            return r.status, r.read().decode()
        finally:
            conn.close()

    def test_1_every_forwarder_and_server_is_scraped(self):
        want = len(self.topo.nodes) + len(self.topo.servers()) + (1 if self.topo.monitoring.exporter_port else 0)
        t0 = time.monotonic()
        up = wait_for("every target up", lambda: [t for t in monitoring.targets(self.state) if t["health"] == "up"]
                      if all(t["health"] == "up" for t in monitoring.targets(self.state)) else None)
        print(f"\n  {len(up)} targets up after {time.monotonic() - t0:.1f} s", flush=True)
        self.assertEqual(len(up), want)
        self.assertEqual({t["node"] for t in up if t["job"] == "forwarder"}, {n.name for n in self.topo.nodes})
        self.assertEqual({t["member"] for t in up if t["job"] == "patroni"}, {s.member for s in self.topo.servers()})
        self.assertEqual(len([t for t in up if t["job"] == "host"]), 1, "this machine's node exporter")

    def test_2_the_figures_are_the_networks(self):
        # One primary per node, each forwarder connected, every link up.
        primaries = wait_for("a primary per node", lambda: self.query("patroni_primary == 1")
                             if len(self.query("patroni_primary == 1")) == len(self.topo.nodes) else None)
        self.assertEqual({p["metric"]["node"] for p in primaries}, {n.name for n in self.topo.nodes})
        connected = wait_for("forwarders connected", lambda: self.query("redbox_forwarder_connected == 1")
                             if len(self.query("redbox_forwarder_connected == 1")) == len(self.topo.nodes) else None)
        self.assertEqual(len(connected), len(self.topo.nodes))
        links = sum(len(self.topo.links_from(n.name)) for n in self.topo.nodes)
        wait_for("every link up", lambda: len(self.query("redbox_link_up == 1")) == links)
        # The red boxes' own figures, and a series per enrolled kiosk.
        for metric in ("redbox_rentals_last_minute", "redbox_returns_last_minute", "redbox_rentals_open"):
            got = {r["metric"]["node"] for r in self.query(metric)}
            self.assertEqual(got, {n.name for n in self.topo.redboxes()}, metric)
        kiosks = self.query("redbox_kiosk_heartbeat_age_seconds")
        self.assertTrue(kiosks, "no kiosk series")
        self.assertTrue(all(r["metric"]["node"] in {n.name for n in self.topo.redboxes()} for r in kiosks))
        # This machine's filesystems, for the disk rules: the one the state folder is on among them.
        disks = self.query('node_filesystem_size_bytes{job="host"}')
        self.assertTrue(disks, "no filesystem from the node exporter")
        self.assertTrue(any(str(STATE_DIR.resolve()).startswith(d["metric"]["mountpoint"]) for d in disks),
                        [d["metric"]["mountpoint"] for d in disks])
        # The forwarder's own page, read directly, agrees.
        status, text = self.scrape("west-rb1", monitoring.token_file(self.state).read_text().strip())
        self.assertEqual(status, 200)
        self.assertIn("redbox_forwarder_connected 1", text)
        self.assertRegex(text, r'redbox_outbox_pending\{dest="west"\} \d+')
        self.assertIn("# TYPE redbox_forwarder_hops_delivered_total counter", text)

    def test_3_a_coast_that_stops_fires_its_alert_and_it_resolves_when_it_is_back(self):
        def alert(name, **labels):
            return [a for a in monitoring.alerts(self.state)
                    if a["name"] == name and all(a["labels"].get(k) == v for k, v in labels.items())]
        self.assertEqual(alert("RedboxPairDown"), [])
        r = net("stop", "east")
        self.assertEqual(r.returncode, 0, r.stderr)
        t0 = time.monotonic()
        try:
            pending = wait_for("RedboxPairDown pending", lambda: alert("RedboxPairDown", node="east"), timeout=60)
            print(f"\n  RedboxPairDown {pending[0]['state']} {time.monotonic() - t0:.1f} s after the stop", flush=True)
            firing = wait_for("RedboxPairDown firing", lambda: [a for a in alert("RedboxPairDown", node="east")
                                                                if a["state"] == "firing"], timeout=120, every=2)
            print(f"  firing {time.monotonic() - t0:.1f} s after the stop (for: 1m): {firing[0]['summary']}", flush=True)
            self.assertEqual(firing[0]["labels"]["severity"], "page")
            # What the coast's neighbours see: their links to it go down.
            wait_for("east-rb1's link to east down", lambda: alert("RedboxLinkDown", node="east-rb1", dest="east"), timeout=60)
        finally:
            r = net("rejoin", "east", timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr)
        t1 = time.monotonic()
        wait_for("RedboxPairDown resolved", lambda: alert("RedboxPairDown") == [], timeout=120, every=2)
        print(f"  resolved {time.monotonic() - t1:.1f} s after the rejoin", flush=True)
        # The network is whole again for the tests after this one.
        wait_for("east primary and every link to it up",
                 lambda: self.query('patroni_primary{node="east"} == 1') and
                 not self.query('redbox_link_up{dest="east"} == 0'), timeout=120, every=2)

    def chromium(self, url, spki, *extra):
        """Headless Chromium trusting only the certificate whose key has this SPKI hash."""
        profile = STATE_DIR / "chromium-profile"
        r = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                            f"--ignore-certificate-errors-spki-list={spki}", "--window-size=1500,1400", *extra, url],
                           capture_output=True, text=True, timeout=90)
        return r.stdout

    def spki(self, cert):
        der = subprocess.run(f"openssl x509 -in {cert} -pubkey -noout | openssl pkey -pubin -outform der | "
                             "openssl dgst -sha256 -binary | base64", shell=True, capture_output=True, text=True, check=True)
        return der.stdout.strip()

    def test_4_the_console_shows_every_node_in_a_browser(self):
        mon = self.topo.monitoring
        password = monitoring.operator_password(self.state)
        url = f"https://{monitoring.OPERATOR}:{password}@{mon.host}:{mon.port}/consoles/fleet.html"
        pin = self.spki(self.state.certs_dir / "prometheus.crt")
        # (virtual time: the page's plots fetch their series after it loads)
        dom = self.chromium(url, pin, "--virtual-time-budget=8000", "--dump-dom")
        self.assertIn("<h1>redbox fleet</h1>", dom)
        plots = re.findall(r'<figure class="plot"[^>]*>', dom)
        self.assertEqual(len(plots), 3)
        for p in plots:
            self.assertNotIn("data-error", p)
            self.assertRegex(p, r'data-series="[1-9]', "a plot without series")
        for n in self.topo.nodes:
            self.assertIn(f"<td>{n.name}</td>", dom)
        self.assertNotIn("no forwarder is scraped", dom)
        self.assertEqual(dom.count('<span class="ok">up</span>'), len(self.topo.nodes), "every forwarder up")
        shot = Path(os.environ.get("REDBOX_SCREENSHOTS", STATE_DIR / "log")) / "console.png"
        self.chromium(url, pin, "--virtual-time-budget=8000", f"--screenshot={shot}")
        self.assertGreater(shot.stat().st_size, 10_000)
        print(f"\n  console: {shot}", flush=True)
        # The browser refuses a console whose certificate is not the one it was told to trust,
        # and the console shows nothing without the login.
        other = self.spki(self.state.certs_dir / "forwarder-hq.crt")
        self.assertNotIn("redbox fleet", self.chromium(url, other, "--dump-dom"))
        self.assertNotIn("redbox fleet", self.chromium(url.replace(f"{password}@", "guess@"), pin, "--dump-dom"))

    def test_5_a_kiosk_turns_red_on_the_console_when_it_is_cut_off(self):
        mon = self.topo.monitoring
        url = (f"https://{monitoring.OPERATOR}:{monitoring.operator_password(self.state)}@{mon.host}:{mon.port}"
               "/consoles/fleet.html")
        pin = self.spki(self.state.certs_dir / "prometheus.crt")
        helper = Path(os.environ["REDBOX_FORWARDER"]).parent / "kiosk_helper"
        with tempfile.TemporaryDirectory(dir="/var/tmp") as storage:
            kiosk = subprocess.Popen([str(helper), "beat", "west-rb1", "2", storage, "120", "2"],
                                     stdout=subprocess.PIPE, text=True)
            try:
                kiosk_id = kiosk.stdout.readline().split()[1]
                tile = f'id="kiosk-{kiosk_id}"'
                t0 = time.monotonic()
                wait_for(f"{kiosk_id} green on the console",
                         lambda: f'class="kiosk ok" {tile}' in self.chromium(url, pin, "--dump-dom"), timeout=60, every=2)
                print(f"\n  {kiosk_id} green {time.monotonic() - t0:.1f} s after it started", flush=True)
                beat = self.query(f'redbox_kiosk_heartbeat_every_seconds{{kiosk="{kiosk_id}"}}')
                self.assertEqual(float(beat[0]["value"][1]), 2.0)
            finally:
                kiosk.kill()   # cut off: it beats no more
                kiosk.wait()
                kiosk.stdout.close()
            t1 = time.monotonic()
            wait_for(f"{kiosk_id} red on the console",
                     lambda: f'class="kiosk silent" {tile}' in self.chromium(url, pin, "--dump-dom"), timeout=90, every=2)
            print(f"  {kiosk_id} red {time.monotonic() - t1:.1f} s after it was cut off (3 beats of 2 s missed)", flush=True)
            shot = Path(os.environ.get("REDBOX_SCREENSHOTS", STATE_DIR / "log")) / "console-kiosk-silent.png"
            self.chromium(url, pin, f"--screenshot={shot}")

    def test_6_an_operator_lists_and_retries_parked_hops_and_reads_the_alerts(self):
        from redboxnet import db
        r = net("forwarder", "stop", "west-rb1")   # nothing carries the hop while the test holds it
        self.assertEqual(r.returncode, 0, r.stderr)
        hop = None
        try:
            with db.node_conn(self.state, "west-rb1") as conn, conn.cursor() as cur:
                cur.execute("INSERT INTO redbox.outbox (event_id, kind, dest, payload, attempts, last_error, parked_at) "
                            "VALUES (gen_random_uuid(), 'monitoring_test', 'west', '{}', 5, "
                            "'west refused it: a test of parked hops', now()) RETURNING hop_id")
                hop = cur.fetchone()[0]
                conn.commit()
            r = net("hops", "parked", "west-rb1", "--json")
            self.assertEqual(r.returncode, 0, r.stderr)
            mine = [h for h in json.loads(r.stdout) if h["hop_id"] == hop]
            self.assertEqual(len(mine), 1)
            self.assertEqual(mine[0]["error"], "west refused it: a test of parked hops")
            self.assertIn("west refused it", net("hops", "parked").stdout)
            r = net("hops", "retry", "west-rb1", "--hop", str(hop))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("1 parked hop(s) back in line", r.stdout)
            with db.node_conn(self.state, "west-rb1") as conn, conn.cursor() as cur:
                cur.execute("SELECT parked_at IS NULL FROM redbox.outbox WHERE hop_id = %s", (hop,))
                self.assertTrue(cur.fetchone()[0])
            self.assertIn("0 parked hop(s)", net("hops", "retry", "west-rb1", "--hop", str(hop)).stdout)
            for bad, words in ((["hops", "retry"], "needs the NODE"), (["hops", "retry", "west-rb1", "--hop", "0"], "hop id"),
                               (["hops", "parked", "nowhere"], "no node named 'nowhere'")):
                r = net(*bad)
                self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
                self.assertIn(words, r.stderr)
                self.assertNotIn("Traceback", r.stderr)
        finally:
            if hop is not None:
                with db.node_conn(self.state, "west-rb1") as conn, conn.cursor() as cur:
                    cur.execute("DELETE FROM redbox.outbox WHERE hop_id = %s", (hop,))
                    conn.commit()
            r = net("forwarder", "start", "west-rb1", "--forwarder", os.environ["REDBOX_FORWARDER"])
            self.assertEqual(r.returncode, 0, r.stderr)
        # The alerts from a terminal: the stopped forwarder's, as Prometheus saw it.
        r = net("alerts", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIsInstance(json.loads(r.stdout), list)

    def test_7_nothing_without_the_token_or_the_login(self):
        token = monitoring.token_file(self.state).read_text().strip()
        self.assertEqual(self.scrape("hq", None)[0], 401)
        self.assertEqual(self.scrape("hq", token[:-1] + ("x" if token[-1] != "x" else "y"))[0], 401)
        # The endpoint's certificate is the network CA's: a client that trusts only the system's refuses it.
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.scrape("hq", token, context=ssl.create_default_context())
        # Plain HTTP on the forwarder's and Prometheus's ports gets no HTTP answer.
        for host, port in (self.topo.node("hq").metrics_address.rsplit(":", 1),
                           (self.topo.monitoring.host, str(self.topo.monitoring.port))):
            with socket.create_connection((host, int(port)), timeout=5) as s:
                s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                s.settimeout(3)
                try:
                    answer = s.recv(200)
                except (socket.timeout, ConnectionResetError):
                    answer = b""
                self.assertFalse(answer.startswith(b"HTTP/1.1 200"), answer)
        # Prometheus: no login, a wrong one.
        self.assertEqual(monitoring.request(self.state, "/api/v1/query", {"query": "up"}, password="")[0], 401)
        self.assertEqual(monitoring.request(self.state, "/api/v1/query", {"query": "up"}, password="guess")[0], 401)
        self.assertEqual(monitoring.request(self.state, "/consoles/fleet.html", password="guess")[0], 401)


if __name__ == "__main__":
    unittest.main(verbosity=2)

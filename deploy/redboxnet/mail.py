"""Receipts that arrive: the SMTP relay and each coast's mail service (redbox-mailer).

The topology's [mail] names the relay. A simulated one (Debian's aiosmtpd, STARTTLS with
a certificate from the network's CA, every message kept in STATE/mail/Maildir) is started
by `up` on this machine, like the forwarders; each coast's mail service claims the
receipts queued at its coast and hands them to the relay, as the server user, with the
mailer role's password file. On real hosts the relay is the operator's (for example the
host's exim4, relaying to the smarthost)."""
from __future__ import annotations

import email
import email.policy
import os
from pathlib import Path

from . import procs, render, tls
from .payments import find_binary
from .state import State

RELAY = "smtp-relay"
AIOSMTPD = "/usr/bin/python3"


class MailError(Exception):
    pass


def service_name(node: str) -> str:
    return f"mailer-{node}"


def maildir(state: State) -> Path:
    return state.root / "mail" / "Maildir"


def start_all(state: State, beside: str | None = None) -> None:
    m = state.topo.mail
    if m is None:
        return
    if m.simulated:
        start_relay(state)
    for node in state.topo.coasts():
        if procs.read_pid(state, service_name(node.name), "redbox-mailer"):
            continue
        start_service(state, node.name, beside)
        print(f"  mail      {node.name:18} started (relay {m.url()})", flush=True)


def start_relay(state: State) -> int:
    """The simulated relay: aiosmtpd, requiring STARTTLS, writing each message to the Maildir."""
    m = state.topo.mail
    pid = procs.read_pid(state, RELAY, "aiosmtpd")
    if pid:
        return pid
    if not Path(AIOSMTPD).exists():
        raise MailError("the simulated SMTP relay needs Debian's python3-aiosmtpd (deploy/install-deps installs it)")
    uid, gid = state.ids()
    crt, key = tls.ensure_cert(state, RELAY, [m.host], (uid, gid))
    box = maildir(state)
    for d in (box.parent, box, box / "cur", box / "new", box / "tmp"):
        d.mkdir(mode=0o700, exist_ok=True)
        os.chown(d, uid, gid)
    if not procs.port_free(m.host, m.port):
        raise procs.PortBusy(f"{m.host}:{m.port} (the SMTP relay) is taken by {procs.port_owner(m.port)}")
    pid = procs.start_daemon(state, RELAY, [
        AIOSMTPD, "-m", "aiosmtpd", "-n", "-l", f"{m.host}:{m.port}", "--tlscert", str(crt), "--tlskey", str(key),
        "-c", "aiosmtpd.handlers.Mailbox", str(box)])
    try:
        procs.wait_until(lambda: not procs.port_free(m.host, m.port), 20, "the simulated SMTP relay to listen")
    except TimeoutError as e:
        raise TimeoutError(f"{e}\n{procs.log_tail(state.log_dir / (RELAY + '.log'))}") from None
    print(f"  mail      (simulated relay)  started on {m.url()}, messages in {box}", flush=True)
    return pid


def stop_relay(state: State) -> bool:
    pid = procs.read_pid(state, RELAY, "aiosmtpd")
    if pid:
        procs.stop_pid(pid, timeout=10)
    state.pidfile(RELAY).unlink(missing_ok=True)
    return pid is not None


def start_service(state: State, node: str, beside: str | None = None) -> int:
    pid = procs.read_pid(state, service_name(node), "redbox-mailer")
    if pid:
        return pid
    m = state.topo.mail
    binary = find_binary("redbox-mailer", beside)
    info = render.conninfo(state, node, "mailer", application=f"redbox-mailer {node}")
    return procs.start_daemon(state, service_name(node), [
        str(binary), "--node", node, "--conninfo", info, "--relay", m.url(), "--ca", str(state.ca_cert),
        "--from", m.sender], env={"QT_LOGGING_RULES": "redbox.*.debug=false"})


def stop_all(state: State) -> None:
    for node in state.topo.coasts():
        pid = procs.read_pid(state, service_name(node.name), "redbox-mailer")
        if pid:
            procs.stop_pid(pid, timeout=15)
        state.pidfile(service_name(node.name)).unlink(missing_ok=True)
    stop_relay(state)


def status(state: State) -> list[tuple[str, bool]]:
    if not state.run_dir.exists() or state.topo.mail is None:
        return []
    out = [(f"mail {n.name}", procs.read_pid(state, service_name(n.name), "redbox-mailer") is not None)
           for n in state.topo.coasts() if state.pidfile(service_name(n.name)).exists()]
    if state.pidfile(RELAY).exists():
        out.append(("smtp relay", procs.read_pid(state, RELAY, "aiosmtpd") is not None))
    return out


def messages(state: State) -> list[dict]:
    """What the simulated relay received, oldest first: headers and the text body."""
    box = maildir(state)
    if state.topo.mail is None or not state.topo.mail.simulated:
        raise MailError("only a simulated relay keeps its messages here")
    found = []
    for f in sorted((box / "new").glob("*")) + sorted((box / "cur").glob("*")):
        msg = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        found.append({"file": f.name, "received": f.stat().st_mtime, "message_id": msg["Message-ID"],
                      "from": msg["From"], "to": msg["To"], "subject": msg["Subject"],
                      "body": body.get_content() if body is not None else ""})
    found.sort(key=lambda m: m["received"])
    return found

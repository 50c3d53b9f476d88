"""The network's state folder: where data, configuration and secrets live.

Layout (STATE defaults to /var/lib/redbox-net/<network name>):
  topology.toml        the topology this state was made from
  network.json         public description of the network (no secrets)
  ca/ca.crt            our certificate authority (ca.key is 0600)
  certs/               one certificate per server and etcd member
  secrets/             0600 files: passwords.json, kiosks.json (each kiosk's own logins),
                       one pgpass file per operator role, card.key
  kiosks/KIOSK/        one folder per enrolled kiosk: its configuration and its own
                       credentials, nothing else (what `kiosk enroll` hands the kiosk)
  patroni/             one Patroni YAML per server (0600, owned by the server user)
  data/, etcd/         server and etcd data
  run/                 sockets, pid files
  log/                 daemon logs
Secrets are generated once, never printed, never logged.
"""
from __future__ import annotations

import json
import os
import pwd
import grp
import secrets as pysecrets
import stat
import subprocess
from pathlib import Path
from typing import Optional

from .topology import Topology

# Login roles of every server that the operator's machine keeps a password file for. Kiosks
# and nodes log in with roles of their own (`kiosk.ID`, `verifier.ID`, `node.NAME`): see
# kiosks.py and schema.py.
LOGIN_ROLES = ("postgres", "replicator", "rewinder", "forwarder", "payments", "mailer")
# Per-node secrets besides the login roles': the node's own dblink login at the nodes it links
# to, its pair's Patroni REST API, its pair's etcd scope user; and a red box's ticket key.
NODE_SECRETS = ("link", "patroni", "etcd")


class StateError(Exception):
    pass


class State:
    def __init__(self, topo: Topology, root: Path):
        self.topo = topo
        self.root = root

    # ---- paths -------------------------------------------------------------
    @property
    def ca_dir(self) -> Path: return self.root / "ca"
    @property
    def ca_cert(self) -> Path: return self.ca_dir / "ca.crt"
    @property
    def server_ca_cert(self) -> Path:
        """The CA certificate as the servers see it: here, or in remote_state_dir on their hosts."""
        return self.ca_cert if self.topo.is_local else Path(self.topo.remote_state_dir) / "ca" / "ca.crt"
    @property
    def certs_dir(self) -> Path: return self.root / "certs"
    @property
    def secrets_dir(self) -> Path: return self.root / "secrets"
    @property
    def patroni_dir(self) -> Path: return self.root / "patroni"
    @property
    def data_dir(self) -> Path: return self.root / "data"
    @property
    def etcd_dir(self) -> Path: return self.root / "etcd"
    @property
    def run_dir(self) -> Path: return self.root / "run"
    @property
    def log_dir(self) -> Path: return self.root / "log"
    @property
    def kiosk_dir(self) -> Path: return self.root / "kiosks"

    def socket_dir(self, member: str) -> Path: return self.run_dir / member
    def pg_data(self, member: str) -> Path: return self.data_dir / member
    def patroni_yml(self, member: str) -> Path: return self.patroni_dir / f"{member}.yml"
    def pidfile(self, name: str) -> Path: return self.run_dir / f"{name}.pid"
    def pgpass(self, role: str) -> Path: return self.secrets_dir / f"{role}.pgpass"
    @property
    def card_key_file(self) -> Path: return self.secrets_dir / "card.key"
    @property
    def passwords_file(self) -> Path: return self.secrets_dir / "passwords.json"

    # ---- the OS user the servers run as ------------------------------------
    def ensure_os_user(self) -> tuple[int, int]:
        user = self.topo.os_user
        try:
            pw = pwd.getpwnam(user)
        except KeyError:
            subprocess.run(["useradd", "--system", "--user-group", "--home-dir", "/nonexistent",
                            "--no-create-home", "--shell", "/usr/sbin/nologin", user], check=True)
            pw = pwd.getpwnam(user)
        if pw.pw_uid == 0:
            raise StateError(f"OS user {user} is root; the servers must not run as root")
        return pw.pw_uid, pw.pw_gid

    def ids(self) -> tuple[int, int]:
        pw = pwd.getpwnam(self.topo.os_user)
        return pw.pw_uid, pw.pw_gid

    # ---- folders -----------------------------------------------------------
    def make_dirs(self) -> None:
        uid, gid = self.ensure_os_user()
        # Parents must be traversable by the server user.
        p = self.root
        chain = []
        while p != p.parent and not p.exists():
            chain.append(p)
            p = p.parent
        for d in reversed(chain):
            d.mkdir(mode=0o755)
        os.chmod(self.root, 0o755)
        for d, mode, owner in (
            (self.ca_dir, 0o755, (0, 0)),
            (self.certs_dir, 0o755, (0, 0)),
            (self.secrets_dir, 0o711, (0, 0)),
            (self.patroni_dir, 0o700, (uid, gid)),
            (self.data_dir, 0o700, (uid, gid)),
            (self.etcd_dir, 0o700, (uid, gid)),
            (self.run_dir, 0o755, (uid, gid)),
            (self.log_dir, 0o755, (uid, gid)),
            (self.kiosk_dir, 0o755, (0, 0)),
        ):
            d.mkdir(mode=mode, exist_ok=True)
            os.chown(d, *owner)
            os.chmod(d, mode)
        for s in self.topo.servers():
            sd = self.socket_dir(s.member)
            sd.mkdir(mode=0o755, exist_ok=True)
            os.chown(sd, uid, gid)

    def require_reachable(self) -> None:
        """Before a server or service starts here: its OS user must reach the state folder."""
        uid, gid = self.ids()
        blocked = self.first_closed_folder(self.root, uid, gid)
        if blocked is not None:
            raise StateError(
                f"the servers' OS user {self.topo.os_user} cannot enter {blocked} (mode "
                f"{stat.S_IMODE(blocked.stat().st_mode):o}), so it cannot reach the state folder {self.root}: "
                f"choose a state folder it can reach (--state-dir, for example under /var/tmp)")

    @staticmethod
    def first_closed_folder(path: Path, uid: int, gid: int) -> Optional[Path]:
        """The first folder on the way to PATH that UID (group GID) may not enter, or None."""
        for p in [*reversed(path.parents), path]:
            st = p.stat()
            if st.st_uid == uid:
                bit = stat.S_IXUSR
            elif st.st_gid == gid:
                bit = stat.S_IXGRP
            else:
                bit = stat.S_IXOTH
            if not st.st_mode & bit:
                return p
        return None

    # ---- secrets -----------------------------------------------------------
    def passwords(self) -> dict:
        """Per node, per role passwords; made once, kept in a 0600 file."""
        data: dict = {}
        if self.passwords_file.exists():
            data = json.loads(self.passwords_file.read_text())
        changed = False
        for node in self.topo.nodes:
            roles = data.setdefault(node.name, {})
            for role in LOGIN_ROLES + NODE_SECRETS:
                if role not in roles:
                    roles[role] = pysecrets.token_urlsafe(24)
                    changed = True
            if node.tier == "redbox" and "ticket_key" not in roles:
                roles["ticket_key"] = pysecrets.token_hex(32)
                changed = True
        if "etcd_root" not in data:
            data["etcd_root"] = pysecrets.token_urlsafe(24)
            changed = True
        if "ticket_key" in data:      # the network-wide key of earlier releases
            del data["ticket_key"]
            changed = True
        if changed:
            write_secret(self.passwords_file, json.dumps(data, indent=1) + "\n", 0, 0)
        return data

    def card_key(self) -> str:
        if not self.card_key_file.exists():
            write_secret(self.card_key_file, pysecrets.token_hex(32) + "\n", 0, 0)
        return self.card_key_file.read_text().strip()

    def pgpass_text(self, role: str, nodes=None) -> str:
        """libpq password file lines for ROLE at every server of NODES (default: all)."""
        pw = self.passwords()
        lines = []
        for node in self.topo.nodes:
            if nodes is None or node.name in nodes:
                for s in node.servers:
                    lines.append(f"{s.host}:{s.port}:*:{pgpass_escape(role)}:{pgpass_escape(pw[node.name][role])}")
        return "\n".join(lines) + "\n"

    def write_pgpass_files(self) -> None:
        """One libpq password file per operator role, naming every server of every node.

        Clients point libpq at it (passfile=...), so no password ever appears in a
        connection string, a command line or a log. Files of roles earlier releases had
        (kiosk, verifier, technician, peer: shared by every kiosk) are removed."""
        uid, gid = self.ids()
        for role in LOGIN_ROLES:
            owner = (uid, gid) if role in ("forwarder", "payments", "mailer", "replicator", "rewinder") else (0, 0)
            write_secret(self.pgpass(role), self.pgpass_text(role), *owner)
        for old in ("kiosk", "verifier", "technician", "peer"):
            self.pgpass(old).unlink(missing_ok=True)


def pgpass_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def write_secret(path: Path, content: str, uid: int, gid: int) -> None:
    """Write a file readable only by its owner, atomically, never world-readable even briefly."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchown(fd, uid, gid)
        os.write(fd, content.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def write_public(path: Path, content: str, uid: int = 0, gid: int = 0, mode: int = 0o644) -> bool:
    """Write a non-secret file if its content changed; returns True when it did."""
    if path.exists() and path.read_text() == content:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(content)
    os.chown(tmp, uid, gid)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    return True


def group_name(gid: int) -> str:
    return grp.getgrgid(gid).gr_name

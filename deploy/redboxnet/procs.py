"""Daemons of the network (etcd, Patroni, forwarders): start them as the
server user, track them with pid files, stop them, and check ports."""
from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from .state import State, StateError

PATH = "/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"


class PortBusy(Exception):
    pass


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is not alive for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def read_pid(state: State, name: str, marker: str | None = None) -> int | None:
    """The pid recorded for daemon NAME if that process still runs (and its command line has MARKER)."""
    pf = state.pidfile(name)
    try:
        pid = int(pf.read_text().strip())
    except (OSError, ValueError):
        return None
    if not pid_alive(pid):
        return None
    if marker and marker not in cmdline(pid):
        return None
    return pid


def start_daemon(state: State, name: str, argv: list[str], *, as_server_user: bool = True,
                 env: dict[str, str] | None = None) -> int:
    """Start ARGV detached (own session) with stdout/stderr to log/NAME.log; returns its pid."""
    uid, gid = state.ids()
    if as_server_user:
        state.require_reachable()
    program = Path(argv[0])
    if as_server_user and program.is_absolute() and program.exists():
        # (A bare name, such as etcd, is a system program found on PATH.)
        blocked = state.first_closed_folder(program.resolve(), uid, gid)
        if blocked is not None:
            raise StateError(f"the servers' OS user cannot enter {blocked}, so it cannot run {argv[0]}: "
                             f"build somewhere it can reach (REDBOX_BUILD_DIR, for example under /var/tmp)")
    home = state.run_dir / "home"
    home.mkdir(exist_ok=True)
    os.chown(home, uid, gid)
    base_env = {"HOME": str(home), "PATH": PATH, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC"}
    if env:
        base_env.update(env)
    full = ["env", "-i", *[f"{k}={v}" for k, v in base_env.items()], *argv]
    if as_server_user:
        full = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--init-groups", *full]
    logf = state.log_dir / f"{name}.log"
    with open(logf, "ab") as log:
        os.chown(logf, uid, gid)
        p = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                             start_new_session=True, cwd=str(home))
    state.pidfile(name).write_text(f"{p.pid}\n")
    return p.pid


def stop_pid(pid: int, timeout: float = 30.0, sig: int = signal.SIGTERM) -> bool:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return False


def port_free(host: str, port: int) -> bool:
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            if e.errno == errno.EADDRNOTAVAIL:
                raise PortBusy(f"{host} is not an address of this machine") from None
            raise
    return True


def port_owner(port: int) -> str:
    """Who listens on PORT (for the error message), from ss."""
    try:
        out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "another program"
    out = out.strip()
    if "users:" in out:
        return out.split("users:", 1)[1].strip()
    return "another program"


def postmaster_pid(data_dir: Path) -> int | None:
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    return pid if pid_alive(pid) else None


def log_tail(path: Path, lines: int = 12) -> str:
    """The last LINES lines of a log file, indented, for an error message."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 16384))
            text = f.read().decode(errors="replace")
    except OSError as e:
        return f"    (cannot read {path}: {e.strerror})"
    tail = text.splitlines()[-lines:]
    return "\n".join("    " + line for line in tail) if tail else f"    ({path} is empty)"


def wait_until(predicate, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    last_exc: Exception | None = None
    while time.monotonic() < deadline:
        try:
            v = predicate()
            if v:
                return v
        except Exception as e:  # the predicate's failures are retried until the deadline
            last_exc = e
        time.sleep(interval)
    detail = f" (last error: {last_exc})" if last_exc else ""
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}{detail}")

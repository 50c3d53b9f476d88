"""Our own certificate authority and one certificate per server, made with OpenSSL.

Every PostgreSQL link (kiosk, forwarder, dblink, replication, pg_rewind) uses
sslmode=verify-full against this CA, so each server's certificate names the
host (DNS name or IP address) clients use to reach it.
"""
from __future__ import annotations

import http.client
import ipaddress
import os
import ssl
import subprocess
import tempfile
from pathlib import Path

from .state import State

DAYS = 3650


def _openssl(*args: str) -> None:
    r = subprocess.run(["openssl", *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {r.stderr.strip()}")


def ensure_ca(state: State) -> None:
    key = state.ca_dir / "ca.key"
    if state.ca_cert.exists() and key.exists():
        return
    old = os.umask(0o077)
    try:
        _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-days", str(DAYS), "-subj", f"/CN=redbox-net {state.topo.name} CA",
                 "-keyout", str(key), "-out", str(state.ca_cert),
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    finally:
        os.umask(old)
    os.chmod(key, 0o600)
    os.chmod(state.ca_cert, 0o644)


def _san(hosts: list[str]) -> str:
    parts = []
    for h in dict.fromkeys(hosts):
        try:
            ipaddress.ip_address(h)
            parts.append(f"IP:{h}")
        except ValueError:
            parts.append(f"DNS:{h}")
    return ",".join(parts)


def ensure_cert(state: State, name: str, hosts: list[str], owner: tuple[int, int], client: bool = False) -> tuple[Path, Path]:
    """A key and certificate for NAME valid for HOSTS; kept if already made for the same hosts."""
    crt = state.certs_dir / f"{name}.crt"
    key = state.certs_dir / f"{name}.key"
    san = _san(hosts)
    stamp = state.certs_dir / f"{name}.san"
    if crt.exists() and key.exists() and stamp.exists() and stamp.read_text() == san:
        os.chown(key, *owner)
        return crt, key
    usage = "serverAuth,clientAuth" if client else "serverAuth"
    _issue(state, crt, key, f"/CN={name}", f"subjectAltName={san}\n", usage, owner)
    stamp.write_text(san)
    return crt, key


def _issue(state: State, crt: Path, key: Path, subject: str, extra: str, usage: str, owner: tuple[int, int]) -> None:
    """A new EC key and a certificate of the network's CA for it."""
    with tempfile.TemporaryDirectory() as tmp:
        csr = Path(tmp) / "req.csr"
        ext = Path(tmp) / "ext.cnf"
        ext.write_text(f"{extra}basicConstraints=CA:FALSE\n"
                       f"keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage={usage}\n")
        old = os.umask(0o077)
        try:
            _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-subj", subject, "-keyout", str(key), "-out", str(csr))
            _openssl("x509", "-req", "-in", str(csr), "-CA", str(state.ca_cert), "-CAkey",
                     str(state.ca_dir / "ca.key"), "-CAcreateserial", "-days", str(DAYS),
                     "-extfile", str(ext), "-out", str(crt))
        finally:
            os.umask(old)
    os.chown(key, *owner)
    os.chmod(key, 0o600)
    os.chmod(crt, 0o644)


def etcd_client_name(who: str) -> str:
    return f"etcd-client-{who}"


def ensure_etcd_client_cert(state: State, who: str, owner: tuple[int, int]) -> tuple[Path, Path]:
    """A client certificate for etcd with no common name. With access control on, etcd's JSON
    gateway refuses a client certificate that has one (the gateway cannot pass a CN on as the
    user, so it will not pretend to); without one, the TLS handshake proves the network's CA and
    the user is the one the request logs in as."""
    name = etcd_client_name(who)
    crt = state.certs_dir / f"{name}.crt"
    key = state.certs_dir / f"{name}.key"
    if crt.exists() and key.exists():
        os.chown(key, *owner)
        return crt, key
    _issue(state, crt, key, f"/O=redbox/OU={who}", "", "clientAuth", owner)
    return crt, key


def server_hosts(host: str) -> list[str]:
    """Names a certificate must carry for HOST (loopback servers also answer as localhost)."""
    if host in ("127.0.0.1", "localhost"):
        return ["127.0.0.1", "localhost"]
    return [host]


def https_request(state: State, host: str, port: int, method: str, path: str, headers: dict[str, str],
                  body: bytes | str | None = None, timeout: float = 5.0) -> tuple[int, bytes]:
    """One HTTPS request to a service of the network, its certificate checked against the network's CA."""
    ctx = ssl.create_default_context(cafile=str(state.ca_cert))
    conn = http.client.HTTPSConnection(host, port, context=ctx, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()

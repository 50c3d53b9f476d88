"""Connections from the tool to the servers: TLS verify-full, scram, passwords
from the 0600 pgpass files; parameterised queries only."""
from __future__ import annotations

import contextlib

import psycopg2
import psycopg2.extensions

from . import render
from .state import State
from .topology import Server


def connect_node(state: State, node: str, role: str = "postgres", dbname: str | None = None,
                 timeout: int = 5) -> psycopg2.extensions.connection:
    info = render.conninfo(state, node, role, timeout=timeout)
    if dbname:
        info = info.replace(f"dbname={state.topo.database}", f"dbname={dbname}")
    return psycopg2.connect(info)


def connect_server(state: State, s: Server, role: str = "postgres", dbname: str | None = None,
                   timeout: int = 3) -> psycopg2.extensions.connection:
    return psycopg2.connect(render.server_conninfo(state, s, role, dbname, timeout))


@contextlib.contextmanager
def node_conn(state: State, node: str, role: str = "postgres", dbname: str | None = None, autocommit=False):
    conn = connect_node(state, node, role, dbname)
    conn.autocommit = autocommit
    try:
        yield conn
    finally:
        conn.close()

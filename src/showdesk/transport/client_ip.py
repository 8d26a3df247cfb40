"""The address a request or socket comes from, for per-address limits and the audit log.

The connection's peer, or, when that peer is a trusted reverse proxy (`--forwarded-allow-ips`), the client
the proxy says it forwards: `transport/forwarded.py` has already put it in the scope.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

UNKNOWN = "unknown"


def client_ip(conn: HTTPConnection) -> str:
    """The client address of a request or WebSocket ("unknown" when the server was not told one)."""
    return conn.client.host if conn.client is not None else UNKNOWN

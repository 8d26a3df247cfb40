"""The address a request or socket comes from, for per-address limits and the audit log.

Today the connection's own peer; forwarded headers from a trusted proxy are a later, separate rule.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

UNKNOWN = "unknown"


def client_ip(conn: HTTPConnection) -> str:
    """The peer address of a request or WebSocket ("unknown" when the server was not told one)."""
    return conn.client.host if conn.client is not None else UNKNOWN

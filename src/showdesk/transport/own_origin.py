"""ShowDesk's own public origin: where its own pages (the phone's hand-off page, /h/<code>) are served.

A hand-off's device opens the chat on a page ShowDesk serves itself, not on the deployment's site: its
socket and its calls come from this origin, which only hand-off tokens may use besides the deployment's
allowed origins (docs/security.md). The origin is `--public-origin` when set (behind a proxy), and the
origin the request itself was made to (its scheme and Host, as forwarded.py leaves them) in any case.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

_SCHEMES = {"ws": "http", "wss": "https", "http": "http", "https": "https"}


def public_origin(connection: HTTPConnection, configured: str | None) -> str:
    """The origin links to ShowDesk's own pages use: `--public-origin`, or the one this request reached."""
    if configured:
        return configured.rstrip("/")
    return _request_origin(connection)


def _request_origin(connection: HTTPConnection) -> str:
    url = connection.url
    scheme = _SCHEMES.get(url.scheme, url.scheme)
    return f"{scheme}://{url.netloc}"


def is_own_origin(connection: HTTPConnection, origin: str | None, configured: str | None) -> bool:
    """Whether a page of `origin` is one of ShowDesk's own (exactly: scheme, host and port)."""
    if not origin:
        return False
    own = {_request_origin(connection)}
    if configured:
        own.add(configured.rstrip("/"))
    return origin in own

"""Headers every answer carries, whoever made it (a route, the static files, an error handler).

- Every answer: `X-Content-Type-Options: nosniff`, so a browser takes JSON, scripts and images for what
  they are declared to be and never sniffs them into HTML.
- Every JSON answer of the API and `/oauth/token`: `Cache-Control: no-store` unless it says otherwise;
  they carry tokens, secrets and customers' words, none of which belongs in a cache.
- Every HTML page: `Referrer-Policy: strict-origin-when-cross-origin` (another site learns only that a
  visitor came from this origin, never a path; a same-origin request keeps its `Origin` header, which
  `no-referrer` would turn into `null` on a POST), and a Content-Security-Policy with `frame-ancestors`.
  A page that sets its own policy keeps it (the consoles: no framing; the demo shop: what its widget
  needs); any other gets a strict one allowing exactly its own inline scripts, by hash.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import MutableMapping
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REFERRER_POLICY = "strict-origin-when-cross-origin"
_TOKEN_PATHS = ("/api/", "/oauth/")
_MAX_PAGE_BYTES = 1 << 20  # a page is read whole to hash its inline scripts; ShowDesk's are a few KB

PAGE_CSP = (
    "default-src 'self'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
# Swagger UI's script, style and icon are ShowDesk's own (transport/api_docs.py); the page starts with one
# inline script (by hash), and its style sheet draws icons from data: URIs.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'{scripts}; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)


def inline_script_hashes(html: bytes) -> list[str]:
    """CSP hash sources for the page's inline scripts (import maps included)."""
    found = (hashlib.sha256(m.group(1)).digest() for m in _INLINE_SCRIPT.finditer(html))
    return list(dict.fromkeys(f"'sha256-{base64.b64encode(digest).decode()}'" for digest in found))


def page_policy(path: str, html: bytes, docs_path: str | None) -> str:
    scripts = "".join(" " + source for source in inline_script_hashes(html))
    is_docs = docs_path is not None and (path == docs_path or path.startswith(docs_path + "/"))
    return (DOCS_CSP if is_docs else PAGE_CSP).format(scripts=scripts)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, docs_path: str | None = "/docs") -> None:
        self.app = app
        self.docs_path = docs_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        held: MutableMapping[str, Any] | None = None  # an HTML page's start, until its body is read
        body: list[bytes] = []

        async def with_headers(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                headers.setdefault("x-content-type-options", "nosniff")
                kind = headers.get("content-type", "")
                if kind.startswith("application/json") and path.startswith(_TOKEN_PATHS):
                    headers.setdefault("cache-control", "no-store")
                if kind.startswith("text/html"):
                    headers.setdefault("referrer-policy", REFERRER_POLICY)
                message["headers"] = headers.raw
                if kind.startswith("text/html") and "content-security-policy" not in headers:
                    held = message
                    return
                await send(message)
                return
            if held is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            more = bool(message.get("more_body", False))
            if more and sum(map(len, body)) < _MAX_PAGE_BYTES:
                return
            page = b"".join(body)
            headers = MutableHeaders(raw=held["headers"])
            headers["content-security-policy"] = page_policy(path, page, self.docs_path)
            held["headers"] = headers.raw
            start, held = held, None
            await send(start)
            await send({"type": "http.response.body", "body": page, "more_body": more})

        await self.app(scope, receive, with_headers)

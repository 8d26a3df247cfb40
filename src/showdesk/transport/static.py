"""The front end's files: pages, the SDK (open to every site) and shared assets."""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

WEB = Path(__file__).resolve().parent.parent / "web"


def _source_examples() -> Path | None:
    """The repository's `examples/` when running from a source checkout (src/showdesk/...); an installed
    package has no examples, so nothing is served there."""
    src = Path(__file__).resolve().parents[2]
    examples = src.parent / "examples"
    if src.name == "src" and (src.parent / "pyproject.toml").is_file() and examples.is_dir():
        return examples
    return None


EXAMPLES = _source_examples()

# Console pages may not be framed by any site. Every other page gets a policy from SecurityHeaders
# (transport/security_headers.py) unless it has its own here.
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
# The demo shop's widget may be pointed at other nodes (`?servers=`): it talks to them over HTTP(S) and
# WebSockets. Only the shop itself may frame it.
DEMO_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self' http: https: ws: wss:; object-src 'none'; "
    "frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
)


class SdkFiles(StaticFiles):
    """The SDK is loaded by other sites, so it is served to any origin (without credentials)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_cors(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"access-control-allow-origin", b"*"))
                headers.append((b"cache-control", b"no-cache"))
                message["headers"] = headers
            await send(message)

        await super().__call__(scope, receive, send_with_cors)


class PageFiles(StaticFiles):
    """Pages and their files, with the folder's content security policy (None: SecurityHeaders' default).
    `cors`: served to any origin too (the shared modules the drop-in widget imports onto other sites)."""

    def __init__(self, *, directory: Path, csp: str | None, cors: bool = False) -> None:
        super().__init__(directory=directory, html=True)
        self._csp = csp
        self._cors = cors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"cache-control", b"no-cache"))
                if self._csp:
                    headers.append((b"content-security-policy", self._csp.encode()))
                if self._cors:
                    headers.append((b"access-control-allow-origin", b"*"))
                message["headers"] = headers
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


def mount_web(app: FastAPI) -> None:
    app.mount("/sdk", SdkFiles(directory=WEB / "sdk"), name="sdk")
    app.mount("/static", PageFiles(directory=WEB / "static", csp=None, cors=True), name="static")
    for page in ("agent", "admin", "supervisor"):
        app.mount(f"/{page}", PageFiles(directory=WEB / page, csp=CONSOLE_CSP), name=page)
    app.mount("/demo", PageFiles(directory=WEB / "demo", csp=DEMO_CSP), name="demo")
    if EXAMPLES is not None:
        # Same origin as the server, so the demo deployment's allowed origins admit the examples.
        app.mount("/examples", PageFiles(directory=EXAMPLES, csp=None), name="examples")

    for page in ("agent", "admin", "supervisor", "demo"):
        app.add_api_route(f"/{page}", lambda page=page: RedirectResponse(f"/{page}/"), include_in_schema=False)

    @app.get("/", include_in_schema=False)
    async def landing() -> FileResponse:
        return FileResponse(WEB / "index.html", headers={"cache-control": "no-cache"})

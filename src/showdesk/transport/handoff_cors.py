"""Cross-origin access to the hand-off routes (/api/v2/webchat/handoffs...), for the SDK on the shop's site.

Every answer, refusals included, echoes the caller's `Origin` (never `*` with credentials: there are none;
the SDK sends its guest token in `Authorization`), so the SDK reads a refusal's words. Making a hand-off
still needs the chat's guest token, and the route refuses an origin that is neither the chat's
deployment's nor ShowDesk's own (routes/handoffs.py); redeeming needs only the one-time code.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

HANDOFF_PATHS = "/api/v2/webchat/handoffs"
_PREFLIGHT = [
    (b"access-control-allow-methods", b"POST"),
    (b"access-control-allow-headers", b"authorization, content-type"),
    (b"access-control-max-age", b"600"),
]


class HandoffCors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = _origin(scope) if scope["type"] == "http" else None
        path: str = scope.get("path", "")
        if origin is None or not (path == HANDOFF_PATHS or path.startswith(HANDOFF_PATHS + "/")):
            await self.app(scope, receive, send)
            return
        cors = [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]
        if scope["method"] == "OPTIONS":
            await send({"type": "http.response.start", "status": 204, "headers": cors + _PREFLIGHT})
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_cors(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + cors
            await send(message)

        await self.app(scope, receive, with_cors)


def _origin(scope: Scope) -> bytes | None:
    for key, value in scope["headers"]:
        if key == b"origin":
            return bytes(value)
    return None

"""Cross-origin access to a chat's photos, for the SDK on the shop's own site.

Only the origins the chat's web-chat deployment allows are let in, each echoed exactly (never `*`,
never an arbitrary origin), without credentials: the SDK sends its guest token in `Authorization`.
Every other path, and a request without an `Origin`, passes through untouched.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from showdesk.services.container import Services

PHOTO_PATH = re.compile(r"^/api/v2/conversations/([^/]+)/photos(?:/[^/]+)?$")
_ALLOW_METHODS = b"GET, POST, OPTIONS"
_ALLOW_HEADERS = b"authorization, content-type, x-photo-request"


class PhotoCors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        match = PHOTO_PATH.match(scope["path"])
        origin = _header(scope, b"origin")
        if match is None or origin is None:
            await self.app(scope, receive, send)
            return
        allowed = await self._allowed(scope, match.group(1), origin)
        if scope["method"] == "OPTIONS":
            await _preflight(send, origin if allowed else None)
            return

        async def with_cors(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"vary", b"Origin"))
                if allowed:
                    headers.append((b"access-control-allow-origin", origin.encode()))
                    headers.append((b"access-control-expose-headers", b"content-disposition"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_cors)

    @staticmethod
    async def _allowed(scope: Scope, conversation_id: str, origin: str) -> bool:
        sd: Services | None = getattr(scope["app"].state, "services", None)
        if sd is None:
            return False
        return await sd.chat.origin_allowed(conversation_id, origin)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _preflight(send: Send, origin: str | None) -> None:
    if origin is None:
        body = orjson.dumps({"code": "origin_not_allowed", "message": "this origin may not use this chat's photos"})
        headers = [(b"content-type", b"application/json"), (b"vary", b"Origin")]
        await send({"type": "http.response.start", "status": 403, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    headers = [
        (b"access-control-allow-origin", origin.encode()),
        (b"access-control-allow-methods", _ALLOW_METHODS),
        (b"access-control-allow-headers", _ALLOW_HEADERS),
        (b"access-control-max-age", b"600"),
        (b"vary", b"Origin"),
    ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})

"""Request bodies capped before they are read: by `Content-Length` at once, and byte by byte as they stream.

Which cap applies is decided from the request line and headers alone:
- no token (or sign-in itself: `/api/v2/auth/login`, `/oauth/token`): a few KB (`--max-anonymous-body-bytes`),
  so a stranger can make the server hold no more than that;
- a photo upload: the photo size limit (`--max-upload-bytes`);
- a flow document: the flow size limit (`--max-flow-bytes`);
- anything else: `--max-body-bytes`.
An answer over the cap is 413 `{code, message}` and the connection is closed, so the rest of a large
body is never read.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ANONYMOUS_PATHS = frozenset({"/api/v2/auth/login", "/oauth/token"})
PHOTO_UPLOAD = re.compile(r"/api/v2/conversations/[^/]+/photos(?:/stills|/attachments)?")  # photo, still, attachment
FLOW_PATHS = re.compile(r"/api/v2/flows(?:/validate)?")


@dataclass(frozen=True)
class BodyLimits:
    general: int
    anonymous: int
    upload: int
    flow: int

    def for_request(self, scope: Scope) -> tuple[int, str]:
        """The cap for this request, and the error code a refusal carries."""
        path = scope["path"]
        if path in ANONYMOUS_PATHS or not any(name == b"authorization" for name, _ in scope["headers"]):
            return self.anonymous, "too_large"
        if scope["method"] == "POST" and PHOTO_UPLOAD.fullmatch(path):
            return self.upload, "photo_too_large"  # the code docs/protocol.md gives photo uploads
        if FLOW_PATHS.fullmatch(path):
            return self.flow, "too_large"
        return self.general, "too_large"


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: refuse a body over its cap before (or as soon as) it is read."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, code = self.limits.for_request(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            # A body a little over is read and dropped by the server after the answer, so that a client
            # still sending gets to read it (closing on unread bytes resets the connection); a far larger
            # one is not worth reading.
            message = f"the request body is {declared} bytes; the limit here is {limit} bytes"
            await _refuse(send, code, message, close=declared > 2 * limit)
            return
        received = 0
        over = False
        started = False

        async def counted() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    raise _BodyTooLarge
            return message

        async def answer(message: MutableMapping[str, Any]) -> None:
            # Once the body has gone over, whatever the route answers (a framework may turn the read
            # error into a 400) is replaced by the 413.
            nonlocal started
            if over:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _refuse(send, code, _streamed(limit), close=True)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, answer)
        except _BodyTooLarge:
            if not started:
                started = True
                await _refuse(send, code, _streamed(limit), close=True)


def _streamed(limit: int) -> str:
    return f"the request body is over the limit here of {limit} bytes"


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _refuse(send: Send, code: str, message: str, close: bool) -> None:
    body = orjson.dumps({"code": code, "message": message})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:  # the server stops reading: the rest of the body is never taken in
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})

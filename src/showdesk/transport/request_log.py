"""One log line per HTTP request and per WebSocket's life, each with a request id.

- A request: `request` with `method`, `path` (its query string with secret values redacted),
  `status`, `duration_ms`, `client` (transport/client_ip.py), `request_id`, and `user_id` once a token
  was read.
- A socket: `socket opened`, then what it became (`socket authenticated` with the agent's `user_id`,
  `socket started` / `socket resumed` with the chat's `conversation_id`), then `socket closed` with
  the close `code` (the client's or the server's) and `duration_ms`.

The request id is the client's `X-Request-Id` (a reverse proxy's) when it is short and plain, else a
new one; it is sent back in `X-Request-Id` (on a WebSocket, in the handshake's answer), and bound in
context variables so every other line logged while serving it carries it too. Nothing here logs a
header's, a body's or a frame's content.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
import uuid

import structlog
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from showdesk.transport.access_log import redact
from showdesk.transport.client_ip import client_ip

HEADER = b"x-request-id"
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_SCOPE_KEY = "showdesk.log"
_LAST_READ = 0.2  # seconds to wait for a close the app did not read

requests_log = structlog.get_logger("showdesk.requests")
sockets_log = structlog.get_logger("showdesk.sockets")


def request_id_of(scope: Scope) -> str:
    """The client's X-Request-Id if it is short and plain (letters, digits, `._:-`), else a new one."""
    for name, value in scope.get("headers", ()):
        if name == HEADER:
            given = value.decode("latin-1")
            return given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex
    return uuid.uuid4().hex


class LogContext:
    """What is known of the request or socket being served: its id, then who and which chat."""

    def __init__(self, request_id: str) -> None:
        self.fields: dict[str, str] = {"request_id": request_id}

    def bind(self, **fields: str) -> None:
        self.fields.update(fields)
        structlog.contextvars.bind_contextvars(**fields)

    def socket_event(self, event: str, **fields: str) -> None:
        """`socket <event>` (authenticated, started, resumed), its fields kept for the socket's later lines."""
        self.bind(**fields)
        sockets_log.info(f"socket {event}", **self.fields)


def log_context(conn: HTTPConnection) -> LogContext:
    """The request's or socket's log context (a detached one when served without RequestLog)."""
    found = conn.scope.get(_SCOPE_KEY)
    return found if isinstance(found, LogContext) else LogContext(uuid.uuid4().hex)


def _path(scope: Scope) -> str:
    query = scope.get("query_string", b"")
    path: str = scope.get("path", "")
    return redact(f"{path}?{query.decode('latin-1')}") if query else redact(path)


def _with_id(message: Message, request_id: str) -> Message:
    headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != HEADER]
    return {**message, "headers": [*headers, (HEADER, request_id.encode())]}


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        context = LogContext(request_id_of(scope))
        scope[_SCOPE_KEY] = context
        with structlog.contextvars.bound_contextvars(request_id=context.fields["request_id"]):
            if scope["type"] == "http":
                await self._request(scope, receive, send, context)
            else:
                await self._socket(scope, receive, send, context)

    async def _request(self, scope: Scope, receive: Receive, send: Send, context: LogContext) -> None:
        began = time.perf_counter()
        status = 500  # unless an answer starts: an exception that escapes becomes uvicorn's 500

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message = _with_id(message, context.fields["request_id"])
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            requests_log.info(
                "request",
                method=scope.get("method", ""),
                path=_path(scope),
                status=status,
                duration_ms=round((time.perf_counter() - began) * 1000, 1),
                client=client_ip(HTTPConnection(scope)),
                **context.fields,
            )

    async def _socket(self, scope: Scope, receive: Receive, send: Send, context: LogContext) -> None:
        began = time.perf_counter()
        opened = False
        code: int | None = None  # the first close, whoever sent it

        async def answer(message: Message) -> None:
            nonlocal opened, code
            if message["type"] == "websocket.accept":
                message = _with_id(message, context.fields["request_id"])
                opened = True
                sockets_log.info(
                    "socket opened",
                    path=scope.get("path", ""),
                    client=client_ip(HTTPConnection(scope)),
                    **context.fields,
                )
            elif message["type"] == "websocket.close" and code is None:
                code = int(message.get("code", 1000))
            await send(message)

        async def listen() -> Message:
            nonlocal code
            message = await receive()
            if message["type"] == "websocket.disconnect" and code is None:
                code = int(message.get("code", 1005))
            return message

        try:
            await self.app(scope, listen, answer)
        finally:
            if opened and code is None:  # the app stopped reading (a write failed): the client's close is queued
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(listen(), _LAST_READ)
            if opened:
                sockets_log.info(
                    "socket closed",
                    code=code if code is not None else 1000,  # still open: the server closes it normally
                    duration_ms=round((time.perf_counter() - began) * 1000, 1),
                    **context.fields,
                )

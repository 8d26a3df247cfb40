"""Slow and greedy clients at the connection level, below the ASGI app: uvicorn's HTTP protocol with
a header timeout, a body timeout, a cap on header bytes, and a cap on connections per client address.

uvicorn closes an idle keep-alive connection (`timeout_keep_alive`) but has no timer while a request
arrives: a client that sends half its headers, or its headers and then no body, holds a connection
(and a socket, and memory) for ever. Here every connection has one timer:
- from connect, or from the first byte of a next request, until the headers are complete (`header_timeout`);
- then, while the body arrives, between two reads of it (`body_timeout`; not counted while the app
  itself has paused reading);
- none while the app answers, and none once it is a WebSocket (those have their own idle watchdog).
A connection whose timer runs out is closed. Headers larger than `max_header_bytes` are answered 431.

Connections are counted per peer address, WebSockets included (the count moves with the socket at the
upgrade); one over `per_ip` is answered 503 and closed at once, before anything is read. Behind a
reverse proxy every connection comes from the proxy: connections from a trusted proxy
(`--forwarded-allow-ips`) are not counted, and the proxy limits its own clients.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.auto import AutoWebSocketsProtocol

from showdesk.transport.forwarded import TrustedProxies


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float
    body_timeout: float
    max_header_bytes: int
    per_ip: int  # 0: no cap
    uncapped: TrustedProxies = field(default_factory=TrustedProxies)  # proxies: many clients behind one address


class OpenConnections:
    """How many connections each peer address has open."""

    def __init__(self, per_ip: int) -> None:
        self.per_ip = per_ip
        self._open: dict[str, int] = {}

    def take(self, ip: str) -> bool:
        count = self._open.get(ip, 0)
        if self.per_ip and count >= self.per_ip:
            return False
        self._open[ip] = count + 1
        return True

    def give_back(self, ip: str) -> None:
        count = self._open.get(ip, 0) - 1
        if count > 0:
            self._open[ip] = count
        else:
            self._open.pop(ip, None)


def _response(status: bytes, code: str, message: str) -> bytes:
    body = orjson.dumps({"code": code, "message": message})
    head = b"HTTP/1.1 %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n"
    return head % (status, len(body)) + body


TOO_MANY = _response(
    b"503 Service Unavailable",
    "too_many_connections",
    "too many connections from your address at once: close some and try again",
)
HEADERS_TOO_LARGE = _response(
    b"431 Request Header Fields Too Large", "headers_too_large", "the request's headers are too large"
)


def protocols(limits: ConnectionLimits) -> tuple[type[asyncio.Protocol], type[asyncio.Protocol]]:
    """The HTTP and WebSocket protocol classes for `uvicorn.Config(http=..., ws=...)`, sharing one count."""
    counts = OpenConnections(limits.per_ip)

    class CountedWebSocket(AutoWebSocketsProtocol):  # type: ignore[misc, valid-type]
        """uvicorn's WebSocket protocol, giving the address's slot back when the socket ends."""

        slot: str | None = None

        def connection_lost(self, exc: Exception | None) -> None:
            super().connection_lost(exc)
            if self.slot is not None:
                counts.give_back(self.slot)
                self.slot = None

    class GuardedHttp(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._timer: asyncio.TimerHandle | None = None
            self._slot: str | None = None
            self._in_head = True  # the request line and headers are still arriving
            self._head_bytes = 0

        # the connection ---------------------------------------------------------------------------
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if self.client is not None and not limits.uncapped.trusts(self.client[0]):
                if not counts.take(self.client[0]):
                    self._refuse(TOO_MANY)
                    return
                self._slot = self.client[0]
            self._arm(limits.header_timeout)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            if self._slot is not None:
                counts.give_back(self._slot)
                self._slot = None
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self._timer is None and not self._in_head and (self.cycle is None or self.cycle.response_complete):
                self._arm(limits.header_timeout)  # bytes between requests: the next request's clock runs
            super().data_received(data)
            if self._in_head and not self.transport.is_closing():
                self._head_bytes += len(data)
                if self._head_bytes > limits.max_header_bytes:
                    self._refuse(HEADERS_TOO_LARGE)

        def handle_websocket_upgrade(self) -> None:
            self._disarm()
            super().handle_websocket_upgrade()
            socket = self.transport.get_protocol()
            if isinstance(socket, CountedWebSocket):  # the slot is the socket's now
                socket.slot, self._slot = self._slot, None

        # the parser's callbacks -------------------------------------------------------------------
        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._in_head = True
            self._head_bytes = 0
            if self._timer is None:
                self._arm(limits.header_timeout)

        def on_headers_complete(self) -> None:
            self._in_head = False
            super().on_headers_complete()
            self._arm(limits.body_timeout)  # until the body is complete (at once when there is none)

        def on_body(self, body: bytes) -> None:
            self._arm(limits.body_timeout)
            super().on_body(body)

        def on_message_complete(self) -> None:
            self._disarm()
            super().on_message_complete()

        # the timer --------------------------------------------------------------------------------
        def _arm(self, seconds: float) -> None:
            self._disarm()
            self._timer = self.loop.call_later(seconds, self._too_slow)

        def _disarm(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _too_slow(self) -> None:
            self._timer = None
            if not self._in_head and self.flow is not None and self.flow.read_paused:
                self._arm(limits.body_timeout)  # the app has not read what came: the client is not late
                return
            self.transport.close()

        def _refuse(self, answer: bytes) -> None:
            self._disarm()
            self.transport.write(answer)
            self.transport.close()

    return GuardedHttp, CountedWebSocket

"""A socket's frames leave in order whether its buffer has room or a write has to wait."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from showdesk.transport import ws_connection
from showdesk.transport.ws_connection import Connection
from tests.support.waiting import eventually, settle


class SlowSocket:
    """Stands in for the ASGI socket: a write waits while `room` is clear, as uvicorn's does."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.room = asyncio.Event()
        self.room.set()
        self.closed_with: int | None = None
        self.application_state = None

    async def send_text(self, text: str) -> None:
        await self.room.wait()
        self.sent.append(orjson.loads(text))

    async def close(self, code: int, reason: str) -> None:
        self.closed_with = code


async def test_frames_are_written_at_once_while_there_is_room() -> None:
    sock = SlowSocket()
    conn = Connection(sock)  # type: ignore[arg-type]
    conn.send({"type": "a"})
    conn.send({"type": "b"})
    assert [f["type"] for f in sock.sent] == ["a", "b"]  # no task, no loop trip


async def test_frames_behind_a_waiting_write_keep_their_order() -> None:
    sock = SlowSocket()
    conn = Connection(sock)  # type: ignore[arg-type]
    conn.send({"type": "1"})
    sock.room.clear()
    for kind in ("2", "3", "4"):
        conn.send({"type": kind})
    await settle()
    assert [f["type"] for f in sock.sent] == ["1"]
    sock.room.set()
    await eventually(lambda: len(sock.sent) == 4)
    conn.send({"type": "5"})
    await eventually(lambda: len(sock.sent) == 5)
    assert [f["type"] for f in sock.sent] == ["1", "2", "3", "4", "5"]


async def test_a_reader_too_slow_for_its_outbox_is_dropped(monkeypatch: Any) -> None:
    monkeypatch.setattr(ws_connection, "OUTBOX_LIMIT", 3)
    sock = SlowSocket()
    sock.application_state = ws_connection.WebSocketState.CONNECTED
    conn = Connection(sock)  # type: ignore[arg-type]
    sock.room.clear()
    for i in range(5):
        conn.send({"type": str(i)})
    await eventually(lambda: sock.closed_with is not None)
    assert conn.closed and sock.closed_with == 1013
    await conn.shutdown()

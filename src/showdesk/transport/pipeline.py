"""Chat messages from one agent socket (many conversations), in flight together.

A socket's message frames do not wait for each other's commit: each is handed to the message
writer in the order it arrived (the part of posting that runs before the writer's queue never
suspends), and its ack goes out when its batch commits. Other frames still run one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

from showdesk.domain.errors import ShowDeskError
from showdesk.transport.ws_connection import Connection

MAX_IN_FLIGHT = 64


class MessagePipeline:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._in_flight: set[asyncio.Task[None]] = set()

    async def submit(self, posting: Coroutine[Any, Any, None], ref: Any) -> None:
        if len(self._in_flight) >= MAX_IN_FLIGHT:  # back-pressure on a flooding client
            await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
        task = asyncio.create_task(self._run(posting, ref))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _run(self, posting: Coroutine[Any, Any, None], ref: Any) -> None:
        try:
            await posting
        except ShowDeskError as exc:
            self._conn.send_error(exc, ref=ref)

    async def drain(self) -> None:
        """Let messages already handed over finish (they are acknowledged if the socket still lives)."""
        if self._in_flight:
            with contextlib.suppress(Exception):
                await asyncio.wait(self._in_flight, timeout=10)

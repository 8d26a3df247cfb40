"""One WebSocket, either side: frame parsing with clear errors, an outbox, heartbeat timeouts.

A frame is written at once when the socket's buffer has room (the usual case: no task, no trip
through the event loop). When a write has to wait, that write and every later frame go through a
bounded outbox drained by a writer task, in order, so a slow reader never blocks the publisher (and a
reader too slow for its outbox is disconnected, not waited for).
Silence is found by one watchdog per socket that looks at the time of the last frame, rather than
a timer around every receive (which would cost a task per frame).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from showdesk.domain.errors import ShowDeskError
from showdesk.services import eager

MAX_FRAME_BYTES = 64 * 1024  # `serve --max-frame-bytes`: uvicorn refuses a larger message itself (close 1009)
OUTBOX_LIMIT = 2000
IDLE_TIMEOUT = 45.0

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_IDLE = 4408
CLOSE_REPLACED = 4409  # a newer socket of the same guest took the chat over
CLOSE_TRY_AGAIN = 1013  # the server cannot serve this socket just now (routing is changing hands)


def error_ref(frame: dict[str, Any]) -> Any:
    """What an error answers: the message's client id when it is one, else the frame's type."""
    client_id = frame.get("clientId")
    if isinstance(client_id, str) and 0 < len(client_id) <= 64:
        return client_id
    return str(frame["type"])[:40]  # never a long field echoed back


class Connection:
    def __init__(
        self, ws: WebSocket, idle_timeout: float = IDLE_TIMEOUT, max_frame_bytes: int = MAX_FRAME_BYTES
    ) -> None:
        self.ws = ws
        self._idle_timeout = idle_timeout
        self._max_frame_bytes = max_frame_bytes
        self._outbox: deque[dict[str, Any]] = deque()
        self._writer: asyncio.Task[None] | None = None  # only while a write waits for buffer room
        self._watchdog: asyncio.Task[None] | None = None
        self._overflow: asyncio.Task[None] | None = None
        self._last_frame = 0.0
        self.closed = False

    async def open(self) -> None:
        await self.ws.accept()
        self._last_frame = asyncio.get_running_loop().time()
        self._watchdog = asyncio.create_task(self._watch())

    def send(self, frame: dict[str, Any]) -> None:
        if self.closed:
            return
        if self._writer is not None:  # a write is waiting: keep the order, queue behind it
            if len(self._outbox) >= OUTBOX_LIMIT:  # too slow to read: drop the socket, the client resumes
                self.closed = True
                self._writer.cancel()
                self._overflow = asyncio.create_task(self._hard_close(1013, "too slow to read"))
                return
            self._outbox.append(frame)
            return
        try:
            paused = eager.start(self.ws.send_text(orjson.dumps(frame).decode()))
        except Exception:
            self.closed = True
            return
        if paused is not None:
            self._writer = asyncio.create_task(self._write(paused))

    def send_error(self, exc: ShowDeskError, ref: Any = None) -> None:
        frame = {"type": "error", "code": exc.code, "message": exc.message, "ref": ref}
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            frame["retryAfterMs"] = round(retry_after * 1000)
        self.send(frame)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Flush what is queued, then close."""
        writer = self._writer
        if writer is not None and not self.closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(writer), 5)
        self.closed = True
        await self._hard_close(code, reason)

    async def shutdown(self) -> None:
        self.closed = True
        for task in (self._writer, self._watchdog):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _hard_close(self, code: int, reason: str) -> None:
        if self.ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await self.ws.close(code, reason[:120])

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while not self.closed:
            await asyncio.sleep(self._idle_timeout / 3)
            if loop.time() - self._last_frame > self._idle_timeout:
                await self.close(CLOSE_IDLE, "no frame for too long")
                return

    async def _write(self, paused: eager.Paused) -> None:
        """Finish the write that had to wait, then the frames queued behind it."""
        try:
            await eager.finish(paused)
            while self._outbox and not self.closed:
                frame = self._outbox.popleft()
                await self.ws.send_text(orjson.dumps(frame).decode())
        except Exception:
            self.closed = True
        finally:
            self._writer = None

    async def frames(self) -> AsyncIterator[dict[str, Any]]:
        """Parsed client frames. Malformed ones are answered with an error and skipped."""
        while not self.closed:
            try:
                message = await self.ws.receive()
            except (WebSocketDisconnect, RuntimeError):
                return
            if message["type"] == "websocket.disconnect":
                return
            self._last_frame = asyncio.get_running_loop().time()
            frame = self._parse(message)
            if frame is not None:
                yield frame

    async def first_frame(self) -> dict[str, Any] | None:
        async for frame in self.frames():
            return frame
        return None

    def _parse(self, message: MutableMapping[str, Any]) -> dict[str, Any] | None:
        text = message.get("text")
        if text is None:
            self._reject("binary_frame", "frames must be JSON text")
            return None
        if len(text) > self._max_frame_bytes:  # only under a server not given the limit (tests, other servers)
            self._reject("frame_too_large", f"frames may be at most {self._max_frame_bytes} bytes")
            return None
        try:
            frame = orjson.loads(text)
        except orjson.JSONDecodeError:
            self._reject("invalid_json", "the frame is not valid JSON")
            return None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            self._reject("invalid_frame", "a frame must be a JSON object with a string 'type'")
            return None
        return frame

    def _reject(self, code: str, message: str) -> None:
        self.send({"type": "error", "code": code, "message": message, "ref": None})

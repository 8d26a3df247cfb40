"""Which conversations have a customer's socket open on this node, and the grace a vanished one gets.

A page that goes away says so (`videoStop` with `page_left`) and its video ends at once. A socket that
just drops (a network change, a half-open connection finally timing out) may be followed by the same
page on a new socket: its video is ended only when no socket of that conversation came back within the
grace, so an ICE restart after a network change is not cut short by the chat connection's own renewal.
The new socket may be on another node (the SDK tries the next of its server URLs): every resume is
announced on the bus (`CustomerBack`), and a node counting down for that chat stops.

One guest, one socket: a resume with the same guest token (another tab, or a socket opened while an old
one hangs half-open) replaces the older socket, on whichever node it is: the older one is told
(`session_replaced`) and closed with 4409, and the SDK does not reconnect it.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

VIDEO_GRACE_SECONDS = 5.0


class Replaceable(Protocol):
    """A customer's socket as this registry sees it."""

    socket_id: str
    token_id: str

    async def replaced(self) -> None: ...


class GuestPresence:
    def __init__(self, grace: float = VIDEO_GRACE_SECONDS) -> None:
        self._grace = grace
        self._open: Counter[str] = Counter()
        self._sockets: dict[str, set[Replaceable]] = {}  # conversation id -> its customer's sockets here
        self._pending: set[asyncio.Task[None]] = set()
        self._back: dict[str, float] = {}  # conversation id -> when its customer last resumed on any node

    def opened(self, conversation_id: str) -> None:
        self._open[conversation_id] += 1

    def closed(self, conversation_id: str, gone: Callable[[str], Awaitable[None]]) -> None:
        """The socket of `conversation_id` closed: `gone` runs after the grace unless another is open then."""
        self._open[conversation_id] -= 1
        if self._open[conversation_id] <= 0:
            del self._open[conversation_id]
            task = asyncio.get_running_loop().create_task(self._after_grace(conversation_id, gone, time.monotonic()))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    def joined(self, conversation_id: str, socket: Replaceable) -> None:
        """`socket` carries the customer's chat now (it may be replaced by a newer one of the same guest)."""
        self._sockets.setdefault(conversation_id, set()).add(socket)

    def left(self, conversation_id: str, socket: Replaceable) -> None:
        sockets = self._sockets.get(conversation_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._sockets[conversation_id]

    async def on_customer_back(self, frame: dict[str, Any]) -> None:
        """A customer resumed on some node (this one too): an older socket here of the same guest token is
        replaced (4409); the resume is remembered for as long as a grace may need it."""
        for socket in list(self._sockets.get(str(frame.get("conversationId")), ())):
            if socket.token_id == frame.get("tokenId") and socket.socket_id != frame.get("socketId"):
                await socket.replaced()
        now = time.monotonic()
        self._back[str(frame.get("conversationId"))] = now
        if len(self._back) > 1000:
            self._back = {cid: at for cid, at in self._back.items() if now - at < 2 * self._grace}

    async def _after_grace(self, conversation_id: str, gone: Callable[[str], Awaitable[None]], closed: float) -> None:
        await asyncio.sleep(self._grace)
        if self._back.get(conversation_id, 0.0) > closed:
            return  # resumed on a node, maybe another one: its video goes on there
        if self._open[conversation_id] <= 0:
            self._open.pop(conversation_id, None)
            await gone(conversation_id)

    def cancel(self) -> None:
        for task in self._pending:
            task.cancel()

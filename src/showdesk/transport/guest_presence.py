"""Which conversations have a customer's socket open on this node, and the grace a vanished one gets.

A page that goes away says so (`videoStop` with `page_left`) and its video ends at once. A socket that
just drops (a network change, a half-open connection finally timing out) may be followed by the same
page on a new socket: its video is ended only when no socket of that conversation came back within the
grace, so an ICE restart after a network change is not cut short by the chat connection's own renewal.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable

VIDEO_GRACE_SECONDS = 5.0


class GuestPresence:
    def __init__(self, grace: float = VIDEO_GRACE_SECONDS) -> None:
        self._grace = grace
        self._open: Counter[str] = Counter()
        self._pending: set[asyncio.Task[None]] = set()

    def opened(self, conversation_id: str) -> None:
        self._open[conversation_id] += 1

    def closed(self, conversation_id: str, gone: Callable[[str], Awaitable[None]]) -> None:
        """The socket of `conversation_id` closed: `gone` runs after the grace unless another is open then."""
        self._open[conversation_id] -= 1
        if self._open[conversation_id] <= 0:
            del self._open[conversation_id]
            task = asyncio.get_running_loop().create_task(self._after_grace(conversation_id, gone))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _after_grace(self, conversation_id: str, gone: Callable[[str], Awaitable[None]]) -> None:
        await asyncio.sleep(self._grace)
        if self._open[conversation_id] <= 0:
            self._open.pop(conversation_id, None)
            await gone(conversation_id)

    def cancel(self) -> None:
        for task in self._pending:
            task.cancel()

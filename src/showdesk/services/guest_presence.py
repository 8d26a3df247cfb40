"""Which conversations have a customer's socket open on this node, and the grace a vanished one's video gets.

A page that goes away says so (`videoStop` with `page_left`) and its video ends at once. A socket that
just drops (a network change, a half-open connection finally timing out) may be followed by the same
page on a new socket: its video is ended only when no socket of that conversation came back within the
grace, so an ICE restart after a network change is not cut short by the chat connection's own renewal.
The new socket may be on another node (the SDK tries the next of its server URLs): every resume is
announced on the bus (`CustomerBack`), and a node counting down for that chat stops.

One guest, one socket: a resume with the same guest token (another tab, or a socket opened while an old
one hangs half-open) replaces the older socket, on whichever node it is: the older one is told
(`session_replaced`) and closed with 4409, and the SDK does not reconnect it.

Routing hears of every page too (`ChatService.page_opened` / `page_closed`): a waiting chat whose customer
is gone longer than its own grace leaves the line.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol

from showdesk.services.chat import ChatService
from showdesk.services.ports import Clock, Timer
from showdesk.services.video import VideoService

VIDEO_GRACE_SECONDS = 15.0  # the default of the `video_grace` setting: a short network drop and its reconnect
REMEMBERED_RESUMES = 1000  # resumes remembered before the ones older than any grace are forgotten


class CustomerSocket(Protocol):
    """A customer's socket as presence sees it."""

    socket_id: str
    token_id: str  # the guest token's id (its jti)

    async def replaced(self) -> None:
        """A newer socket of the same guest took over: tell this one's page, and close it (4409)."""
        ...


class GuestPresence:
    def __init__(
        self, clock: Clock, chat: ChatService, video: VideoService, grace: float = VIDEO_GRACE_SECONDS
    ) -> None:
        self._clock = clock
        self._chat = chat
        self._video = video
        self._grace = grace
        self._open: Counter[str] = Counter()
        self._sockets: dict[str, set[CustomerSocket]] = {}  # conversation id -> its customer's sockets here
        self._timers: set[Timer] = set()
        self._back: dict[str, float] = {}  # conversation id -> when its customer last resumed on any node
        self.counting = 0  # graces counting down on this node, or deciding (for /metrics, and tests' waits)
        self.outcomes: Counter[str] = Counter()  # how graces ended: back (a socket of the chat came back) | gone

    async def opened(self, conversation_id: str, socket: CustomerSocket) -> str | None:
        """`socket` carries the customer's chat now (a newer one of the same guest may replace it); routing's
        name for it, or None when routing could not be told (see ChatService.page_opened)."""
        self._open[conversation_id] += 1
        self._sockets.setdefault(conversation_id, set()).add(socket)
        return await self._chat.page_opened(conversation_id)

    async def closed(self, conversation_id: str, socket: CustomerSocket, page: str | None) -> None:
        """That socket closed: its video ends after the grace unless another socket of the chat is open then,
        here or on another node."""
        sockets = self._sockets.get(conversation_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self._sockets[conversation_id]
        self._open[conversation_id] -= 1
        if self._open[conversation_id] <= 0:
            del self._open[conversation_id]
            closed_at = self._clock.monotonic()
            self.counting += 1
            self._timers = {t for t in self._timers if not t.fired}
            self._timers.add(self._clock.call_later(self._grace, lambda: self._after_grace(conversation_id, closed_at)))
        await self._chat.page_closed(conversation_id, page)

    async def on_customer_back(self, frame: dict[str, Any]) -> None:
        """A customer resumed on some node (this one too; `CustomerBack` on the bus): an older socket here of
        the same guest token is replaced (4409); the resume is remembered for as long as a grace may need it."""
        conversation_id = str(frame.get("conversationId"))
        for socket in list(self._sockets.get(conversation_id, ())):
            if socket.token_id == frame.get("tokenId") and socket.socket_id != frame.get("socketId"):
                await socket.replaced()
        now = self._clock.monotonic()
        self._back[conversation_id] = now
        if len(self._back) > REMEMBERED_RESUMES:
            self._back = {cid: at for cid, at in self._back.items() if now - at < 2 * self._grace}

    async def _after_grace(self, conversation_id: str, closed_at: float) -> None:
        try:
            if self._back.get(conversation_id, float("-inf")) > closed_at or self._open[conversation_id] > 0:
                self.outcomes["back"] += 1  # resumed on a node, maybe another one: its video goes on there
                return
            self._open.pop(conversation_id, None)
            self.outcomes["gone"] += 1
            await self._video.customer_left(conversation_id)
        finally:
            self.counting -= 1

    async def close(self) -> None:
        for timer in list(self._timers):
            await timer.stop()

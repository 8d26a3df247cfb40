"""Typing indicators: one side of a connected chat says it is typing, the other side is told; nothing is stored.

Clients say `typing` with `active: true` while their person types (again every few seconds while it
goes on) and `active: false` when they stop or send. Each socket's frames are paced (`TypingPace`): at
most one start per `TYPING_EVERY` seconds per chat, and a stop only after a start, so a client that
floods typing frames costs the other side at most two frames in that time. A typing frame for a chat
without an agent yet, or one that has just ended, is dropped without an error: there is nobody to tell,
and the person typing has done nothing wrong.
"""

from __future__ import annotations

from showdesk.domain.conversation import ConversationState
from showdesk.domain.errors import Conflict
from showdesk.domain.events import Typing
from showdesk.domain.permissions import Permission
from showdesk.services.access import AccessService, Principal
from showdesk.services.conversation_access import agents_conversation
from showdesk.services.ports import Bus, Clock, ConversationStore
from showdesk.services.publishing import publish
from showdesk.services.tokens import GuestClaims

TYPING_EVERY = 2.0  # seconds between two relayed starts of one socket in one chat
PACED_CHATS = 256  # chats a socket's pace remembers (an agent's socket holds several)


class TypingPace:
    """Which of one socket's typing frames are relayed (see the module's docstring)."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[bool, float]] = {}  # chat -> (typing now, when the last start went)

    def allows(self, conversation_id: str, active: bool, now: float) -> bool:
        typing, started = self._last.get(conversation_id, (False, float("-inf")))
        if not active:
            if not typing:
                return False  # nothing was started: nothing to stop
            self._last[conversation_id] = (False, started)
            return True
        if now - started < TYPING_EVERY:
            return False
        if conversation_id not in self._last and len(self._last) >= PACED_CHATS:
            self._last.clear()
        self._last[conversation_id] = (True, now)
        return True


class TypingService:
    def __init__(self, store: ConversationStore, bus: Bus, clock: Clock, access: AccessService) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock
        self._access = access

    # The pace is asked first: a flood of typing frames costs no reads of the store.
    async def customer(self, claims: GuestClaims, active: bool, pace: TypingPace) -> None:
        if not pace.allows(claims.conversation_id, active, self._clock.monotonic()):
            return
        conv = await self._store.get_conversation(claims.conversation_id)
        if conv is None or conv.state != ConversationState.CONNECTED.value:
            return  # no agent to tell yet, or any more
        await publish(self._bus, Typing(conv.id, side="customer", active=active))

    async def agent(self, principal: Principal, conversation_id: str | None, active: bool, pace: TypingPace) -> None:
        current = await self._access.require(principal, Permission.CHAT_ANSWER)
        if not pace.allows(conversation_id or "", active, self._clock.monotonic()):
            return
        try:
            conv = await agents_conversation(self._store, current, conversation_id)
        except Conflict:
            return  # the chat ended meanwhile: nobody to tell
        await publish(self._bus, Typing(conv.id, side="agent", active=active))

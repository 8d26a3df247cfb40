"""Seen receipts: one side's page has shown the other side's messages, the other side is told; nothing is stored.

A client says `seen` with `upTo`, the seq of the latest message of the other side its page has shown (the
document visible, and on the agent's desktop the chat in focus). The customer's reaches the chat's agent,
the agent's reaches the customer. Each socket's receipts are paced (`SeenPace`): at most one per
`SEEN_EVERY` seconds per chat, and only one that goes further than the last, so a flood costs the other side
at most one frame in that time. A receipt for a chat without an agent yet, or one that has just ended, is
dropped without an error: there is nobody to tell.

Relayed only, never stored: keeping each side's mark on the conversation would be a write (a migration, a
row lock beside the message writer's) for every message read; a page that reloads shows "Seen" again with
the other side's next receipt.
"""

from __future__ import annotations

from showdesk.domain.conversation import Conversation, ConversationState
from showdesk.domain.errors import Conflict, InvalidInput
from showdesk.domain.events import Seen
from showdesk.domain.permissions import Permission
from showdesk.services.access import AccessService, Principal
from showdesk.services.conversation_access import agents_conversation
from showdesk.services.ports import Bus, Clock, ConversationStore
from showdesk.services.publishing import publish
from showdesk.services.tokens import GuestClaims

SEEN_EVERY = 1.0  # seconds between two relayed receipts of one socket in one chat
PACED_CHATS = 256  # chats a socket's pace remembers (an agent's socket holds several)


class SeenPace:
    """Which of one socket's receipts are relayed (see the module's docstring)."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[int, float]] = {}  # chat -> (the last seq told, when)

    def allows(self, conversation_id: str, up_to: int, now: float) -> bool:
        told, at = self._last.get(conversation_id, (0, float("-inf")))
        if up_to <= told or now - at < SEEN_EVERY:
            return False
        if conversation_id not in self._last and len(self._last) >= PACED_CHATS:
            self._last.clear()
        self._last[conversation_id] = (up_to, now)
        return True


def _seq(up_to: int | None) -> int:
    if up_to is None or up_to < 1:
        raise InvalidInput("upTo must be the seq of a message of the chat", code="invalid_seen")
    return up_to


def _within(conv: Conversation, up_to: int) -> None:
    if up_to > conv.last_seq:
        raise InvalidInput("upTo names no message of this chat yet", code="invalid_seen")


class SeenService:
    def __init__(self, store: ConversationStore, bus: Bus, clock: Clock, access: AccessService) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock
        self._access = access

    # The pace is asked first: a flood of receipts costs no reads of the store.
    async def customer(self, claims: GuestClaims, up_to: int | None, pace: SeenPace) -> None:
        seq = _seq(up_to)
        if not pace.allows(claims.conversation_id, seq, self._clock.monotonic()):
            return
        conv = await self._store.get_conversation(claims.conversation_id)
        if conv is None or conv.state != ConversationState.CONNECTED.value:
            return  # no agent to tell yet, or any more
        _within(conv, seq)
        await publish(self._bus, Seen(conv.id, side="customer", up_to=seq))

    async def agent(self, principal: Principal, conversation_id: str | None, up_to: int | None, pace: SeenPace) -> None:
        current = await self._access.require(principal, Permission.CHAT_ANSWER)
        seq = _seq(up_to)
        if not pace.allows(conversation_id or "", seq, self._clock.monotonic()):
            return
        try:
            conv = await agents_conversation(self._store, current, conversation_id)
        except Conflict:
            return  # the chat ended meanwhile: nobody to tell
        _within(conv, seq)
        await publish(self._bus, Seen(conv.id, side="agent", up_to=seq))

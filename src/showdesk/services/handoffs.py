"""Laptop to phone: a customer's chat handed to another device of theirs with a one-time code.

Only the chat's own customer makes a hand-off (their guest token names the chat), while the chat is
open, and no more than `handoffs_per_chat` of them. Redeeming the code gives the other device a guest
token of its own (a device id and kind in its claims), so both devices stay in the chat: a newer socket
of the same device still replaces an older one (guest_presence.py), the other device's does not. When
the device's socket joins, the chat hears a `handoff` event. The agent may suggest the phone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from showdesk.domain.conversation import Conversation
from showdesk.domain.errors import Conflict, Gone, NotFound
from showdesk.domain.events import HandoffEvent, PhoneSuggested
from showdesk.domain.handoff import EXPIRED, UNKNOWN, USED, Handoff, check_code, code_digest, device_kind, new_code
from showdesk.domain.ids import new_id
from showdesk.domain.notices import Notice
from showdesk.domain.permissions import Permission
from showdesk.domain.rate_limit import RateLimited, Rule
from showdesk.services.access import AccessService, Principal
from showdesk.services.conversation_access import agents_conversation
from showdesk.services.messages import MessageService
from showdesk.services.ports import Bus, Clock, ConversationStore, HandoffStore, Limiter
from showdesk.services.publishing import publish
from showdesk.services.settings import ServiceSettings
from showdesk.services.tokens import GuestClaims, TokenCodec

ENDED = "This chat has ended, so it cannot move to another device. You can start a new chat there."
SUGGESTION = (
    "The agent suggests showing this on your phone's camera: choose \u201cUse my phone's camera\u201d "
    "and scan the code with your phone."
)


class HandoffStores(HandoffStore, ConversationStore, Protocol):
    """What hand-offs read and write: the hand-offs and the chats they belong to."""


@dataclass(frozen=True)
class MadeHandoff:
    code: str  # given out once, never stored
    handoff: Handoff


@dataclass(frozen=True)
class Redeemed:
    """What the other device needs to join the chat."""

    token: str
    conversation: Conversation
    device: str
    device_id: str


class HandoffService:
    def __init__(
        self,
        store: HandoffStores,
        bus: Bus,
        clock: Clock,
        tokens: TokenCodec,
        messages: MessageService,
        access: AccessService,
        settings: ServiceSettings,
        limiter: Limiter,
    ) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock
        self._tokens = tokens
        self._messages = messages
        self._access = access
        self._settings = settings
        self._limiter = limiter
        self._redeems_per_address = Rule("handoff_redeem_address", settings.handoff_redeems_per_address, 60.0)

    async def create(self, claims: GuestClaims) -> MadeHandoff:
        """A new one-time code for the customer's own chat (the one their token names), while it is open."""
        conv = await self._store.get_conversation(claims.conversation_id)
        if conv is None or conv.organization_id != claims.organization_id:
            raise NotFound("this chat does not exist", code="conversation_not_found")
        if conv.is_ended:
            raise Conflict(ENDED, code="chat_ended")
        limit = self._settings.handoffs_per_chat
        if await self._store.count_handoffs(conv.id) >= limit:
            raise Conflict(
                f"This chat has made {limit} links for another device, the most it may. "
                "Use one of them, or start a new chat on the other device.",
                code="handoff_limit",
            )
        code = new_code()
        handoff = Handoff.create(
            code, conv.id, conv.organization_id, conv.deployment_id, self._clock.now(), self._settings.handoff_ttl
        )
        await self._store.save_handoff(handoff)
        return MadeHandoff(code, handoff)

    async def find(self, code: str | None) -> Handoff | None:
        """The hand-off a code names, used or not (for the phone's page), or None."""
        try:
            return await self._store.get_handoff(code_digest(check_code(code)))
        except NotFound:
            return None

    async def redeem(self, code: str | None, device: str | None, client_address: str | None = None) -> Redeemed:
        """The code's chat on a new device, once: a used, expired or unknown code is refused in words, and of
        two devices redeeming at once one gets the chat and the other `handoff_used`. Every try counts against
        the address's limit, so nobody tries codes by the thousand (they are 128 random bits besides)."""
        if client_address is not None:
            wait = await self._limiter.hit(self._redeems_per_address, client_address)
            if wait > 0:
                raise RateLimited(
                    f"too many codes were tried from your address just now; please try again in {math.ceil(wait)} "
                    "seconds",
                    retry_after=wait,
                )
        handoff = await self._store.get_handoff(code_digest(check_code(code)))
        if handoff is None:
            raise NotFound(UNKNOWN, code="handoff_not_found")
        now = self._clock.now()
        handoff.refuse_redeem(now)
        conv = await self._store.get_conversation(handoff.conversation_id)
        if conv is None:
            raise NotFound(UNKNOWN, code="handoff_not_found")
        if conv.is_ended:
            raise Gone(ENDED, code="chat_ended")
        kind = device_kind(device)
        if not await self._store.redeem_handoff(handoff.id, now, kind):
            latest = await self._store.get_handoff(handoff.id)
            if latest is not None and latest.redeemed_at is None:
                raise Gone(EXPIRED, code="handoff_expired")
            raise Gone(USED, code="handoff_used")
        token = self._tokens.guest_token(
            conv.id,
            conv.organization_id,
            conv.deployment_id,
            conv.customer_name,
            now,
            self._settings.guest_token_ttl,
            device=(device_id := new_id("d"), kind),
        )
        # Once per link: the agent (and the transcript) learn the chat goes on on another device.
        await self._messages.post_system(
            conv.id, f"The customer opened this chat on their {kind} too.", Notice("device_joined", {"device": kind})
        )
        return Redeemed(token, conv, kind, device_id)

    async def device_joined(self, claims: GuestClaims) -> None:
        """A socket of a handed-off device joined its chat: the customer's other device is told."""
        if claims.handed_off:
            await publish(
                self._bus,
                HandoffEvent(claims.conversation_id, state="opened", device=claims.device, device_id=claims.device_id),
            )

    async def suggest_phone(self, principal: Principal, conversation_id: str | None) -> None:
        """The agent of the chat (and only they) suggests the customer's phone: a line in the chat and a
        `phoneSuggested` event the customer's widget offers the hand-off on."""
        current = await self._access.require(principal, Permission.CHAT_ANSWER)
        conv = await agents_conversation(self._store, current, conversation_id)
        await self._messages.post_system(conv.id, SUGGESTION, Notice("phone_suggested"))
        await publish(self._bus, PhoneSuggested(conv.id, text=SUGGESTION))

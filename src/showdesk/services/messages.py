"""Storing and announcing chat messages: persist first, then publish, then the caller acks."""

from __future__ import annotations

from typing import Any

from showdesk.domain.conversation import Message, NewMessage, Sender, check_client_id, check_message_text
from showdesk.domain.events import MessageEvent
from showdesk.domain.ids import new_id
from showdesk.domain.notices import Notice
from showdesk.services.ports import Bus, Clock, ConversationStore
from showdesk.services.publishing import publish


class MessageService:
    def __init__(self, store: ConversationStore, bus: Bus, clock: Clock) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock

    async def post(
        self,
        conversation_id: str,
        sender: Sender,
        sender_id: str | None,
        display_name: str,
        client_id: str | None,
        text: str | None,
        attachment: dict[str, Any] | None = None,
        notice: Notice | None = None,
    ) -> Message:
        """Store the message (once per client id) and announce it; returns the stored message.

        A resend of a stored client id returns the stored message and announces nothing new.
        """
        new = NewMessage(
            conversation_id=conversation_id,
            sender=sender.value,
            sender_id=sender_id,
            display_name=display_name,
            text=check_message_text(text),
            client_id=check_client_id(client_id),
            created_at=self._clock.now(),
            attachment=attachment,
            notice=notice.to_wire() if notice is not None else None,
        )
        message, created = await self._store.append_message(new)
        if created:
            await publish(self._bus, MessageEvent(conversation_id, message=message))
        return message

    async def post_system(self, conversation_id: str, text: str, notice: Notice | None = None) -> Message:
        """A line in ShowDesk's own voice: `text` in English for the agent and the record, `notice` for the
        customer's widget to say it in the customer's language."""
        return await self.post(conversation_id, Sender.SYSTEM, None, "ShowDesk", new_id("sys"), text, notice=notice)

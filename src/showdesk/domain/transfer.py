"""Transfer: the chat's agent hands a connected chat to another queue or to a named agent, with a note
for whoever takes it next. The chat waits again (as early in line as it first was: its customer has
waited already), its transcript, photos and video records stay with it, and a live video ends (its
picture was the first agent's): the customer reads why, and when the new queue takes no video, that no
video is possible there (the seed's trap: video offered where nobody can answer it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from showdesk.domain.conversation import Conversation, ConversationState
from showdesk.domain.errors import Conflict, InvalidInput
from showdesk.domain.queues import Channel, Queue
from showdesk.domain.timestamps import wire_time

MAX_TRANSFER_NOTE_CHARS = 1000
MAX_TRANSFERS = 20  # a chat passed on more often than this is going round in circles

# What the customer's video reads when a transfer ends it.
VIDEO_ENDS_FOR_TRANSFER = (
    "The video ended because the chat is being transferred. The next agent can ask to see it again."
)
VIDEO_ENDS_NO_VIDEO_QUEUE = "The video ended because {queue}, where the chat is being transferred, does not take video."


@dataclass(frozen=True)
class Transfer:
    from_agent_id: str
    from_agent_name: str
    queue_id: str
    queue_name: str
    to_agent_id: str | None
    to_agent_name: str | None
    note: str | None
    at: datetime

    def record(self) -> dict[str, Any]:
        """As kept with the conversation and shown to staff."""
        return {
            "fromAgentId": self.from_agent_id,
            "fromAgentName": self.from_agent_name,
            "queueId": self.queue_id,
            "queueName": self.queue_name,
            "toAgentId": self.to_agent_id,
            "toAgentName": self.to_agent_name,
            "note": self.note,
            "at": wire_time(self.at),
        }

    @property
    def customer_text(self) -> str:
        where = self.to_agent_name or self.queue_name
        return f"You are being transferred to {where}. Please stay in the chat; your messages stay with it."

    @property
    def notice_params(self) -> dict[str, Any]:
        if self.to_agent_name is not None:
            return {"to": "agent", "name": self.to_agent_name}
        return {"to": "queue", "name": self.queue_name}


def transfer_from_record(record: dict[str, Any]) -> Transfer:
    """A transfer as it crossed the bus (Transfer.record) read back."""
    return Transfer(
        from_agent_id=str(record["fromAgentId"]),
        from_agent_name=str(record["fromAgentName"]),
        queue_id=str(record["queueId"]),
        queue_name=str(record["queueName"]),
        to_agent_id=record.get("toAgentId"),
        to_agent_name=record.get("toAgentName"),
        note=record.get("note"),
        at=datetime.fromisoformat(str(record["at"]).replace("Z", "+00:00")),
    )


def pending_transfer(conv: Conversation) -> dict[str, Any] | None:
    """The transfer that put the chat where it waits now (nobody has taken it since), if any."""
    if not conv.transfers or conv.connected_at is not None or conv.is_ended:
        return None
    return conv.transfers[-1]


def transferred_to(conv: Conversation) -> str | None:
    """The named agent a waiting chat was transferred to, until someone takes it."""
    pending = pending_transfer(conv)
    agent = pending.get("toAgentId") if pending else None
    return agent if isinstance(agent, str) else None


def check_transfer(conv: Conversation, from_agent_id: str, note: str | None) -> str | None:
    """The chat may be transferred by its agent now; the note as kept (trimmed, None when empty)."""
    if conv.state != ConversationState.CONNECTED.value or conv.agent_id != from_agent_id:
        raise Conflict("only a connected chat of your own can be transferred", code="not_your_conversation")
    if len(conv.transfers or []) >= MAX_TRANSFERS:
        raise Conflict(f"this chat has been transferred {MAX_TRANSFERS} times already", code="too_many_transfers")
    text = (note or "").strip()
    if len(text) > MAX_TRANSFER_NOTE_CHARS:
        raise InvalidInput(
            f"the transfer note is longer than {MAX_TRANSFER_NOTE_CHARS} characters", code="transfer_note_too_long"
        )
    return text or None


def video_words_for(queue: Queue) -> tuple[str, str]:
    """How a live video ends when its chat goes to `queue`: the reason code and the sentence."""
    if queue.supports(Channel.VIDEO):
        return "transferred", VIDEO_ENDS_FOR_TRANSFER
    return "queue_without_video", VIDEO_ENDS_NO_VIDEO_QUEUE.format(queue=queue.name)


def apply_transfer(conv: Conversation, transfer: Transfer) -> None:
    """The chat waits again, in its new queue, without an agent; a queue without video makes it a chat
    that cannot go video (its Start Video settings are dropped)."""
    conv.move_to(ConversationState.QUEUED)
    conv.agent_id = None
    conv.connected_at = None
    conv.queue_id = transfer.queue_id
    conv.transfers = [*(conv.transfers or []), transfer.record()]

"""Conversations and their messages, with the state machine routing walks them through.

queued -> offered -> connected -> ended
   ^         |           |
   +---------+-----------+   (offer timed out or declined; agent lost)
queued / offered -> ended    (the customer left first)
queued / offered -> abandoned (the customer's page was gone from the line for too long)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from showdesk.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, ShowDeskError
from showdesk.domain.timestamps import wire_time

MAX_MESSAGE_CHARS = 4000
MAX_CLIENT_ID_CHARS = 64


class ConversationState(StrEnum):
    QUEUED = "queued"
    OFFERED = "offered"
    CONNECTED = "connected"
    ENDED = "ended"
    ABANDONED = "abandoned"  # left the line without a customer: nobody was ever connected


class Sender(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


_ALLOWED: dict[ConversationState, set[ConversationState]] = {
    ConversationState.QUEUED: {ConversationState.OFFERED, ConversationState.ENDED, ConversationState.ABANDONED},
    ConversationState.OFFERED: {
        ConversationState.QUEUED,
        ConversationState.CONNECTED,
        ConversationState.ENDED,
        ConversationState.ABANDONED,
    },
    ConversationState.CONNECTED: {ConversationState.QUEUED, ConversationState.ENDED},
    ConversationState.ENDED: set(),
    ConversationState.ABANDONED: set(),
}
FINAL_STATES = (ConversationState.ENDED.value, ConversationState.ABANDONED.value)  # nothing happens after them


@dataclass
class Conversation:
    id: str
    organization_id: str
    deployment_id: str
    customer_name: str
    created_at: datetime
    state: str = ConversationState.QUEUED.value
    flow_id: str | None = None
    queue_id: str | None = None
    agent_id: str | None = None
    enqueued_at: datetime | None = None
    connected_at: datetime | None = None
    ended_at: datetime | None = None
    ended_by: str | None = None
    end_reason: str | None = None  # why, when not simply by who: "abandoned"
    video: dict[str, Any] | None = None  # Start Video settings from the flow, None when not video-capable
    last_seq: int = 0
    wrapup_code_id: str | None = None  # the wrap-up its agent chose after it ended (domain.wrapup)
    wrapup_name: str | None = None  # the code's name when it was chosen (a code renamed later keeps it)
    wrapup_note: str | None = None
    wrapped_up_at: datetime | None = None
    transfers: list[dict[str, Any]] | None = None  # each transfer's record (domain.transfer.Transfer.record)
    customer_info: dict[str, Any] | None = None  # what the site and browser told (domain.customer_info)
    customer_ref: str | None = None  # the site's own id for the customer, matched within the organization

    @property
    def is_ended(self) -> bool:
        return self.state in FINAL_STATES

    def move_to(self, target: ConversationState) -> None:
        current = ConversationState(self.state)
        if target not in _ALLOWED[current]:
            raise Conflict(
                f"conversation {self.id} is {current.value} and cannot become {target.value}",
                code="conversation_state",
            )
        self.state = target.value


@dataclass(frozen=True)
class Message:
    id: str
    conversation_id: str
    seq: int
    sender: str
    sender_id: str | None
    display_name: str
    text: str
    client_id: str
    created_at: datetime
    attachment: dict[str, Any] | None = None  # a photo's description (domain.photos.Photo.attachment)
    notice: dict[str, Any] | None = None  # a system line's code and parameters (domain.notices.Notice)

    def to_wire(self) -> dict[str, Any]:
        """The message as clients see it. Built once per message (it is sent to several sockets);
        callers must not change the dict they get."""
        wire: dict[str, Any] | None = self.__dict__.get("_wire")
        if wire is None:
            wire = {
                "id": self.id,
                "seq": self.seq,
                "from": self.sender,
                "text": self.text,
                "at": wire_time(self.created_at),
                "displayName": self.display_name,
                "clientId": self.client_id,
            }
            if self.attachment is not None:
                wire["photo"] = self.attachment
            if self.notice is not None:
                wire["notice"] = self.notice
            self.__dict__["_wire"] = wire
        return wire


@dataclass
class NewMessage:
    """A message about to be stored; the store gives it its id and sequence number."""

    conversation_id: str
    sender: str
    sender_id: str | None
    display_name: str
    text: str
    client_id: str
    created_at: datetime
    attachment: dict[str, Any] | None = None
    notice: dict[str, Any] | None = None

    def stored_as(self, message_id: str, seq: int) -> Message:
        # Every chat message passes here on its way back from the store: fill the frozen dataclass's fields in
        # one step rather than through its __init__ (a guarded setattr per field, four times slower).
        message = object.__new__(Message)
        fields = message.__dict__
        fields.update(vars(self))
        fields["id"] = message_id
        fields["seq"] = seq
        return message


def refuse_message(new: NewMessage, state: str | None, agent_id: str | None) -> ShowDeskError | None:
    """Why a conversation in `state` (None: it does not exist) with `agent_id` cannot take `new`, if it can't.

    System notices may always be added; customers and agents only write into open chats, and an
    agent only into their own.
    """
    if state is None:
        return NotFound(f"conversation {new.conversation_id} does not exist", code="conversation_not_found")
    if new.sender == Sender.SYSTEM.value:
        return None
    if state in FINAL_STATES:
        return Conflict("this chat has ended; start a new one to keep talking", code="chat_ended")
    if new.sender == Sender.AGENT.value and agent_id != new.sender_id:
        return Forbidden("you are not the agent of this conversation", code="not_your_conversation")
    return None


def check_message_text(text: object) -> str:
    if not isinstance(text, str):
        raise InvalidInput("message text must be a string", code="invalid_message")
    stripped = text.strip()
    if not stripped:
        raise InvalidInput("message text is empty", code="invalid_message")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(
            f"message text is {len(text)} characters; the limit is {MAX_MESSAGE_CHARS}",
            code="message_too_long",
        )
    return text


def check_client_id(client_id: object) -> str:
    if not isinstance(client_id, str) or not client_id or len(client_id) > MAX_CLIENT_ID_CHARS:
        raise InvalidInput(
            f"clientId must be a string of 1..{MAX_CLIENT_ID_CHARS} characters", code="invalid_client_id"
        )
    return client_id


def check_display_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("displayName is required", code="invalid_display_name")
    cleaned = " ".join(name.split())
    if len(cleaned) > 80:
        raise InvalidInput("displayName is longer than 80 characters", code="invalid_display_name")
    return cleaned

"""Wrap-up codes: how an agent says what a chat was about once it has ended ("Resolved", "Sent a
replacement", ...). An organization keeps its own list; a queue may require one for every chat it
routed. The code's name is kept with the conversation when chosen, so renaming or deleting a code never
changes what past chats say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from showdesk.domain.conversation import Conversation
from showdesk.domain.errors import Conflict, InvalidInput

MAX_WRAPUP_CODES = 200  # an organization's codes: a list an agent picks from, not a taxonomy
MAX_WRAPUP_NOTE_CHARS = 1000


@dataclass
class WrapupCode:
    id: str
    organization_id: str
    name: str


def wrap_up(
    conv: Conversation,
    code: WrapupCode | None,
    note: str | None,
    required: bool,
    now: datetime,
) -> None:
    """Close an ended chat's wrap-up with `code` (None: no code) and an optional note, once."""
    if not conv.is_ended:
        raise Conflict("a chat is wrapped up after it ends: end the chat first", code="chat_not_ended")
    if conv.wrapped_up_at is not None:
        raise Conflict("this chat is wrapped up already", code="wrapped_up_already")
    if code is None and required:
        raise InvalidInput(
            "this chat's queue asks for a wrap-up code: choose one of the organization's codes",
            code="wrapup_required",
        )
    text = (note or "").strip()
    if len(text) > MAX_WRAPUP_NOTE_CHARS:
        raise InvalidInput(
            f"the wrap-up note is longer than {MAX_WRAPUP_NOTE_CHARS} characters", code="wrapup_note_too_long"
        )
    conv.wrapup_code_id = code.id if code else None
    conv.wrapup_name = code.name if code else None
    conv.wrapup_note = text or None
    conv.wrapped_up_at = now

"""Finding past and present conversations: what a search may filter on, its words, and its pages.

A search is newest first (by when the chat started, then by id) and is read a page at a time: the
cursor names the last conversation of the page before, so a page never repeats or skips one while new
chats arrive. The words of `text` are searched in the messages: a conversation matches when one of
its messages has every word, each as the start of a word of the message (`kettl` finds "Kettle"),
case aside.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from showdesk.domain.conversation import Conversation
from showdesk.domain.errors import InvalidInput

DEFAULT_PAGE = 25
MAX_PAGE = 100
MAX_WORDS = 8  # words of one search
MAX_WORD_CHARS = 40

# What a person asks for, and the stored states it means.
STATE_FILTERS: dict[str, tuple[str, ...]] = {
    "waiting": ("queued", "offered"),
    "connected": ("connected",),
    "ended": ("ended",),
    "abandoned": ("abandoned",),
}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Cursor:
    created_at: datetime
    id: str

    def encode(self) -> str:
        when = self.created_at if self.created_at.tzinfo is not None else self.created_at.replace(tzinfo=UTC)
        raw = f"{when.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            when, _, conversation_id = raw.partition("|")
            created_at = datetime.fromisoformat(when)
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise InvalidInput("cursor is not one this server gave", code="invalid_cursor") from exc
        if not conversation_id or created_at.tzinfo is None:
            raise InvalidInput("cursor is not one this server gave", code="invalid_cursor")
        return cls(created_at, conversation_id)


@dataclass(frozen=True)
class ConversationQuery:
    organization_id: str
    since: datetime | None = None  # started at or after
    until: datetime | None = None  # started before
    queue_id: str | None = None
    agent_id: str | None = None
    states: tuple[str, ...] = ()  # stored states (STATE_FILTERS' values); empty: any
    has_video: bool | None = None
    has_photo: bool | None = None
    wrapup_code_id: str | None = None
    customer_ref: str | None = None  # the site's id for the customer (the customer panel's earlier chats)
    words: tuple[str, ...] = ()  # lower-case words, each the start of a word of one message
    after: Cursor | None = None
    limit: int = DEFAULT_PAGE


@dataclass(frozen=True)
class ConversationSummary:
    """One line of a search's answer."""

    conversation: Conversation  # its last_seq is its number of messages (sequence numbers have no gaps)
    has_video: bool
    has_photo: bool


def search_words(text: str | None) -> tuple[str, ...]:
    """The words of a search, lower case; InvalidInput when there are too many or none worth searching."""
    if text is None:
        return ()
    words = tuple(dict.fromkeys(word.lower() for word in _WORD.findall(text)))
    if text.strip() and not words:
        raise InvalidInput("q has no letters or digits to search for", code="invalid_query")
    if len(words) > MAX_WORDS:
        raise InvalidInput(f"q may have at most {MAX_WORDS} words", code="invalid_query")
    if any(len(word) > MAX_WORD_CHARS for word in words):
        raise InvalidInput(f"a word of q may have at most {MAX_WORD_CHARS} characters", code="invalid_query")
    return words


def states_for(names: list[str]) -> tuple[str, ...]:
    stored: list[str] = []
    for name in names:
        if name not in STATE_FILTERS:
            raise InvalidInput(f"state is one of {', '.join(STATE_FILTERS)}", code="invalid_state")
        stored.extend(STATE_FILTERS[name])
    return tuple(dict.fromkeys(stored))


def text_matches(words: tuple[str, ...], text: str) -> bool:
    """Whether every word starts a word of `text` (what the stores' full-text indexes answer)."""
    present = [word.lower() for word in _WORD.findall(text)]
    return all(any(word.startswith(wanted) for word in present) for wanted in words)


def newest_first_key(conv: Conversation) -> tuple[datetime, str]:
    return conv.created_at, conv.id


def after_cursor(conv: Conversation, cursor: Cursor | None) -> bool:
    return cursor is None or (conv.created_at, conv.id) < (cursor.created_at, cursor.id)

"""Retention: how long a chat's records are kept after it ended, and which chats are past it.

Only ended conversations expire, counted from `ended_at`; a queued, offered or connected chat is
never purged however old it is, and neither is an ended one without an end time. A period of zero
(or none) keeps everything forever.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from showdesk.domain.conversation import Conversation


def retention_period(days: int | None) -> timedelta | None:
    """The period for a number of days; None (keep forever) for 0 or none."""
    return timedelta(days=days) if days and days > 0 else None


def retention_cutoff(now: datetime, period: timedelta | None) -> datetime | None:
    """Chats that ended before this moment are expired; None when the period keeps everything."""
    if period is None or period <= timedelta(0):
        return None
    return now - period


def is_expired(conversation: Conversation, cutoff: datetime) -> bool:
    ended_at = conversation.ended_at
    return conversation.is_ended and ended_at is not None and ended_at < cutoff


def expired(conversations: Iterable[Conversation], now: datetime, period: timedelta | None) -> list[Conversation]:
    """The conversations whose records the period no longer keeps."""
    cutoff = retention_cutoff(now, period)
    if cutoff is None:
        return []
    return [c for c in conversations if is_expired(c, cutoff)]


@dataclass(frozen=True)
class PurgeCounts:
    """Rows a purge removed (or, counted ahead, would remove), per table.

    Each table of a conversation's records has a field here, named as the table, next to its place
    in the stores' list of a conversation's child tables.
    """

    conversations: int = 0
    messages: int = 0
    video_sessions: int = 0
    photos: int = 0
    handoffs: int = 0

    def __add__(self, other: PurgeCounts) -> PurgeCounts:
        return PurgeCounts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @property
    def nothing(self) -> bool:
        return self == PurgeCounts()


@dataclass(frozen=True)
class PurgeRecord(PurgeCounts):
    """What the audit log keeps of one run's purge in one organization: the counts and the cutoff."""

    cutoff: datetime | None = None

    @classmethod
    def of(cls, cutoff: datetime, counts: PurgeCounts) -> PurgeRecord:
        return cls(**{f.name: getattr(counts, f.name) for f in fields(counts)}, cutoff=cutoff)

"""The in-memory store's retention: retention_sql.py on dictionaries.

A conversation's records are its messages, its video sessions, its photos and its hand-offs, each counted in
`domain.retention.PurgeCounts`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from showdesk.domain.conversation import Conversation, Message
from showdesk.domain.handoff import Handoff
from showdesk.domain.photos import Photo
from showdesk.domain.retention import PurgeCounts, is_expired
from showdesk.domain.video import VideoSession


class MemoryRetentionStore:
    _rows: defaultdict[type[Any], dict[str, Any]]
    _messages: defaultdict[str, list[Message]]
    _last_seq: defaultdict[str, int]
    _photos: dict[str, tuple[Photo, bytes]]

    def _expired(self, cutoff: datetime, organization_id: str | None) -> list[Conversation]:
        found = [
            c
            for c in self._rows[Conversation].values()
            if is_expired(c, cutoff) and organization_id in (None, c.organization_id)
        ]
        return sorted(found, key=lambda c: (c.ended_at, c.id))

    async def expired_conversations(
        self, cutoff: datetime, limit: int, organization_id: str | None = None
    ) -> list[tuple[str, str]]:
        return [(c.id, c.organization_id) for c in self._expired(cutoff, organization_id)[:limit]]

    async def count_expired(self, cutoff: datetime, organization_id: str | None = None) -> PurgeCounts:
        ids = {c.id for c in self._expired(cutoff, organization_id)}
        return PurgeCounts(
            conversations=len(ids),
            messages=sum(len(self._messages.get(i, [])) for i in ids),
            video_sessions=sum(1 for v in self._rows[VideoSession].values() if v.conversation_id in ids),
            photos=sum(1 for p, _ in self._photos.values() if p.conversation_id in ids),
            handoffs=sum(1 for h in self._rows[Handoff].values() if h.conversation_id in ids),
        )

    async def delete_conversations(self, conversation_ids: Sequence[str]) -> PurgeCounts:
        ids = {i for i in conversation_ids if i in self._rows[Conversation]}
        sessions = [v.id for v in self._rows[VideoSession].values() if v.conversation_id in ids]
        messages = 0
        for conversation_id in ids:
            messages += len(self._messages.pop(conversation_id, []))
            self._last_seq.pop(conversation_id, None)
            del self._rows[Conversation][conversation_id]
        for session_id in sessions:
            del self._rows[VideoSession][session_id]
        photos = [p.id for p, _ in self._photos.values() if p.conversation_id in ids]
        for photo_id in photos:
            del self._photos[photo_id]
        handoffs = [h.id for h in self._rows[Handoff].values() if h.conversation_id in ids]
        for handoff_id in handoffs:
            del self._rows[Handoff][handoff_id]
        return PurgeCounts(
            conversations=len(ids),
            messages=messages,
            video_sessions=len(sessions),
            photos=len(photos),
            handoffs=len(handoffs),
        )

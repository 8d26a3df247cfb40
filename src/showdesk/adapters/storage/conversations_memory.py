"""The in-memory store's conversations and messages: conversations_sql.py on dictionaries, each append
checked and numbered under one lock (the SQL transaction)."""

from __future__ import annotations

import asyncio
import copy
from collections import Counter, defaultdict
from datetime import datetime

from showdesk.adapters.storage.memory_rows import MemoryRows
from showdesk.domain.conversation import FINAL_STATES, Conversation, Message, NewMessage, refuse_message
from showdesk.domain.errors import NotFound
from showdesk.domain.history import ConversationQuery, ConversationSummary, after_cursor, newest_first_key, text_matches
from showdesk.domain.ids import new_id
from showdesk.domain.photos import Photo
from showdesk.domain.video import VideoSession


class MemoryConversationStore(MemoryRows):
    _photos: dict[str, tuple[Photo, bytes]]
    _messages: defaultdict[str, list[Message]]
    _last_seq: defaultdict[str, int]
    _lock: asyncio.Lock

    def _read(self, conversation: Conversation) -> Conversation:
        """A copy with its last sequence number as it is now (appends move it, saves never do)."""
        found = copy.deepcopy(conversation)
        found.last_seq = self._last_seq.get(conversation.id, 0)
        return found

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        found = self._rows[Conversation].get(conversation_id)
        return self._read(found) if found is not None else None

    async def list_open_conversations(self) -> list[Conversation]:
        open_ = [c for c in self._rows[Conversation].values() if c.state not in FINAL_STATES]
        return [self._read(c) for c in sorted(open_, key=lambda c: c.enqueued_at or c.created_at)]

    async def list_agent_conversations(self, agent_id: str) -> list[Conversation]:
        return [c for c in await self.list_open_conversations() if c.agent_id == agent_id and c.state == "connected"]

    async def save_conversation(self, conversation: Conversation) -> None:
        self._rows[Conversation][conversation.id] = copy.deepcopy(conversation)

    async def append_message(self, new: NewMessage) -> tuple[Message, bool]:
        async with self._lock:
            for stored in self._messages.get(new.conversation_id, ()):
                same_sender = (stored.sender, stored.sender_id) == (new.sender, new.sender_id)
                if same_sender and stored.client_id == new.client_id:
                    return copy.deepcopy(stored), False
            conv = self._rows[Conversation].get(new.conversation_id)
            refusal = refuse_message(new, conv.state if conv else None, conv.agent_id if conv else None)
            if refusal is not None or conv is None:
                raise refusal or NotFound("conversation not found")
            self._last_seq[new.conversation_id] += 1
            message = new.stored_as(new_id("m"), self._last_seq[new.conversation_id])
            self._messages[new.conversation_id].append(message)
            return copy.deepcopy(message), True

    async def list_messages(self, conversation_id: str, after_seq: int = 0, limit: int | None = None) -> list[Message]:
        found = [copy.deepcopy(m) for m in self._messages.get(conversation_id, ()) if m.seq > after_seq]
        if limit is None:
            return found
        return found[-limit:] if limit > 0 else []

    async def search_conversations(self, query: ConversationQuery) -> list[ConversationSummary]:
        found: list[ConversationSummary] = []
        candidates = sorted(self._rows[Conversation].values(), key=newest_first_key, reverse=True)
        for conv in candidates:
            if len(found) >= query.limit:
                break
            if not self._wanted(conv, query):
                continue
            messages = self._messages.get(conv.id, [])
            has_video = any(v.conversation_id == conv.id for v in self._rows[VideoSession].values())
            has_photo = any(photo.conversation_id == conv.id for photo, _ in self._photos.values())
            if query.has_video is not None and has_video != query.has_video:
                continue
            if query.has_photo is not None and has_photo != query.has_photo:
                continue
            if query.words and not any(text_matches(query.words, m.text) for m in messages):
                continue
            found.append(ConversationSummary(self._read(conv), has_video, has_photo))
        return found

    @staticmethod
    def _wanted(conv: Conversation, query: ConversationQuery) -> bool:
        return (
            conv.organization_id == query.organization_id
            and after_cursor(conv, query.after)
            and (query.since is None or conv.created_at >= query.since)
            and (query.until is None or conv.created_at < query.until)
            and (query.queue_id is None or conv.queue_id == query.queue_id)
            and (query.agent_id is None or conv.agent_id == query.agent_id)
            and (not query.states or conv.state in query.states)
            and (query.wrapup_code_id is None or conv.wrapup_code_id == query.wrapup_code_id)
            and (query.customer_ref is None or conv.customer_ref == query.customer_ref)
        )

    async def list_unwrapped_conversations(self, agent_id: str, since: datetime) -> list[Conversation]:
        found = [
            c
            for c in self._rows[Conversation].values()
            if c.agent_id == agent_id
            and c.state == "ended"
            and c.wrapped_up_at is None
            and c.ended_at is not None
            and c.ended_at >= since
        ]
        return [self._read(c) for c in sorted(found, key=lambda c: c.ended_at or since)]

    async def count_wrapups(self, org_id: str, since: datetime) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for conv in self._rows[Conversation].values():
            if conv.organization_id == org_id and conv.wrapped_up_at is not None and conv.wrapped_up_at >= since:
                counts[conv.wrapup_name or ""] += 1
        return dict(counts)

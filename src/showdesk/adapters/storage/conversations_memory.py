"""The in-memory store's conversations and messages: conversations_sql.py on dictionaries, each append
checked and numbered under one lock (the SQL transaction)."""

from __future__ import annotations

import asyncio
import copy
from collections import defaultdict

from showdesk.adapters.storage.memory_rows import MemoryRows
from showdesk.domain.conversation import FINAL_STATES, Conversation, Message, NewMessage, refuse_message
from showdesk.domain.errors import NotFound
from showdesk.domain.ids import new_id


class MemoryConversationStore(MemoryRows):
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

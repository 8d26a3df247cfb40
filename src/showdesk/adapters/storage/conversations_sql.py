"""The SQL store's conversations and messages. Messages go through the group-commit writer
(message_writer.py): appends that arrive together share one transaction, each still getting its own
gap-free sequence number, and nobody is answered before the commit."""

from __future__ import annotations

from sqlalchemy import select

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.message_writer import MessageWriter
from showdesk.adapters.storage.sql_rows import SqlRows, to_entity
from showdesk.domain.conversation import FINAL_STATES, Conversation, ConversationState, Message, NewMessage


class SqlConversationStore(SqlRows):
    _writer: MessageWriter

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        return await self._one(t.conversations, Conversation, id=conversation_id)

    async def list_open_conversations(self) -> list[Conversation]:
        query = (
            select(t.conversations)
            .where(t.conversations.c.state.not_in(FINAL_STATES))
            .order_by(t.conversations.c.enqueued_at)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [to_entity(Conversation, r) for r in rows]

    async def list_agent_conversations(self, agent_id: str) -> list[Conversation]:
        connected = ConversationState.CONNECTED.value
        return await self._many(t.conversations, Conversation, order="enqueued_at", agent_id=agent_id, state=connected)

    async def save_conversation(self, conversation: Conversation) -> None:
        await self._save(t.conversations, conversation, keep=("last_seq",))

    async def append_message(self, new: NewMessage) -> tuple[Message, bool]:
        return await self._writer.append(new)

    async def list_messages(self, conversation_id: str, after_seq: int = 0, limit: int | None = None) -> list[Message]:
        m = t.messages
        query = select(m).where(m.c.conversation_id == conversation_id, m.c.seq > after_seq)
        query = query.order_by(m.c.seq.desc()).limit(limit) if limit is not None else query.order_by(m.c.seq)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        found = [to_entity(Message, r) for r in rows]
        return sorted(found, key=lambda msg: msg.seq) if limit is not None else found

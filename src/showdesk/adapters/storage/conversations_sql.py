"""The SQL store's conversations and messages. Messages go through the group-commit writer
(message_writer.py): appends that arrive together share one transaction, each still getting its own
gap-free sequence number, and nobody is answered before the commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, func, literal_column, or_, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.message_writer import MessageWriter
from showdesk.adapters.storage.sql_rows import SqlRows, to_entity
from showdesk.domain.conversation import FINAL_STATES, Conversation, ConversationState, Message, NewMessage
from showdesk.domain.history import ConversationQuery, ConversationSummary

FEW_HITS = 5000  # matching messages a search reads by id; with more, it walks the newest conversations instead


class SqlConversationStore(SqlRows):
    _writer: MessageWriter
    few_hits = FEW_HITS

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

    async def search_conversations(self, query: ConversationQuery) -> list[ConversationSummary]:
        c = t.conversations
        has_video = exists().where(t.video_sessions.c.conversation_id == c.c.id)
        has_photo = exists().where(t.photos.c.conversation_id == c.c.id)
        wanted: list[ColumnElement[bool]] = [c.c.organization_id == query.organization_id]
        if query.after is not None:
            at, last = query.after.created_at, query.after.id
            wanted.append(or_(c.c.created_at < at, and_(c.c.created_at == at, c.c.id < last)))
        if query.since is not None:
            wanted.append(c.c.created_at >= query.since)
        if query.until is not None:
            wanted.append(c.c.created_at < query.until)
        if query.queue_id is not None:
            wanted.append(c.c.queue_id == query.queue_id)
        if query.agent_id is not None:
            wanted.append(c.c.agent_id == query.agent_id)
        if query.states:
            wanted.append(c.c.state.in_(query.states))
        if query.has_video is not None:
            wanted.append(has_video if query.has_video else ~has_video)
        if query.has_photo is not None:
            wanted.append(has_photo if query.has_photo else ~has_photo)
        statement = (
            select(c, has_video.label("has_video"), has_photo.label("has_photo"))
            .order_by(c.c.created_at.desc(), c.c.id.desc())
            .limit(query.limit)
        )
        async with self.engine.connect() as conn:
            if query.words:
                wanted.append(await self._with_words(conn, query.words))
            rows = (await conn.execute(statement.where(*wanted))).all()
        return [ConversationSummary(to_entity(Conversation, r), bool(r.has_video), bool(r.has_photo)) for r in rows]

    async def _with_words(self, conn: AsyncConnection, words: tuple[str, ...]) -> ColumnElement[bool]:
        """Conversations with a message that has every word. The full-text index is asked first for at most
        FEW_HITS messages: when that is all of them, the conversations are those few, read by id; when there
        are more, the words are common, and the newest conversations are read in order until a page has
        matched, which a common word ends soon."""
        found = (await conn.execute(self._messages_with(words).limit(self.few_hits))).scalars().all()
        if len(found) < self.few_hits:
            return t.conversations.c.id.in_(sorted(set(found)))
        return t.conversations.c.id.in_(self._messages_with(words))

    def _messages_with(self, words: tuple[str, ...]) -> Select[Any]:
        m = t.messages
        if self.is_sqlite:  # FTS5, migration 0015; the words are letters and digits only (domain/history.py)
            phrase = " ".join(f'"{word}"*' for word in words)
            matched = text("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :phrase").bindparams(phrase=phrase)
            return select(m.c.conversation_id).where(literal_column("messages.rowid").in_(matched))
        terms = " & ".join(f"{word}:*" for word in words)
        document = func.to_tsvector(literal_column("'simple'"), m.c.text)
        return select(m.c.conversation_id).where(document.op("@@")(func.to_tsquery(literal_column("'simple'"), terms)))

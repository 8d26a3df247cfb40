"""The SQL store's conversations and messages. Messages go through the group-commit writer
(message_writer.py): appends that arrive together share one transaction, each still getting its own
gap-free sequence number, and nobody is answered before the commit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, and_, exists, func, literal_column, or_, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.message_writer import MessageWriter
from showdesk.adapters.storage.sql_rows import SqlRows, to_entity
from showdesk.domain.conversation import FINAL_STATES, Conversation, ConversationState, Message, NewMessage
from showdesk.domain.history import ConversationQuery, ConversationSummary

FEW_HITS = 5000  # matching messages a search reads by id; with more, it walks the newest conversations instead
NEWEST_STEP = 2000  # SQLite: the newest matching messages read first (then twice as many each time)
MAX_CANDIDATES = 20_000  # conversations a SQLite search reads by id before it lets SQLite find them all itself
_NEWEST_HITS = text(
    "SELECT f.rowid AS rowid, m.conversation_id AS conversation_id, m.created_at AS created_at "
    "FROM messages_fts f JOIN messages m ON m.rowid = f.rowid "
    "WHERE messages_fts MATCH :phrase AND f.rowid < :below ORDER BY f.rowid DESC LIMIT :n"
)
Page = Callable[..., Awaitable[list[Row[Any]]]]


class SqlConversationStore(SqlRows):
    _writer: MessageWriter
    few_hits = FEW_HITS
    newest_step = NEWEST_STEP

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
        if query.wrapup_code_id is not None:
            wanted.append(c.c.wrapup_code_id == query.wrapup_code_id)
        if query.customer_ref is not None:
            wanted.append(c.c.customer_ref == query.customer_ref)
        if query.has_video is not None:
            wanted.append(has_video if query.has_video else ~has_video)
        if query.has_photo is not None:
            wanted.append(has_photo if query.has_photo else ~has_photo)
        async with self.engine.connect() as conn:

            async def page(*more: ColumnElement[bool]) -> list[Row[Any]]:
                statement = (
                    select(c, has_video.label("has_video"), has_photo.label("has_photo"))
                    .where(*wanted, *more)
                    .order_by(c.c.created_at.desc(), c.c.id.desc())
                    .limit(query.limit)
                )
                return list((await conn.execute(statement)).all())

            rows = await (self._page_with_words(conn, page, query) if query.words else page())
        return [ConversationSummary(to_entity(Conversation, r), bool(r.has_video), bool(r.has_photo)) for r in rows]

    async def list_unwrapped_conversations(self, agent_id: str, since: datetime) -> list[Conversation]:
        c = t.conversations
        query = (
            select(c)
            .where(
                c.c.agent_id == agent_id,
                c.c.state == ConversationState.ENDED.value,
                c.c.wrapped_up_at.is_(None),
                c.c.ended_at >= since,
            )
            .order_by(c.c.ended_at)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [to_entity(Conversation, r) for r in rows]

    async def count_wrapups(self, org_id: str, since: datetime) -> dict[str, int]:
        c = t.conversations
        query = (
            select(c.c.wrapup_name, func.count())
            .where(c.c.organization_id == org_id, c.c.wrapped_up_at >= since)
            .group_by(c.c.wrapup_name)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {name or "": count for name, count in rows}

    async def _page_with_words(self, conn: AsyncConnection, page: Page, query: ConversationQuery) -> list[Row[Any]]:
        """The page among conversations with a message that has every word. The full-text index is asked
        first for at most `few_hits` messages: when that is all of them, the page is read among those few
        conversations, by id. More, and the words are common: PostgreSQL walks the newest conversations
        until the page is full (a common word ends it soon); SQLite reads the newest matching messages in
        growing steps (`_newest_hits`), which its index gives in that order."""
        c = t.conversations
        found = (await conn.execute(self._messages_with(query.words).limit(self.few_hits))).scalars().all()
        if len(found) < self.few_hits:
            return await page(c.c.id.in_(sorted(set(found))))
        if self.is_sqlite:
            return await self._newest_hits(conn, page, query)
        return await page(c.c.id.in_(self._messages_with(query.words)))

    async def _newest_hits(self, conn: AsyncConnection, page: Page, query: ConversationQuery) -> list[Row[Any]]:
        """SQLite: the page among the conversations of the newest matching messages, taken 2,000 then twice as
        many at a time. A message is stored after its conversation began and in the order messages are posted,
        so a conversation not yet seen began before the oldest message read: once the page is full of
        conversations that began after it, no conversation is missing from it."""
        c = t.conversations
        phrase = _fts_phrase(query.words)
        candidates: set[str] = set()
        below, step = 1 << 62, self.newest_step
        while len(candidates) < MAX_CANDIDATES:
            hits = (await conn.execute(_NEWEST_HITS, {"phrase": phrase, "below": below, "n": step})).all()
            candidates.update(hit.conversation_id for hit in hits)
            rows = await page(c.c.id.in_(sorted(candidates)))
            if len(hits) < step:
                return rows  # every matching message was read
            oldest = _utc(hits[-1].created_at)
            if len(rows) == query.limit and _utc(rows[-1].created_at) > oldest:
                return rows
            below, step = hits[-1].rowid, step * 2
        return await page(c.c.id.in_(self._messages_with(query.words)))

    def _messages_with(self, words: tuple[str, ...]) -> Select[Any]:
        m = t.messages
        if self.is_sqlite:  # FTS5, migration 0015
            matched = text("SELECT rowid FROM messages_fts WHERE messages_fts MATCH :phrase").bindparams(
                phrase=_fts_phrase(words)
            )
            return select(m.c.conversation_id).where(literal_column("messages.rowid").in_(matched))
        terms = " & ".join(f"{word}:*" for word in words)
        document = func.to_tsvector(literal_column("'simple'"), m.c.text)
        return select(m.c.conversation_id).where(document.op("@@")(func.to_tsquery(literal_column("'simple'"), terms)))


def _fts_phrase(words: tuple[str, ...]) -> str:
    """FTS5's query for every word as a word's start; the words are letters and digits only (domain/history.py)."""
    return " ".join(f'"{word}"*' for word in words)


def _utc(stored: datetime | str) -> datetime:
    """A time as SQLite gives it back (text, or a datetime with or without its zone), in UTC."""
    when = datetime.fromisoformat(stored) if isinstance(stored, str) else stored
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)

"""Group commit for chat messages.

Appends are queued; one writer task takes whatever is waiting (up to a batch) and stores it in one
transaction with a fixed number of statements, however large the batch:

1. lock the batch's conversations and read their state, agent and last sequence number (on SQLite
   one no-op `UPDATE ... RETURNING`, which takes the write lock before anything is read; on
   PostgreSQL `SELECT ... ORDER BY id FOR UPDATE`, so nodes never deadlock),
2. (merged into 1)
3. read any stored messages with the batch's client ids (resends),
4. check each append (conversation open; an agent's message only from the conversation's agent),
   give the new ones the next sequence numbers,
5. write the new last sequence numbers and insert the messages (two executemany calls), commit,

and only then resolve each caller's future. Under load this turns hundreds of commits into a few.

The batch runs as one synchronous function: on SQLite in a dedicated writer thread with its own
connection (one thread hop per batch instead of one per statement), on PostgreSQL through the async
engine's `run_sync`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, create_engine, event, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from showdesk.adapters.storage import tables as t
from showdesk.domain.conversation import Message, NewMessage, refuse_message
from showdesk.domain.errors import Conflict, NotFound, ShowDeskError
from showdesk.domain.ids import new_id

log = logging.getLogger(__name__)

MAX_BATCH = 512

Outcome = tuple[Message, bool] | ShowDeskError
Pending = tuple[NewMessage, "asyncio.Future[tuple[Message, bool]]"]


def sender_key(sender: str, sender_id: str | None) -> str:
    """Whose client id this is: idempotency is per sender, so two senders never collide."""
    return f"{sender}:{sender_id}" if sender_id else sender


@dataclass
class _Conversation:
    state: str
    agent_id: str | None
    last_seq: int


_MESSAGE_COLUMNS = (
    "conversation_id",
    "sender_key",
    "client_id",
    "id",
    "seq",
    "sender",
    "sender_id",
    "display_name",
    "text",
    "created_at",
)


def _driver_rows(conn: Connection, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        return list(cursor.execute(sql, params).fetchall())
    finally:
        cursor.close()


def _message_from_row(row: dict[str, Any]) -> Message:
    created = datetime.fromisoformat(row["created_at"]).replace(tzinfo=UTC)
    return Message(
        id=row["id"],
        conversation_id=row["conversation_id"],
        seq=row["seq"],
        sender=row["sender"],
        sender_id=row["sender_id"],
        display_name=row["display_name"],
        text=row["text"],
        client_id=row["client_id"],
        created_at=created,
    )


class MessageWriter:
    def __init__(self, engine: AsyncEngine, on_connect: Any = None) -> None:
        self._engine = engine
        self._is_sqlite = engine.dialect.name == "sqlite"
        self._sync_engine: Engine | None = None
        self._thread: ThreadPoolExecutor | None = None
        if self._is_sqlite:
            url = engine.url.set(drivername="sqlite")
            self._sync_engine = create_engine(url, pool_size=1, max_overflow=0)
            if on_connect is not None:
                event.listen(self._sync_engine, "connect", on_connect)
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="showdesk-message-writer")
        self._queue: asyncio.Queue[Pending] | None = None
        self._task: asyncio.Task[None] | None = None

    async def append(self, new: NewMessage) -> tuple[Message, bool]:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._task = asyncio.create_task(self._run())
        future: asyncio.Future[tuple[Message, bool]] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((new, future))
        return await future

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            self._queue = None
        if self._thread is not None:
            self._thread.shutdown(wait=True)
        if self._sync_engine is not None:
            self._sync_engine.dispose()

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                outcomes = await self._store([new for new, _ in batch])
            except Exception:
                # A database failure must not fail the neighbours: retry them one by one.
                log.warning("message batch of %d failed; storing one by one", len(batch), exc_info=True)
                outcomes = []
                for new, _ in batch:
                    try:
                        outcomes.extend(await self._store([new]))
                    except Exception as exc:
                        outcomes.append(Conflict(f"the message could not be stored: {exc}", code="store_failed"))
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, ShowDeskError):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    async def _store(self, batch: list[NewMessage]) -> list[Outcome]:
        if self._sync_engine is not None:
            engine = self._sync_engine

            def in_thread() -> list[Outcome]:
                with engine.begin() as conn:
                    return self._store_batch(conn, batch)

            return await asyncio.get_running_loop().run_in_executor(self._thread, in_thread)
        async with self._engine.begin() as conn:
            return await conn.run_sync(self._store_batch, batch)

    def _store_batch(self, conn: Connection, batch: list[NewMessage]) -> list[Outcome]:
        ids = sorted({new.conversation_id for new in batch})
        conversations = self._lock_and_read(conn, ids)
        stored = self._stored(conn, ids, {new.client_id for new in batch})
        outcomes: list[Outcome] = []
        fresh: list[Message] = []
        for new in batch:
            key = (new.conversation_id, sender_key(new.sender, new.sender_id), new.client_id)
            if key in stored:
                outcomes.append((stored[key], False))
                continue
            conv = conversations.get(new.conversation_id)
            refusal = refuse_message(new, conv.state if conv else None, conv.agent_id if conv else None)
            if refusal is not None or conv is None:
                outcomes.append(refusal or NotFound("conversation not found"))
                continue
            conv.last_seq += 1
            message = new.stored_as(new_id("m"), conv.last_seq)
            stored[key] = message
            fresh.append(message)
            outcomes.append((message, True))
        if fresh:
            self._write(conn, conversations, fresh)
        return outcomes

    def _lock_and_read(self, conn: Connection, ids: list[str]) -> dict[str, _Conversation]:
        if self._is_sqlite:
            # A no-op write first takes SQLite's write lock, so nobody slips in between read and write.
            marks = ",".join("?" * len(ids))
            rows = _driver_rows(
                conn,
                f"UPDATE conversations SET last_seq = last_seq WHERE id IN ({marks}) "  # noqa: S608 - only ? marks
                "RETURNING id, state, agent_id, last_seq",
                ids,
            )
            return {row[0]: _Conversation(row[1], row[2], row[3]) for row in rows}
        c = t.conversations
        columns = (c.c.id, c.c.state, c.c.agent_id, c.c.last_seq)
        query = select(*columns).where(c.c.id.in_(ids)).order_by(c.c.id).with_for_update()
        pg_rows = conn.execute(query).all()
        return {row.id: _Conversation(row.state, row.agent_id, row.last_seq) for row in pg_rows}

    def _stored(self, conn: Connection, ids: list[str], client_ids: set[str]) -> dict[tuple[str, str, str], Message]:
        from showdesk.adapters.storage.sql import to_entity

        if self._is_sqlite:
            wanted = sorted(client_ids)
            rows = _driver_rows(
                conn,
                f"SELECT {', '.join(_MESSAGE_COLUMNS)} FROM messages "  # noqa: S608 - only ? marks
                f"WHERE conversation_id IN ({','.join('?' * len(ids))}) "
                f"AND client_id IN ({','.join('?' * len(wanted))})",
                [*ids, *wanted],
            )
            return {(r[0], r[1], r[2]): _message_from_row(dict(zip(_MESSAGE_COLUMNS, r, strict=True))) for r in rows}

        m = t.messages
        found = conn.execute(select(m).where(m.c.conversation_id.in_(ids), m.c.client_id.in_(client_ids))).all()
        return {(row.conversation_id, row.sender_key, row.client_id): to_entity(Message, row) for row in found}

    def _write(self, conn: Connection, conversations: dict[str, _Conversation], fresh: list[Message]) -> None:
        moved = {m.conversation_id for m in fresh}
        if self._is_sqlite:
            self._write_sqlite(conn, conversations, fresh, moved)
            return
        c = t.conversations
        conn.execute(
            update(c).where(c.c.id == bindparam("cid")).values(last_seq=bindparam("seq")),
            [{"cid": cid, "seq": conversations[cid].last_seq} for cid in sorted(moved)],
        )
        rows: list[dict[str, Any]] = [{**m.__dict__, "sender_key": sender_key(m.sender, m.sender_id)} for m in fresh]
        conn.execute(t.messages.insert(), rows)

    @staticmethod
    def _write_sqlite(
        conn: Connection, conversations: dict[str, _Conversation], fresh: list[Message], moved: set[str]
    ) -> None:
        # The hot path of every chat message: plain executemany on the driver's cursor, inside the
        # same transaction, skips per-row parameter processing. Times are stored in the text form
        # SQLAlchemy's SQLite DateTime type writes and reads (UTC, no zone suffix).
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(
                "UPDATE conversations SET last_seq = ? WHERE id = ?",
                [(conversations[cid].last_seq, cid) for cid in sorted(moved)],
            )
            cursor.executemany(
                "INSERT INTO messages (id, conversation_id, seq, sender, sender_id, sender_key, display_name, "
                "text, client_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        m.id,
                        m.conversation_id,
                        m.seq,
                        m.sender,
                        m.sender_id,
                        sender_key(m.sender, m.sender_id),
                        m.display_name,
                        m.text,
                        m.client_id,
                        m.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
                    )
                    for m in fresh
                ],
            )
        finally:
            cursor.close()

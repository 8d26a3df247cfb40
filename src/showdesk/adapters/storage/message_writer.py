"""Group commit for chat messages.

Appends are queued; one writer task takes whatever is waiting (up to a batch) and stores it in one
transaction with a fixed number of statements, however large the batch:

1. lock the batch's conversations and read their state, agent and last sequence number (on SQLite
   a one-row no-op `UPDATE` takes the write lock before anything is read, then one `SELECT` reads
   them all; on PostgreSQL `SELECT ... ORDER BY id FOR UPDATE`, so nodes never deadlock),
2. read any stored messages with the batch's (conversation, sender, client id) keys (resends), key
   by key in the unique index, so the cost follows the batch and not the conversations' history,
3. check each append (conversation open; an agent's message only from the conversation's agent),
   give the new ones the next sequence numbers,
4. write the new last sequence numbers (one `UPDATE ... FROM (VALUES ...)` on SQLite) and insert
   the messages (multi-row `INSERT`s on SQLite, executemany on PostgreSQL), commit,

and only then resolve each caller's future. Under load this turns hundreds of commits into a few.

The batch runs as one synchronous function: on SQLite in a dedicated writer thread with its own
connection (one thread hop per batch instead of one per statement), on PostgreSQL through the async
engine's `run_sync`. On SQLite each read folds its rows into one JSON value: the driver lets go of
the GIL around every SQLite call and this thread must win it back from a busy event loop each
time, so the batch makes a handful of calls, not one per row. Needs SQLite 3.38 (JSON built in).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Engine, bindparam, create_engine, event, select, tuple_, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from showdesk.adapters.storage import tables as t
from showdesk.domain.conversation import Message, NewMessage, refuse_message
from showdesk.domain.errors import Conflict, NotFound, ShowDeskError
from showdesk.domain.ids import new_id

log = logging.getLogger(__name__)

MAX_BATCH = 1024
_RESOLVE_CHUNK = 64  # callers woken per loop turn, so reading new frames goes on between turns
DRAIN_TIMEOUT = 10.0  # seconds `close` waits for queued appends; the caller may bound it more
_INSERT_ROWS = 500  # 12 values a row, well under SQLite's 32,766 bound variables

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
    "attachment",
    "notice",
)


def _driver_rows(conn: Connection, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        return list(cursor.execute(sql, params).fetchall())
    finally:
        cursor.close()


_FOLD_MESSAGES = f"SELECT json_group_array(json_array({', '.join(_MESSAGE_COLUMNS)})) FROM messages"  # noqa: S608 - fixed column names
_INSERT_MESSAGES = (
    "INSERT INTO messages (id, conversation_id, seq, sender, sender_id, sender_key, display_name, text, client_id, "
    "created_at, attachment, notice)"
)


def _driver_json(conn: Connection, sql: str, params: list[Any]) -> list[list[Any]]:
    """Rows folded by SQLite into one JSON array: one SQLite call however many rows match."""
    rows = _driver_rows(conn, sql, params)
    found: list[list[Any]] = orjson.loads(rows[0][0]) if rows and rows[0][0] else []
    return found


def _marks(count: int) -> str:
    return ",".join("?" * count)


def _rows(count: int, width: int) -> str:
    row = f"({_marks(width)})"
    return ",".join([row] * count)


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
        attachment=_json_value(row["attachment"]),
        notice=_json_value(row["notice"]),
    )


def _json_value(stored: Any) -> dict[str, Any] | None:  # an attachment's or a notice's JSON
    # A JSON column read through SQLite's json_array comes back as its text.
    found: dict[str, Any] | None = orjson.loads(stored) if isinstance(stored, str) else stored
    return found


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
        self._waiting: deque[Pending] = deque()
        self._wake: asyncio.Future[None] | None = None  # set while the writer task sleeps on an empty queue
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()  # set while the writer task sleeps on an empty queue: all is committed

    def append(self, new: NewMessage) -> asyncio.Future[tuple[Message, bool]]:
        """Queue `new` now (appends are stored in call order); the future resolves after its commit."""
        loop = asyncio.get_running_loop()
        if self._task is None:
            self._task = loop.create_task(self._run())
        future: asyncio.Future[tuple[Message, bool]] = loop.create_future()
        self._waiting.append((new, future))
        self._idle.clear()
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)
        return future

    async def close(self) -> None:
        """Commit what is queued (a node stopping finishes its writes, within `DRAIN_TIMEOUT`), then stop."""
        if self._task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._drained(), DRAIN_TIMEOUT)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._thread is not None:
            self._thread.shutdown(wait=True)
        if self._sync_engine is not None:
            self._sync_engine.dispose()

    async def _drained(self) -> None:
        if self._task is None:
            return
        idle = asyncio.ensure_future(self._idle.wait())
        await asyncio.wait({idle, self._task}, return_when=asyncio.FIRST_COMPLETED)
        idle.cancel()

    async def _run(self) -> None:
        waiting = self._waiting
        storing: tuple[list[Pending], asyncio.Task[list[Outcome]]] | None = None
        while True:
            if storing is None:
                if not waiting:
                    self._wake = asyncio.get_running_loop().create_future()
                    self._idle.set()
                    await self._wake
                    self._wake = None
                    continue
                storing = self._start(waiting)
            batch, task = storing
            outcomes = await task
            # The next batch is stored while this one's callers hear back: commits never wait for acks.
            storing = self._start(waiting) if waiting else None
            for i, ((_, future), outcome) in enumerate(zip(batch, outcomes, strict=True)):
                if i and i % _RESOLVE_CHUNK == 0:
                    await asyncio.sleep(0)
                if future.done():
                    continue
                if isinstance(outcome, ShowDeskError):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    def _start(self, waiting: deque[Pending]) -> tuple[list[Pending], asyncio.Task[list[Outcome]]]:
        batch = [waiting.popleft() for _ in range(min(MAX_BATCH, len(waiting)))]
        return batch, asyncio.create_task(self._store_or_retry([new for new, _ in batch]))

    async def _store_or_retry(self, batch: list[NewMessage]) -> list[Outcome]:
        try:
            return await self._store(batch)
        except Exception:
            # A database failure must not fail the neighbours: retry them one by one.
            log.warning("message batch of %d failed; storing one by one", len(batch), exc_info=True)
        outcomes: list[Outcome] = []
        for new in batch:
            try:
                outcomes.extend(await self._store([new]))
            except Exception as exc:
                outcomes.append(Conflict(f"the message could not be stored: {exc}", code="store_failed"))
        return outcomes

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
        keys = [(new.conversation_id, sender_key(new.sender, new.sender_id), new.client_id) for new in batch]
        stored = self._stored(conn, sorted(set(keys)))
        outcomes: list[Outcome] = []
        fresh: list[Message] = []
        for new, key in zip(batch, keys, strict=True):
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
            _driver_rows(conn, "UPDATE conversations SET last_seq = last_seq WHERE id = ?", [ids[0]])
            fold = "SELECT json_group_array(json_array(id, state, agent_id, last_seq)) FROM conversations"
            rows = _driver_json(conn, f"{fold} WHERE id IN ({_marks(len(ids))})", ids)
            return {row[0]: _Conversation(row[1], row[2], row[3]) for row in rows}
        c = t.conversations
        columns = (c.c.id, c.c.state, c.c.agent_id, c.c.last_seq)
        query = select(*columns).where(c.c.id.in_(ids)).order_by(c.c.id).with_for_update()
        pg_rows = conn.execute(query).all()
        return {row.id: _Conversation(row.state, row.agent_id, row.last_seq) for row in pg_rows}

    def _stored(self, conn: Connection, keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], Message]:
        """Messages already stored under these (conversation, sender key, client id) keys: resends.

        Looked up key by key in the unique index, so the cost follows the batch, not the history.
        """
        from showdesk.adapters.storage.sql_rows import to_entity

        if self._is_sqlite:
            keyed = f"WITH k(a, b, c) AS (VALUES {_rows(len(keys), 3)}) "
            join = "JOIN k ON conversation_id = k.a AND sender_key = k.b AND client_id = k.c"
            sql = f"{keyed}{_FOLD_MESSAGES} {join}"
            rows = _driver_json(conn, sql, [value for key in keys for value in key])
            return {(r[0], r[1], r[2]): _message_from_row(dict(zip(_MESSAGE_COLUMNS, r, strict=True))) for r in rows}

        m = t.messages
        key_columns = tuple_(m.c.conversation_id, m.c.sender_key, m.c.client_id)
        found = conn.execute(select(m).where(key_columns.in_(keys))).all()
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
        # The hot path of every chat message: one UPDATE and one INSERT per 500 messages, on the driver's
        # cursor, inside the same transaction. The driver lets go of the GIL around each SQLite call
        # and this thread must win it back after each one from a busy event loop, so the number of
        # calls per batch matters more than their size. Times are stored in the text form
        # SQLAlchemy's SQLite DateTime type writes and reads (UTC, no zone suffix).
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            seqs = [(cid, conversations[cid].last_seq) for cid in sorted(moved)]
            values = _rows(len(seqs), 2)
            cursor.execute(
                f"UPDATE conversations SET last_seq = v.column2 FROM (VALUES {values}) AS v WHERE id = v.column1",  # noqa: S608
                [value for pair in seqs for value in pair],
            )
            for start in range(0, len(fresh), _INSERT_ROWS):
                chunk = fresh[start : start + _INSERT_ROWS]
                cursor.execute(
                    f"{_INSERT_MESSAGES} VALUES {_rows(len(chunk), 12)}",
                    [
                        value
                        for m in chunk
                        for value in (
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
                            orjson.dumps(m.attachment).decode() if m.attachment is not None else None,
                            orjson.dumps(m.notice).decode() if m.notice is not None else None,
                        )
                    ],
                )
        finally:
            cursor.close()

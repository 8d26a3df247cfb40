"""Group commit for chat messages.

Appends are queued; one writer task takes whatever is waiting (up to a batch) and stores it in one
transaction with a fixed number of statements, however large the batch:

1. lock the batch's conversations and read their state, agent and last sequence number,
2. read any stored messages with the batch's (conversation, sender, client id) keys (resends), key
   by key in the unique index, so the cost follows the batch and not the conversations' history,
3. check each append (conversation open; an agent's message only from the conversation's agent),
   give the new ones the next sequence numbers,
4. write the new last sequence numbers and insert the messages, commit,

and only then resolve each caller's future. Under load this turns hundreds of commits into a few.

On SQLite the batch is stored by a process of its own (sqlite_messages.py, driven through
sqlite_message_process.py), so the event loop's process spends nothing on it but handing it over. On
PostgreSQL it runs as one synchronous function through the async engine's `run_sync`, locking with
`SELECT ... ORDER BY id FOR UPDATE` (so nodes never deadlock) and inserting with executemany.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, tuple_, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.private_files import sqlite_file
from showdesk.adapters.storage.sqlite_message_process import Outcome, SqliteMessageProcess
from showdesk.adapters.storage.sqlite_messages import sender_key
from showdesk.domain.conversation import Message, NewMessage, refuse_message
from showdesk.domain.errors import Conflict, NotFound, ShowDeskError
from showdesk.domain.ids import new_id

log = logging.getLogger(__name__)

MAX_BATCH = 1024
_RESOLVE_CHUNK = 64  # callers woken per loop turn, so reading new frames goes on between turns
DRAIN_TIMEOUT = 10.0  # seconds `close` waits for queued appends; the caller may bound it more

Pending = tuple[NewMessage, "asyncio.Future[tuple[Message, bool]]"]


@dataclass
class _Conversation:
    state: str
    agent_id: str | None
    last_seq: int


class MessageWriter:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._process: SqliteMessageProcess | None = None
        if engine.dialect.name == "sqlite":
            database = sqlite_file(engine.url.render_as_string(hide_password=False))
            if database is None:
                raise ValueError("ShowDesk's SQLite database must be a file (sqlite+aiosqlite:///path/to/file.db)")
            self._process = SqliteMessageProcess(database)
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
        if self._process is not None:
            await self._process.close()

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
        if self._process is not None:
            return await self._process.store(batch)
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

    @staticmethod
    def _lock_and_read(conn: Connection, ids: list[str]) -> dict[str, _Conversation]:
        c = t.conversations
        columns = (c.c.id, c.c.state, c.c.agent_id, c.c.last_seq)
        query = select(*columns).where(c.c.id.in_(ids)).order_by(c.c.id).with_for_update()
        rows = conn.execute(query).all()
        return {row.id: _Conversation(row.state, row.agent_id, row.last_seq) for row in rows}

    @staticmethod
    def _stored(conn: Connection, keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], Message]:
        """Messages already stored under these (conversation, sender key, client id) keys: resends."""
        from showdesk.adapters.storage.sql_rows import to_entity

        m = t.messages
        key_columns = tuple_(m.c.conversation_id, m.c.sender_key, m.c.client_id)
        found = conn.execute(select(m).where(key_columns.in_(keys))).all()
        return {(row.conversation_id, row.sender_key, row.client_id): to_entity(Message, row) for row in found}

    @staticmethod
    def _write(conn: Connection, conversations: dict[str, _Conversation], fresh: list[Message]) -> None:
        c = t.conversations
        conn.execute(
            update(c).where(c.c.id == bindparam("cid")).values(last_seq=bindparam("seq")),
            [{"cid": cid, "seq": conversations[cid].last_seq} for cid in sorted({m.conversation_id for m in fresh})],
        )
        rows: list[dict[str, Any]] = [{**m.__dict__, "sender_key": sender_key(m.sender, m.sender_id)} for m in fresh]
        conn.execute(t.messages.insert(), rows)

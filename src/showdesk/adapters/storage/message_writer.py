"""Group commit for chat messages.

Appends are queued; one writer task takes whatever is waiting (up to a batch) and stores it in one
transaction: per conversation it reserves the next sequence numbers with one UPDATE ... RETURNING,
skips client ids already stored (idempotent resends), inserts the rest, commits, and only then
resolves each caller's future. Under load this turns hundreds of commits into a few.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from showdesk.adapters.storage import tables as t
from showdesk.domain.conversation import Message, NewMessage
from showdesk.domain.errors import NotFound
from showdesk.domain.ids import new_id

log = logging.getLogger(__name__)

MAX_BATCH = 512

Pending = tuple[NewMessage, "asyncio.Future[tuple[Message, bool]]"]


def _row_message(row: Any) -> Message:
    from showdesk.adapters.storage.sql import to_entity

    return to_entity(Message, row)


class MessageWriter:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._queue: asyncio.Queue[Pending] | None = None
        self._task: asyncio.Task[None] | None = None

    async def append(self, new: NewMessage) -> tuple[Message, bool]:
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._task = asyncio.create_task(self._run())
        future: asyncio.Future[tuple[Message, bool]] = asyncio.get_running_loop().create_future()
        await self._queue.put((new, future))
        return await future

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            self._queue = None

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                results = await self._store(batch)
            except Exception:
                # One bad append must not fail its neighbours: retry them one by one.
                log.warning("message batch of %d failed; storing one by one", len(batch), exc_info=True)
                for item in batch:
                    try:
                        results = await self._store([item])
                    except Exception as exc:
                        if not item[1].done():
                            item[1].set_exception(exc)
                        continue
                    self._resolve([item], results)
                continue
            self._resolve(batch, results)

    @staticmethod
    def _resolve(batch: list[Pending], results: list[tuple[Message, bool]]) -> None:
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)

    async def _store(self, batch: list[Pending]) -> list[tuple[Message, bool]]:
        by_conversation: defaultdict[str, list[int]] = defaultdict(list)
        for index, (new, _) in enumerate(batch):
            by_conversation[new.conversation_id].append(index)
        results: list[tuple[Message, bool] | None] = [None] * len(batch)
        async with self._engine.begin() as conn:
            for conversation_id, indexes in by_conversation.items():
                await self._store_conversation(conn, conversation_id, [batch[i][0] for i in indexes], indexes, results)
        return [r for r in results if r is not None]

    async def _store_conversation(
        self,
        conn: AsyncConnection,
        conversation_id: str,
        news: list[NewMessage],
        indexes: list[int],
        results: list[tuple[Message, bool] | None],
    ) -> None:
        m = t.messages
        client_ids = {n.client_id for n in news}
        stored_rows = (
            await conn.execute(select(m).where(m.c.conversation_id == conversation_id, m.c.client_id.in_(client_ids)))
        ).all()
        known: dict[str, Message] = {row.client_id: _row_message(row) for row in stored_rows}
        fresh: list[tuple[int, NewMessage]] = []
        for index, new in zip(indexes, news, strict=True):
            if new.client_id in known or any(f.client_id == new.client_id for _, f in fresh):
                continue
            fresh.append((index, new))
        if fresh:
            c = t.conversations
            top = (
                await conn.execute(
                    update(c)
                    .where(c.c.id == conversation_id)
                    .values(last_seq=c.c.last_seq + len(fresh))
                    .returning(c.c.last_seq)
                )
            ).scalar_one_or_none()
            if top is None:
                raise NotFound(f"conversation {conversation_id} does not exist")
            first_seq = top - len(fresh) + 1
            rows = []
            for offset, (_, new) in enumerate(fresh):
                message = Message(
                    id=new_id("m"),
                    conversation_id=conversation_id,
                    seq=first_seq + offset,
                    sender=new.sender,
                    sender_id=new.sender_id,
                    display_name=new.display_name,
                    text=new.text,
                    client_id=new.client_id,
                    created_at=new.created_at,
                )
                known[new.client_id] = message
                rows.append(message.__dict__.copy())
            await conn.execute(m.insert(), rows)
        fresh_ids = {new.client_id for _, new in fresh}
        for index, new in zip(indexes, news, strict=True):
            results[index] = (known[new.client_id], new.client_id in fresh_ids)
            fresh_ids.discard(new.client_id)  # a second copy in the same batch is a resend

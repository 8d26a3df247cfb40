"""Group commit for chat messages.

Appends are queued; one writer task takes whatever is waiting (up to a batch) and stores it in one
transaction with a fixed number of statements, however large the batch:

1. lock the batch's conversations (a no-op UPDATE on SQLite, which takes the write lock before any
   read; `SELECT ... ORDER BY id FOR UPDATE` on PostgreSQL, so nodes never deadlock),
2. read their state, agent and last sequence number,
3. read any stored messages with the batch's client ids (resends),
4. check each append (conversation open; an agent's message only from the conversation's agent),
   give the new ones the next sequence numbers,
5. write the new last sequence numbers and insert the messages (two executemany calls), commit,

and only then resolve each caller's future. Under load this turns hundreds of commits into a few.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from showdesk.adapters.storage import tables as t
from showdesk.domain.conversation import ConversationState, Message, NewMessage, Sender
from showdesk.domain.errors import Conflict, Forbidden, NotFound, ShowDeskError
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


def _refusal(new: NewMessage, conv: _Conversation | None) -> ShowDeskError | None:
    if conv is None:
        return NotFound(f"conversation {new.conversation_id} does not exist", code="conversation_not_found")
    if new.sender == Sender.SYSTEM.value:
        return None
    if conv.state == ConversationState.ENDED.value:
        return Conflict("this chat has ended; start a new one to keep talking", code="chat_ended")
    if new.sender == Sender.AGENT.value and conv.agent_id != new.sender_id:
        return Forbidden("you are not the agent of this conversation", code="not_your_conversation")
    return None


class MessageWriter:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._is_sqlite = engine.dialect.name == "sqlite"
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
        ids = sorted({new.conversation_id for new in batch})
        async with self._engine.begin() as conn:
            conversations = await self._lock_and_read(conn, ids)
            stored = await self._stored(conn, ids, {new.client_id for new in batch})
            outcomes: list[Outcome] = []
            fresh: list[Message] = []
            for new in batch:
                key = (new.conversation_id, sender_key(new.sender, new.sender_id), new.client_id)
                if key in stored:
                    outcomes.append((stored[key], False))
                    continue
                conv = conversations.get(new.conversation_id)
                refusal = _refusal(new, conv)
                if refusal is not None or conv is None:
                    outcomes.append(refusal or NotFound("conversation not found"))
                    continue
                conv.last_seq += 1
                message = Message(
                    id=new_id("m"),
                    conversation_id=new.conversation_id,
                    seq=conv.last_seq,
                    sender=new.sender,
                    sender_id=new.sender_id,
                    display_name=new.display_name,
                    text=new.text,
                    client_id=new.client_id,
                    created_at=new.created_at,
                )
                stored[key] = message
                fresh.append(message)
                outcomes.append((message, True))
            if fresh:
                await self._write(conn, conversations, fresh)
        return outcomes

    async def _lock_and_read(self, conn: AsyncConnection, ids: list[str]) -> dict[str, _Conversation]:
        c = t.conversations
        query = select(c.c.id, c.c.state, c.c.agent_id, c.c.last_seq).where(c.c.id.in_(ids))
        if self._is_sqlite:
            # Take SQLite's write lock first, so no other writer can slip in between read and write.
            await conn.execute(update(c).where(c.c.id.in_(ids)).values(last_seq=c.c.last_seq))
        else:
            query = query.order_by(c.c.id).with_for_update()
        rows = (await conn.execute(query)).all()
        return {row.id: _Conversation(row.state, row.agent_id, row.last_seq) for row in rows}

    async def _stored(
        self, conn: AsyncConnection, ids: list[str], client_ids: set[str]
    ) -> dict[tuple[str, str, str], Message]:
        from showdesk.adapters.storage.sql import to_entity

        m = t.messages
        rows = (await conn.execute(select(m).where(m.c.conversation_id.in_(ids), m.c.client_id.in_(client_ids)))).all()
        return {(row.conversation_id, row.sender_key, row.client_id): to_entity(Message, row) for row in rows}

    async def _write(
        self, conn: AsyncConnection, conversations: dict[str, _Conversation], fresh: list[Message]
    ) -> None:
        c = t.conversations
        moved = {m.conversation_id for m in fresh}
        await conn.execute(
            update(c).where(c.c.id == bindparam("cid")).values(last_seq=bindparam("seq")),
            [{"cid": cid, "seq": conversations[cid].last_seq} for cid in sorted(moved)],
        )
        rows: list[dict[str, Any]] = [{**m.__dict__, "sender_key": sender_key(m.sender, m.sender_id)} for m in fresh]
        await conn.execute(t.messages.insert(), rows)

"""The server's side of SQLite's message-writing process (sqlite_messages.py): start it when the first
message is stored, hand it one batch at a time, read the outcomes back as messages, stop it on close.

A process that dies, or a request cut short (its reply would be read as the next one's), is
discarded: the batch fails (the writer retries its messages one by one, and a message already
committed comes back as a resend, never stored twice) and the next request starts a fresh process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from showdesk.adapters.storage.sqlite_messages import MESSAGE_COLUMNS, encode_batch
from showdesk.domain.conversation import Message, NewMessage
from showdesk.domain.errors import Conflict, Forbidden, NotFound, ShowDeskError

log = logging.getLogger(__name__)

STOP_TIMEOUT = 5.0  # seconds a stopping process is given to finish its batch before it is killed
_REFUSALS: dict[str, type[ShowDeskError]] = {"not_found": NotFound, "forbidden": Forbidden, "conflict": Conflict}

Outcome = tuple[Message, bool] | ShowDeskError


class MessageProcessFailed(RuntimeError):
    """The process could not store the batch (it was rolled back, or the process is gone)."""


class SqliteMessageProcess:
    def __init__(self, database: Path) -> None:
        self._database = database
        self._process: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    async def store(self, batch: list[NewMessage]) -> list[Outcome]:
        request = encode_batch(batch)
        async with self._lock:
            process = self._process or await self._start()
            try:
                reply = await self._ask(process, request)
            except BaseException:
                await self._discard()
                raise
        if "error" in reply:
            raise MessageProcessFailed(reply["error"])
        outcomes: list[Outcome] = []
        for new, found in zip(batch, reply["ok"], strict=True):
            outcomes.append(_outcome(new, found, outcomes))
        return outcomes

    async def close(self) -> None:
        async with self._lock:
            process, self._process = self._process, None
            if process is None:
                return
            assert process.stdin is not None
            process.stdin.close()  # end of requests: it commits nothing more and exits
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                await _kill(process)

    async def _start(self) -> asyncio.subprocess.Process:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "showdesk.adapters.storage.sqlite_messages",
            str(self._database),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return self._process

    @staticmethod
    async def _ask(process: asyncio.subprocess.Process, request: bytes) -> dict[str, Any]:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(len(request).to_bytes(4, "big") + request)
        try:
            await process.stdin.drain()
            size = int.from_bytes(await process.stdout.readexactly(4), "big")
            body = await process.stdout.readexactly(size)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            raise MessageProcessFailed(f"the message process stopped (exit code {process.returncode})") from exc
        reply: dict[str, Any] = orjson.loads(body)
        return reply

    async def _discard(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            log.warning("discarding the SQLite message process (pid %s)", process.pid)
            await asyncio.shield(_kill(process))


async def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    await process.wait()


def _outcome(new: NewMessage, found: list[Any], before: list[Outcome]) -> Outcome:
    """One message's outcome from the process's answer; `before` holds the batch's earlier ones."""
    kind = found[0]
    if kind == "new":
        return new.stored_as(found[1], found[2]), True
    if kind == "same":  # a resend of an earlier message of this batch
        first = before[found[1]]
        assert not isinstance(first, ShowDeskError)
        return first[0], False
    if kind == "old":
        return message_from_row(dict(zip(MESSAGE_COLUMNS, found[1], strict=True))), False
    return _REFUSALS.get(found[1], Conflict)(found[3], code=found[2])


def message_from_row(row: dict[str, Any]) -> Message:
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
        attachment=orjson.loads(row["attachment"]) if row["attachment"] is not None else None,
        notice=orjson.loads(row["notice"]) if row["notice"] is not None else None,
    )

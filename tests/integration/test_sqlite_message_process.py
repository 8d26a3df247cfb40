"""On SQLite a process of its own stores the chat messages (sqlite_messages.py): it starts with the first
message, a batch it cannot store is retried message by message, a process that dies loses no
acknowledged message and is replaced, and closing the store stops it."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from showdesk.adapters.storage.sql import SqlStore
from showdesk.domain.errors import Conflict
from tests.support.records import chat, customer_says, organization
from tests.support.stores import migrated_store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlStore]:
    async with migrated_store("sqlite", tmp_path) as opened:
        assert isinstance(opened, SqlStore)
        await organization(opened)
        await opened.save_conversation(chat("c1", state="connected", agent_id="agent-1"))
        yield opened


def _writer_pid(store: SqlStore) -> int | None:
    process = store._writer._process
    assert process is not None
    running = process._process
    return running.pid if running is not None and running.returncode is None else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a child not yet reaped is a zombie: gone all the same
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


async def test_the_first_message_starts_a_process_that_stores_it(store: SqlStore) -> None:
    assert _writer_pid(store) is None  # nothing stored yet: no process

    message, fresh = await store.append_message(customer_says("c1", "hello", "k1"))

    pid = _writer_pid(store)
    assert pid is not None and pid != os.getpid() and _alive(pid)
    assert fresh and message.seq == 1
    assert await store.list_messages("c1") == [message]


async def test_a_killed_process_is_replaced_and_no_message_is_lost(store: SqlStore) -> None:
    first, _ = await store.append_message(customer_says("c1", "before", "k1"))
    pid = _writer_pid(store)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)

    second, fresh = await store.append_message(customer_says("c1", "after", "k2"))

    assert fresh and second.seq == 2
    replacement = _writer_pid(store)
    assert replacement is not None and replacement != pid
    assert [m.text for m in await store.list_messages("c1")] == ["before", "after"]
    assert first in await store.list_messages("c1")


async def test_a_batch_the_database_refuses_fails_each_message_clearly_and_the_next_one_is_stored(
    store: SqlStore, tmp_path: Path
) -> None:
    await store.append_message(customer_says("c1", "first", "k1"))
    database = str(store.engine.url.database)
    with sqlite3.connect(database) as other:  # the table is gone for a moment: every write fails
        other.execute("ALTER TABLE messages RENAME TO messages_away")

    results = await asyncio.gather(
        *(store.append_message(customer_says("c1", f"lost {n}", f"x{n}")) for n in range(3)),
        return_exceptions=True,
    )

    assert all(isinstance(r, Conflict) and r.code == "store_failed" for r in results), results
    with sqlite3.connect(database) as other:
        other.execute("ALTER TABLE messages_away RENAME TO messages")
    again, fresh = await store.append_message(customer_says("c1", "lost 0", "x0"))
    assert fresh and again.seq == 2  # nothing of the failed batch was kept: the numbers have no gap
    assert [m.text for m in await store.list_messages("c1")] == ["first", "lost 0"]


async def test_closing_the_store_stops_the_process(tmp_path: Path) -> None:
    async with migrated_store("sqlite", tmp_path) as store:
        await organization(store)
        await store.save_conversation(chat("c1", state="connected", agent_id="agent-1"))
        await store.append_message(customer_says("c1", "hello", "k1"))
        assert isinstance(store, SqlStore)
        pid = _writer_pid(store)
        assert pid is not None
        await store.close()
        assert not _alive(pid)


async def test_a_ctrl_c_to_the_process_group_does_not_stop_it(store: SqlStore) -> None:
    await store.append_message(customer_says("c1", "hello", "k1"))
    pid = _writer_pid(store)
    assert pid is not None

    os.kill(pid, signal.SIGINT)  # what a terminal's Ctrl-C sends the server's whole process group
    os.kill(pid, signal.SIGTERM)

    message, fresh = await store.append_message(customer_says("c1", "still here", "k2"))
    assert fresh and message.seq == 2
    assert _writer_pid(store) == pid

"""A node that stops finishes its message writes: closing the store commits every append still queued
(a graceful shutdown's last step), on SQLite and PostgreSQL, and answers each caller."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from showdesk.adapters.storage.sql import SqlStore
from showdesk.domain.conversation import NewMessage
from showdesk.domain.directory import Organization
from tests.support.retention import add_chat
from tests.support.stores import SQL_BACKENDS, migrated_store


@pytest.mark.parametrize("backend", SQL_BACKENDS)
async def test_closing_the_store_commits_every_queued_message(backend: str, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    async with migrated_store(backend, tmp_path) as store:
        await store.save_organization(Organization(id="org", name="org"))
        await add_chat(store, "org", "chat", now, None, messages=0, video_sessions=0)
        messages = [NewMessage("chat", "customer", None, "Casey", f"n{n}", f"c{n}", now) for n in range(300)]
        queued = [asyncio.ensure_future(store.append_message(m)) for m in messages]
        await asyncio.sleep(0)  # every append is queued with the writer; none is committed yet
        await store.close()
        answers = await asyncio.wait_for(asyncio.gather(*queued), 10)
        assert sorted(m.seq for m, _ in answers) == list(range(1, 301))
        reader = SqlStore(store.url)  # the same database, opened again
        try:
            assert [m.text for m in await reader.list_messages("chat")] == [f"n{n}" for n in range(300)]
        finally:
            await reader.close()

"""`showdesk serve --retention-days N` purges expired chats as it starts (and hourly); without it, none."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from showdesk.adapters.storage import open_store
from showdesk.adapters.storage.sql import SqlStore
from showdesk.domain.directory import Organization
from tests.support.retention import add_chat
from tests.support.server import ServerProcess
from tests.support.waiting import wait_until

ORG = "retention-job-org"
EXPIRED = "c-ended-three-days-ago"
KEPT = ["c-ended-an-hour-ago", "c-open-for-ten-days"]


def seed(url: str) -> None:
    async def run() -> None:
        store = await open_store(url)
        try:
            now = datetime.now(UTC)
            await store.save_organization(Organization(id=ORG, name="Retention Job"))
            await add_chat(store, ORG, EXPIRED, now - timedelta(days=4), now - timedelta(days=3))
            await add_chat(store, ORG, KEPT[0], now - timedelta(hours=2), now - timedelta(hours=1))
            await add_chat(store, ORG, KEPT[1], now - timedelta(days=10), None)
        finally:
            await store.close()

    asyncio.run(run())


def present(url: str) -> tuple[set[str], int, int]:
    """Which of the chats are stored, how many messages they have in all, and the retention audit entries."""

    async def run() -> tuple[set[str], int, int]:
        store = SqlStore(url)
        try:
            found = {c for c in [EXPIRED, *KEPT] if await store.get_conversation(c) is not None}
            messages = sum([len(await store.list_messages(c)) for c in [EXPIRED, *KEPT]])
            return found, messages, len(await store.list_audit(ORG, target_type="retention"))
        finally:
            await store.close()

    return asyncio.run(run())


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'showdesk.db'}"
    seed(url)
    return url


def test_the_server_purges_an_expired_chat_shortly_after_start(database: str) -> None:
    assert present(database)[0] == {EXPIRED, *KEPT}
    server = ServerProcess("--retention-days", "1", database_url=database).start()
    try:
        with contextlib.suppress(AssertionError):  # said below, with the server's log
            wait_until(lambda: EXPIRED not in present(database)[0], 10, "the expired chat purged")
        found, messages, entries = present(database)
        assert found == set(KEPT), server.server_log()
        assert messages == 3 * len(KEPT)
        assert entries == 1
        assert "purge failed" not in server.server_log()
    finally:
        server.cleanup()


def test_without_retention_days_nothing_is_purged(database: str) -> None:
    server = ServerProcess(database_url=database).start()
    try:
        # A sleep, not a condition: nothing is to happen, so there is nothing to wait for. The test above sees
        # the purge within a fraction of a second of the start; this one gives it well over that.
        time.sleep(1.5)
        assert present(database) == ({EXPIRED, *KEPT}, 3 * (1 + len(KEPT)), 0)
    finally:
        server.cleanup()

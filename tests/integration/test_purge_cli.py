"""`showdesk purge --older-than-days N [--dry-run]` against a SQLite file, as cron would run it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from showdesk.adapters.storage import open_store
from showdesk.adapters.storage.sql import SqlStore
from tests.support.retention import DAYS, ORG, Chats, seed_chats, table_counts


def seed(url: str) -> Chats:
    async def run() -> Chats:
        store = await open_store(url)
        try:
            return await seed_chats(store, datetime.now(UTC))
        finally:
            await store.close()

    return asyncio.run(run())


def counts(url: str) -> tuple[dict[str, int], int]:
    """Rows per table, and the organization's retention audit entries."""

    async def run() -> tuple[dict[str, int], int]:
        store = SqlStore(url)
        try:
            return await table_counts(store.engine), len(await store.list_audit(ORG, target_type="retention"))
        finally:
            await store.close()

    return asyncio.run(run())


def purge(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "showdesk.cli", "purge", "--older-than-days", str(DAYS), "--database-url", url, *extra],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_dry_run_counts_and_changes_nothing_then_purge_removes(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'showdesk.db'}"
    chats = seed(url)
    messages = sum(c.messages for c in chats.expired)
    videos = sum(c.video_sessions for c in chats.expired)
    photos = sum(c.photos for c in chats.expired)
    before, _ = counts(url)

    dry = purge(url, "--dry-run")

    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith(
        f"would purge: {len(chats.expired)} conversations, {messages} messages, {videos} video sessions, "
        f"{photos} photos (chats ended before "
    )
    assert counts(url) == (before, 0)

    done = purge(url)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        f"purged: {len(chats.expired)} conversations, {messages} messages, {videos} video sessions, {photos} photos"
    )
    after, entries = counts(url)
    assert after["conversations"] == before["conversations"] - len(chats.expired)
    assert after["messages"] == before["messages"] - messages
    assert after["video_sessions"] == before["video_sessions"] - videos
    assert after["photos"] == before["photos"] - photos
    assert entries == 1

    again = purge(url)

    assert again.stdout.startswith("purged: 0 conversations, 0 messages, 0 video sessions, 0 photos")
    assert counts(url) == (after, 1)


def test_one_organization_and_an_unknown_one(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'showdesk.db'}"
    chats = seed(url)
    mine = [c for c in chats.expired if c.organization_id == ORG]

    done = purge(url, "--organization", ORG)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"purged: {len(mine)} conversations")
    unknown = purge(url, "--organization", "nobody")
    assert unknown.returncode == 1
    assert "organization 'nobody' does not exist" in unknown.stderr

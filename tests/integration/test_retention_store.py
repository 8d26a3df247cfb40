"""Retention on real databases: the same purge on a SQLite file and on PostgreSQL removes exactly the
expired chats, their messages and video sessions, in batches, and nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from showdesk.adapters.clock import SystemClock
from showdesk.adapters.storage.sql import SqlStore
from showdesk.domain.retention import PurgeCounts
from showdesk.services.audit import AuditTrail
from showdesk.services.retention import RetentionService
from tests.support.retention import DAYS, ORG, OTHER_ORG, TINY_PNG, Chats, rows_of, seed_chats, table_counts
from tests.support.stores import SQL_BACKENDS, migrated_store


@pytest.fixture(params=SQL_BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlStore]:
    async with migrated_store(request.param, tmp_path) as opened:
        yield opened


def service(store: SqlStore, batch_size: int = 500) -> RetentionService:
    clock = SystemClock()
    return RetentionService(store, clock, AuditTrail(store, clock), keep_days=DAYS, batch_size=batch_size)


def expected(chats: Chats, org_id: str | None = None) -> PurgeCounts:
    mine = [c for c in chats.expired if org_id in (None, c.organization_id)]
    return PurgeCounts(
        len(mine),
        sum(c.messages for c in mine),
        sum(c.video_sessions for c in mine),
        sum(c.photos for c in mine),
    )


async def test_purge_removes_exactly_the_expired_chats_and_their_records(store: SqlStore) -> None:
    now = datetime.now(UTC)
    chats = await seed_chats(store, now)
    kept_before = await rows_of(store.engine, chats.ids(chats.kept))
    before = await table_counts(store.engine)

    result = await service(store).purge(None, now)

    after = await table_counts(store.engine)
    want = expected(chats)
    assert result.counts == want
    assert await rows_of(store.engine, chats.ids(chats.expired)) == {
        "conversations": 0,
        "messages": 0,
        "video_sessions": 0,
        "photos": 0,
    }
    assert await rows_of(store.engine, chats.ids(chats.kept)) == kept_before
    assert after == {
        **before,
        "conversations": before["conversations"] - want.conversations,
        "messages": before["messages"] - want.messages,
        "video_sessions": before["video_sessions"] - want.video_sessions,
        "photos": before["photos"] - want.photos,
    }
    # what is kept still reads as before
    for chat in chats.kept:
        assert len(await store.list_messages(chat.id)) == chat.messages
        assert len(await store.list_video_sessions(chat.id)) == chat.video_sessions
        photos = await store.list_photos(chat.id)
        assert len(photos) == chat.photos
        for photo in photos:
            assert await store.get_photo_data(photo.id) == TINY_PNG


async def test_the_run_is_audited_per_organization_and_a_second_run_purges_nothing(store: SqlStore) -> None:
    now = datetime.now(UTC)
    chats = await seed_chats(store, now)
    retention = service(store)
    await retention.purge(None, now)

    [entry] = await store.list_audit(ORG, target_type="retention")
    mine = expected(chats, ORG)
    assert (entry.actor_id, entry.actor_name, entry.action) == ("retention", "Retention", "retention.purge")
    assert entry.after == {
        "cutoff": (now - timedelta(days=DAYS)).isoformat(),
        "conversations": mine.conversations,
        "messages": mine.messages,
        "videoSessions": mine.video_sessions,
        "photos": mine.photos,
    }
    [other] = await store.list_audit(OTHER_ORG, target_type="retention")
    assert other.after is not None and other.after["conversations"] == expected(chats, OTHER_ORG).conversations

    before = await table_counts(store.engine)
    again = await retention.purge(None, now)

    assert again.counts.nothing
    assert await table_counts(store.engine) == before
    assert len(await store.list_audit(ORG, target_type="retention")) == 1
    assert len(await store.list_audit(OTHER_ORG, target_type="retention")) == 1


async def test_small_batches_and_one_organization(store: SqlStore) -> None:
    now = datetime.now(UTC)
    chats = await seed_chats(store, now)
    retention = service(store, batch_size=1)

    result = await retention.purge(ORG, now)

    assert result.counts == expected(chats, ORG)
    assert set(result.organizations) == {ORG}
    other = {c.id for c in chats.expired if c.organization_id == OTHER_ORG}
    assert (await rows_of(store.engine, other))["conversations"] == len(other)
    assert await store.list_audit(OTHER_ORG, target_type="retention") == []


async def test_count_matches_the_purge_and_changes_nothing(store: SqlStore) -> None:
    now = datetime.now(UTC)
    chats = await seed_chats(store, now)
    before = await table_counts(store.engine)

    counted = await service(store).count(None, now)

    assert counted.counts == expected(chats)
    assert await table_counts(store.engine) == before
    assert await store.list_audit(ORG) == []


async def test_the_store_finds_expired_chats_oldest_end_first(store: SqlStore) -> None:
    now = datetime.now(UTC)
    chats = await seed_chats(store, now)
    cutoff = now - timedelta(days=DAYS)

    found = await store.expired_conversations(cutoff, 100)

    assert {cid for cid, _ in found} == chats.ids(chats.expired)
    assert found[0] == ("c-ended-no-video", ORG)  # ended 59 days ago
    assert await store.expired_conversations(cutoff, 2, OTHER_ORG) == [("c-other-ended-long-ago", OTHER_ORG)]
    assert await store.delete_conversations([]) == PurgeCounts()

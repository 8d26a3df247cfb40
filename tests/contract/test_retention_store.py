"""The retention store's contract (`ports.RetentionStore`), the same in memory, on SQLite and on
PostgreSQL, with RetentionService over it: exactly the expired chats are found (oldest end first),
counted and purged with their messages, video sessions and photos, in batches, one audit entry per
organization, and nothing else; on SQL, no row of theirs is left in any table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from showdesk.adapters.clock import SystemClock
from showdesk.adapters.storage.sql import SqlStore
from showdesk.domain.retention import PurgeCounts
from showdesk.services.audit import AuditTrail
from showdesk.services.ports import Store
from showdesk.services.retention import RetentionService
from tests.support.retention import (
    DAYS,
    ORG,
    OTHER_ORG,
    TINY_PNG,
    Chat,
    Chats,
    rows_of,
    seed_chats,
    table_counts,
)


def service(store: Store, batch_size: int = 500) -> RetentionService:
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


async def what_is_left(store: Store, chat: Chat) -> tuple[bool, int, int, int, int]:
    """Whether the chat is there, and its messages, video sessions, photos and photos' bytes."""
    photos = await store.list_photos(chat.id)
    data = [await store.get_photo_data(f"{chat.id}-p{n}") for n in range(chat.photos)]
    return (
        await store.get_conversation(chat.id) is not None,
        len(await store.list_messages(chat.id)),
        len(await store.list_video_sessions(chat.id)),
        len(photos),
        sum(1 for found in data if found == TINY_PNG),
    )


def whole(chat: Chat) -> tuple[bool, int, int, int, int]:
    return (True, chat.messages, chat.video_sessions, chat.photos, chat.photos)


GONE = (False, 0, 0, 0, 0)


async def test_the_store_finds_expired_chats_oldest_end_first(store: Store) -> None:
    now = datetime.now(UTC)
    chats = await seed_chats(store, now)
    cutoff = now - timedelta(days=DAYS)

    found = await store.expired_conversations(cutoff, 100)

    assert {cid for cid, _ in found} == chats.ids(chats.expired)
    assert found[0] == ("c-ended-no-video", ORG)  # ended 59 days ago
    assert found[-1] == ("c-ended-just-past", ORG)  # ended a few minutes past the period
    assert await store.expired_conversations(cutoff, 2) == found[:2]
    assert await store.expired_conversations(cutoff, 2, OTHER_ORG) == [("c-other-ended-long-ago", OTHER_ORG)]


async def test_a_purge_removes_exactly_the_expired_chats_and_their_records(store: Store) -> None:
    now = datetime.now(UTC)
    chats = await seed_chats(store, now)

    result = await service(store).purge(None, now)

    assert result.counts == expected(chats)
    for chat in chats.expired:
        assert await what_is_left(store, chat) == GONE, chat.id
    for chat in chats.kept:
        assert await what_is_left(store, chat) == whole(chat), chat.id


async def test_the_store_deletes_what_it_counted_and_ignores_what_is_not_there(store: Store) -> None:
    now = datetime.now(UTC)
    chats = await seed_chats(store, now)
    cutoff = now - timedelta(days=DAYS)
    counted = await store.count_expired(cutoff, ORG)

    ids = [cid for cid, _ in await store.expired_conversations(cutoff, 100, ORG)]
    deleted = await store.delete_conversations([*ids, "nobody", ids[0]])

    assert deleted == counted == expected(chats, ORG)
    assert await store.delete_conversations(ids) == PurgeCounts()
    assert await store.delete_conversations([]) == PurgeCounts()
    assert await store.count_expired(cutoff, ORG) == PurgeCounts()


async def test_the_run_is_audited_per_organization_and_a_second_run_purges_nothing(store: Store) -> None:
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
        "handoffs": mine.handoffs,
    }
    [other] = await store.list_audit(OTHER_ORG, target_type="retention")
    assert other.after is not None and other.after["conversations"] == expected(chats, OTHER_ORG).conversations

    again = await retention.purge(None, now)

    assert again.counts.nothing
    for chat in chats.kept:
        assert await what_is_left(store, chat) == whole(chat), chat.id
    assert len(await store.list_audit(ORG, target_type="retention")) == 1
    assert len(await store.list_audit(OTHER_ORG, target_type="retention")) == 1


async def test_small_batches_and_one_organization(store: Store) -> None:
    now = datetime.now(UTC)
    chats = await seed_chats(store, now)

    result = await service(store, batch_size=1).purge(ORG, now)

    assert result.counts == expected(chats, ORG)
    assert set(result.organizations) == {ORG}
    for chat in chats.expired:
        assert await what_is_left(store, chat) == (GONE if chat.organization_id == ORG else whole(chat)), chat.id
    assert await store.list_audit(OTHER_ORG, target_type="retention") == []


async def test_a_count_matches_the_purge_and_changes_nothing(store: Store) -> None:
    now = datetime.now(UTC)
    chats = await seed_chats(store, now)

    counted = await service(store).count(None, now)

    assert counted.counts == expected(chats)
    for chat in [*chats.expired, *chats.kept]:
        assert await what_is_left(store, chat) == whole(chat), chat.id
    assert await store.list_audit(ORG) == []


async def test_a_purge_leaves_no_row_of_an_expired_chat_in_any_table(sql_store: SqlStore) -> None:
    now = datetime.now(UTC)
    chats = await seed_chats(sql_store, now)
    kept_before = await rows_of(sql_store.engine, chats.ids(chats.kept))
    before = await table_counts(sql_store.engine)

    await service(sql_store).purge(None, now)

    want = expected(chats)
    assert await rows_of(sql_store.engine, chats.ids(chats.expired)) == {
        "conversations": 0,
        "messages": 0,
        "video_sessions": 0,
        "photos": 0,
    }
    assert await rows_of(sql_store.engine, chats.ids(chats.kept)) == kept_before
    assert await table_counts(sql_store.engine) == {
        **before,
        "conversations": before["conversations"] - want.conversations,
        "messages": before["messages"] - want.messages,
        "video_sessions": before["video_sessions"] - want.video_sessions,
        "photos": before["photos"] - want.photos,
    }

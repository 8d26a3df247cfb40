"""Retention: the rule (which chats are past their period) and the purge service on the in-memory store."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from showdesk.adapters.storage.memory import MemoryStore
from showdesk.domain.conversation import Conversation, ConversationState
from showdesk.domain.retention import (
    PurgeCounts,
    expired,
    is_expired,
    retention_cutoff,
    retention_period,
)
from showdesk.services.audit import AuditTrail
from showdesk.services.retention import RetentionService
from tests.support.memory import ManualClock
from tests.support.retention import DAYS, ORG, OTHER_ORG, Chat, add_chat, seed_chats

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def conversation(state: ConversationState, created: datetime, ended: datetime | None = None) -> Conversation:
    return Conversation(
        id=f"c-{state.value}-{created.timestamp():.0f}",
        organization_id=ORG,
        deployment_id="d",
        customer_name="Casey",
        created_at=created,
        state=state.value,
        ended_at=ended,
    )


# the rule -------------------------------------------------------------------------------------------------
def test_an_ended_chat_expires_once_its_end_is_older_than_the_period() -> None:
    period = timedelta(days=30)
    long_ago = conversation(ConversationState.ENDED, NOW - 90 * DAY, NOW - 31 * DAY)
    recently = conversation(ConversationState.ENDED, NOW - 90 * DAY, NOW - 29 * DAY)
    assert expired([long_ago, recently], NOW, period) == [long_ago]


def test_the_end_exactly_at_the_cutoff_is_kept() -> None:
    cutoff = retention_cutoff(NOW, timedelta(days=30))
    assert cutoff == NOW - 30 * DAY
    assert not is_expired(conversation(ConversationState.ENDED, NOW - 60 * DAY, cutoff), cutoff)
    assert is_expired(conversation(ConversationState.ENDED, NOW - 60 * DAY, cutoff - timedelta(microseconds=1)), cutoff)


@pytest.mark.parametrize("state", [ConversationState.QUEUED, ConversationState.OFFERED, ConversationState.CONNECTED])
def test_open_or_waiting_chats_are_never_expired_however_old(state: ConversationState) -> None:
    ancient = conversation(state, NOW - 3650 * DAY)
    assert expired([ancient], NOW, timedelta(days=1)) == []
    # even one whose end time was somehow set is not ended
    ancient.ended_at = NOW - 3000 * DAY
    assert expired([ancient], NOW, timedelta(days=1)) == []


def test_an_ended_chat_without_an_end_time_is_kept() -> None:
    assert expired([conversation(ConversationState.ENDED, NOW - 3650 * DAY)], NOW, timedelta(days=1)) == []


@pytest.mark.parametrize("period", [None, timedelta(0), timedelta(days=-1)])
def test_no_period_keeps_everything_forever(period: timedelta | None) -> None:
    ancient = conversation(ConversationState.ENDED, NOW - 3650 * DAY, NOW - 3600 * DAY)
    assert retention_cutoff(NOW, period) is None
    assert expired([ancient], NOW, period) == []


def test_days_make_the_period_and_zero_days_keep_forever() -> None:
    assert retention_period(7) == timedelta(days=7)
    assert retention_period(0) is None
    assert retention_period(None) is None


def test_counts_add_up() -> None:
    assert PurgeCounts(1, 2, 3) + PurgeCounts(4, 5, 6) == PurgeCounts(5, 7, 9)
    assert PurgeCounts().nothing
    assert not PurgeCounts(conversations=1).nothing


# the service on the in-memory store ------------------------------------------------------------------------
class WatchedStore(MemoryStore):
    """The in-memory store, with the sizes of the batches it was asked to delete, and failures on demand."""

    def __init__(self, fail_delete_call: int = 0, fail_find_call: int = 0) -> None:
        super().__init__()
        self.deleted_batches: list[int] = []
        self.finds = 0
        self._fail_delete_call = fail_delete_call
        self._fail_find_call = fail_find_call

    async def expired_conversations(
        self, cutoff: datetime, limit: int, organization_id: str | None = None
    ) -> list[tuple[str, str]]:
        self.finds += 1
        if self.finds == self._fail_find_call:
            raise RuntimeError("database went away")
        return await super().expired_conversations(cutoff, limit, organization_id)

    async def delete_conversations(self, conversation_ids: Sequence[str]) -> PurgeCounts:
        self.deleted_batches.append(len(conversation_ids))
        if len(self.deleted_batches) == self._fail_delete_call:
            raise RuntimeError("database went away")
        return await super().delete_conversations(conversation_ids)


def retention(
    store: MemoryStore, days: int = DAYS, batch_size: int = 500, clock: ManualClock | None = None
) -> RetentionService:
    clock = clock or ManualClock()
    clock.current = NOW
    return RetentionService(store, clock, AuditTrail(store, clock), keep_days=days, batch_size=batch_size)


async def left(store: MemoryStore, chat: Chat) -> tuple[bool, int, int, int]:
    """Whether the conversation is still there, and how many messages, video sessions and photos it has."""
    photos = await store.list_photos(chat.id)
    readable = [p for p in photos if await store.get_photo_data(p.id) is not None]
    return (
        await store.get_conversation(chat.id) is not None,
        len(await store.list_messages(chat.id)),
        len(await store.list_video_sessions(chat.id)),
        len(readable),
    )


async def test_purge_removes_exactly_the_expired_chats_with_their_messages_video_sessions_and_photos() -> None:
    store = MemoryStore()
    chats = await seed_chats(store, NOW)

    result = await retention(store).purge(None, NOW)

    for chat in chats.expired:
        assert await left(store, chat) == (False, 0, 0, 0), chat
    for chat in chats.kept:
        assert await left(store, chat) == (True, chat.messages, chat.video_sessions, chat.photos), chat
    assert result.cutoff == NOW - DAYS * DAY
    assert result.counts == PurgeCounts(
        conversations=len(chats.expired),
        messages=sum(c.messages for c in chats.expired),
        video_sessions=sum(c.video_sessions for c in chats.expired),
        photos=sum(c.photos for c in chats.expired),
    )
    assert result.organizations[OTHER_ORG] == PurgeCounts(1, 2, 1, 1)


async def test_each_organization_that_lost_anything_gets_one_audit_entry_with_the_cutoff_and_counts() -> None:
    store = MemoryStore()
    chats = await seed_chats(store, NOW)
    result = await retention(store).purge(None, NOW)

    [entry] = await store.list_audit(ORG, target_type="retention")
    assert (entry.actor_name, entry.action, entry.before) == ("Retention", "retention.purge", None)
    mine = [c for c in chats.expired if c.organization_id == ORG]
    assert entry.after == {
        "cutoff": (NOW - DAYS * DAY).isoformat(),
        "conversations": len(mine),
        "messages": sum(c.messages for c in mine),
        "videoSessions": sum(c.video_sessions for c in mine),
        "photos": sum(c.photos for c in mine),
        "handoffs": 0,
    }
    [other] = await store.list_audit(OTHER_ORG, target_type="retention")
    assert other.after is not None and other.after["conversations"] == 1
    assert result.organizations[ORG].conversations == len(mine)


async def test_a_second_run_purges_nothing_and_writes_no_entry() -> None:
    store = MemoryStore()
    await seed_chats(store, NOW)
    service = retention(store)
    await service.purge(None, NOW)

    again = await service.purge(None, NOW)

    assert again.counts.nothing
    assert len(await store.list_audit(ORG, target_type="retention")) == 1


async def test_one_organization_purges_only_its_own_chats() -> None:
    store = MemoryStore()
    chats = await seed_chats(store, NOW)

    result = await retention(store).purge(OTHER_ORG, NOW)

    assert set(result.organizations) == {OTHER_ORG}
    for chat in chats.expired:
        assert (await store.get_conversation(chat.id) is None) == (chat.organization_id == OTHER_ORG)
    assert await store.list_audit(ORG, target_type="retention") == []


async def test_many_batches_purge_everything_and_still_write_one_entry_per_organization() -> None:
    store = WatchedStore()
    chats = await seed_chats(store, NOW)
    extra = [
        await add_chat(store, ORG, f"c-bulk-{n}", NOW - 100 * DAY, NOW - (40 + n) * DAY, messages=1, video_sessions=0)
        for n in range(7)
    ]

    result = await retention(store, batch_size=2).purge(None, NOW)

    assert result.counts.conversations == len(chats.expired) + len(extra)
    assert max(store.deleted_batches) <= 2
    assert len(await store.list_audit(ORG, target_type="retention")) == 1
    for chat in chats.kept:
        assert await store.get_conversation(chat.id) is not None


async def test_zero_days_keeps_everything() -> None:
    store = MemoryStore()
    chats = await seed_chats(store, NOW)
    service = retention(store, days=0)

    result = await service.purge(None, NOW)

    assert not service.enabled
    assert result.cutoff is None and result.counts.nothing
    for chat in [*chats.expired, *chats.kept]:
        assert await store.get_conversation(chat.id) is not None
    assert await store.list_audit(ORG) == []


async def test_count_says_what_purge_would_remove_and_removes_nothing() -> None:
    store = MemoryStore()
    chats = await seed_chats(store, NOW)
    service = retention(store)

    counted = await service.count(None, NOW)

    for chat in chats.expired:
        assert await left(store, chat) == (True, chat.messages, chat.video_sessions, chat.photos)
    assert await store.list_audit(ORG) == []
    assert counted.counts == (await service.purge(None, NOW)).counts


async def test_a_failing_batch_still_records_what_earlier_batches_removed() -> None:
    store = WatchedStore(fail_delete_call=2)
    await seed_chats(store, NOW)

    with pytest.raises(RuntimeError):
        await retention(store, batch_size=1).purge(ORG, NOW)

    [entry] = await store.list_audit(ORG, target_type="retention")
    assert entry.after is not None and entry.after["conversations"] == 1


async def test_the_server_job_purges_at_start_and_survives_a_failed_run(caplog: pytest.LogCaptureFixture) -> None:
    store = WatchedStore(fail_find_call=1)
    chats = await seed_chats(store, NOW)
    clock = ManualClock()
    job = asyncio.create_task(retention(store, clock=clock).keep_purging(every=3600))
    try:
        await clock.run_for(0)  # the first run, at start: it fails
        assert await store.get_conversation(chats.expired[0].id) is not None
        await clock.run_for(3599)
        assert await store.get_conversation(chats.expired[0].id) is not None
        await clock.run_for(1)  # the next, on time
    finally:
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job

    assert all([await store.get_conversation(c.id) is None for c in chats.expired])
    assert "the purge failed" in caplog.text

"""The video store's contract (`ports.VideoStore`), the same in memory, on SQLite and on PostgreSQL: a
session reads back as saved; a chat's sessions, an organization's since a time and its open ones, each
oldest first; the open ones counted (what the concurrent video limit and the dashboard read)."""

from __future__ import annotations

import dataclasses

from showdesk.services.ports import Store
from tests.support.records import MINUTE, T0, chat, organization, video_session


async def test_a_session_reads_back_as_saved_after_every_change(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    session = video_session("v1", "c1")
    await store.save_video_session(session)
    assert await store.get_video_session("v1") == session

    over = dataclasses.replace(
        session,
        state="ended",
        consent_at=T0 + MINUTE,
        consent_by="Casey",
        started_at=T0 + 2 * MINUTE,
        ended_at=T0 + 9 * MINUTE,
        ended_by="customer",
        outcome="completed",
        failure_reason=None,
        path="relay",
        relay_retries=1,
        ice_restarts=2,
        problems=["black_frames"],
        quality={"samples": 4, "fps": {"median": 29.5}},
        preference="smooth",
        device="phone",
        photo_mode=True,
        stills=17,
    )
    await store.save_video_session(over)

    assert await store.get_video_session("v1") == over
    assert await store.get_video_session("nobody") is None


async def test_a_chats_sessions_oldest_first(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    await store.save_conversation(chat("c2"))
    await store.save_video_session(video_session("late", "c1", at=T0 + 2 * MINUTE))
    await store.save_video_session(video_session("early", "c1", at=T0))
    await store.save_video_session(video_session("elsewhere", "c2", at=T0 + MINUTE))

    assert [s.id for s in await store.list_video_sessions("c1")] == ["early", "late"]
    assert await store.list_video_sessions("nobody") == []


async def test_sessions_since_a_time_and_the_open_ones_of_one_organization(store: Store) -> None:
    for org in ("org-b", "org-a"):
        await organization(store, org)
        await store.save_conversation(chat(f"{org}-chat", org))
    now = T0 + 120 * MINUTE

    async def session(n: int, minutes_ago: int, state: str, org: str = "org-a") -> str:
        found = video_session(f"{org}-v{n}", f"{org}-chat", org, state=state, at=now - minutes_ago * MINUTE)
        await store.save_video_session(found)
        return found.id

    old_open = await session(1, 90, "held")
    await session(2, 61, "ended")
    recent_failed = await session(3, 30, "failed")
    recent_live = await session(4, 10, "live")
    connecting = await session(5, 5, "connecting")
    just_now = await session(6, 0, "requested")
    await session(7, 5, "live", "org-b")

    since = await store.list_video_sessions_since("org-a", now - 60 * MINUTE)
    assert [s.id for s in since] == [recent_failed, recent_live, connecting, just_now]  # oldest first, this org only
    assert since[0].requested_at == now - 30 * MINUTE and since[0].requested_at.utcoffset() is not None
    assert [s.id for s in await store.list_video_sessions_since("org-a", now)] == [just_now]  # at `since` counts
    open_now = [old_open, recent_live, connecting, just_now]
    assert [s.id for s in await store.list_open_video_sessions("org-a")] == open_now
    assert await store.count_open_video_sessions("org-a") == 4
    assert await store.count_open_video_sessions("org-b") == 1
    assert await store.count_open_video_sessions("org-c") == 0

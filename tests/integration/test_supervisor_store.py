"""The store reads behind the supervisor dashboard, the same on MemoryStore, SQLite and PostgreSQL: an
organization's video sessions since a time, its open ones, and every organization."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from showdesk.adapters.storage.memory import MemoryStore
from showdesk.domain.directory import Organization
from showdesk.domain.video import VideoSession
from showdesk.services.ports import Store
from tests.support.retention import add_chat
from tests.support.stores import SQL_BACKENDS, migrated_store

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(params=["memory", *SQL_BACKENDS])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    async with migrated_store(request.param, tmp_path) as opened:
        yield opened


async def _session(store: Store, org: str, n: int, minutes_ago: float, state: str) -> str:
    session = VideoSession(
        id=f"{org}-v{n}",
        conversation_id=f"{org}-chat",
        organization_id=org,
        mode="one-way",
        audio_source="none",
        video_source="camera",
        requested_by="customer",
        requested_at=NOW - timedelta(minutes=minutes_ago),
        state=state,
    )
    await store.save_video_session(session)
    return session.id


async def test_sessions_since_a_time_and_the_open_ones_of_one_organization(store: Store) -> None:
    for org in ("org-b", "org-a"):
        await store.save_organization(Organization(id=org, name=org.upper()))
        await add_chat(store, org, f"{org}-chat", NOW - timedelta(hours=3), None, messages=0, video_sessions=0)
    old_open = await _session(store, "org-a", 1, 90, "held")
    await _session(store, "org-a", 2, 61, "ended")
    recent_failed = await _session(store, "org-a", 3, 30, "failed")
    recent_live = await _session(store, "org-a", 4, 10, "live")
    just_now = await _session(store, "org-a", 5, 0, "requested")
    await _session(store, "org-b", 6, 5, "live")

    since = await store.list_video_sessions_since("org-a", NOW - timedelta(hours=1))
    assert [s.id for s in since] == [recent_failed, recent_live, just_now]  # oldest first, this org only
    assert since[0].requested_at == NOW - timedelta(minutes=30) and since[0].requested_at.tzinfo is not None
    assert [s.id for s in await store.list_video_sessions_since("org-a", NOW)] == [just_now]  # at `since` counts
    assert [s.id for s in await store.list_open_video_sessions("org-a")] == [old_open, recent_live, just_now]
    assert [o.id for o in await store.list_organizations()] == ["org-a", "org-b"]

"""Records for the store contract tests: an organization to hang them on, chats, messages, video sessions
and photos with every field set, at fixed times (a store gives times back in UTC, equal to what it was given)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from showdesk.domain.conversation import Conversation, NewMessage
from showdesk.domain.directory import Organization
from showdesk.domain.photos import Photo
from showdesk.domain.video import VideoSession
from showdesk.services.ports import DirectoryStore

T0 = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


async def organization(store: DirectoryStore, org_id: str = "org-a") -> Organization:
    org = Organization(id=org_id, name=f"Org {org_id}", features=["live_video"], video_concurrency_limit=7)
    await store.save_organization(org)
    return org


def chat(
    conv_id: str,
    org_id: str = "org-a",
    *,
    state: str = "queued",
    agent_id: str | None = None,
    enqueued_at: datetime = T0,
) -> Conversation:
    return Conversation(
        id=conv_id,
        organization_id=org_id,
        deployment_id="dep-1",
        customer_name="Casey",
        created_at=enqueued_at,
        state=state,
        flow_id="flow-1",
        queue_id="queue-1",
        agent_id=agent_id,
        enqueued_at=enqueued_at,
        connected_at=enqueued_at + MINUTE if agent_id else None,
        video={"mode": "one-way", "quality": {"resolution": "720p"}},
    )


def customer_says(conv_id: str, text: str, client_id: str, at: datetime = T0) -> NewMessage:
    return NewMessage(conv_id, "customer", None, "Casey", text, client_id, at)


def agent_says(conv_id: str, agent_id: str, text: str, client_id: str, at: datetime = T0) -> NewMessage:
    return NewMessage(conv_id, "agent", agent_id, "Alex", text, client_id, at)


def system_says(conv_id: str, text: str, client_id: str, at: datetime = T0) -> NewMessage:
    return NewMessage(conv_id, "system", None, "ShowDesk", text, client_id, at)


def video_session(
    session_id: str, conv_id: str, org_id: str = "org-a", *, state: str = "requested", at: datetime = T0
) -> VideoSession:
    return VideoSession(
        id=session_id,
        conversation_id=conv_id,
        organization_id=org_id,
        mode="one-way",
        audio_source="none",
        video_source="camera",
        requested_by="agent-1",
        requested_at=at,
        agent_id="agent-1",
        state=state,
    )


def photo(photo_id: str, conv_id: str, request_id: str, org_id: str = "org-a", at: datetime = T0) -> Photo:
    return Photo(
        id=photo_id,
        organization_id=org_id,
        conversation_id=conv_id,
        kind="capture",
        content_type="image/png",
        width=32,
        height=24,
        size=5,
        created_at=at,
        created_by="customer",
        request_id=request_id,
        session_id=None,
        annotates=None,
    )

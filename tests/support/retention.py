"""Chats for the retention tests: some past the period, some not, in two organizations; row counts per
table; a scratch PostgreSQL database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from showdesk.adapters.storage import tables as t
from showdesk.domain.conversation import Conversation, ConversationState, NewMessage
from showdesk.domain.directory import Organization
from showdesk.domain.photos import Photo
from showdesk.domain.video import VideoSession
from showdesk.services.ports import Store

ORG = "keep-org"
OTHER_ORG = "other-org"
DAYS = 30  # the period the tests purge with
# A PNG header that reads as 32x32 (the store keeps bytes as given; only uploads are checked).
TINY_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x20\x00\x00\x00\x20\x08\x02\x00\x00\x00"


@dataclass(frozen=True)
class Chat:
    id: str
    organization_id: str
    messages: int
    video_sessions: int
    photos: int


@dataclass(frozen=True)
class Chats:
    expired: list[Chat]  # ended longer ago than DAYS: purged
    kept: list[Chat]  # everything else: untouched

    def ids(self, chats: list[Chat]) -> set[str]:
        return {c.id for c in chats}


async def add_chat(
    store: Store,
    org_id: str,
    conv_id: str,
    created: datetime,
    ended: datetime | None,
    messages: int = 3,
    video_sessions: int = 1,
    state: ConversationState | None = None,
    photos: int | None = None,
) -> Chat:
    """A chat with `messages` customer messages, `video_sessions` video records and `photos` photos (by
    default one per video session), ended at `ended` (None: still connected)."""
    photos = video_sessions if photos is None else photos
    conv = Conversation(
        id=conv_id,
        organization_id=org_id,
        deployment_id="retention-webchat",
        customer_name="Casey",
        created_at=created,
        state=ConversationState.CONNECTED.value,
        enqueued_at=created,
    )
    await store.save_conversation(conv)
    for n in range(messages):
        new = NewMessage(conv_id, "customer", None, "Casey", f"message {n}", f"{conv_id}-c{n}", created)
        await store.append_message(new)
    for n in range(video_sessions):
        session = VideoSession(
            id=f"{conv_id}-v{n}",
            conversation_id=conv_id,
            organization_id=org_id,
            mode="one-way",
            audio_source="none",
            video_source="camera",
            requested_by="customer",
            requested_at=created,
            state="ended",
            ended_at=ended or created,
            outcome="completed",
        )
        await store.save_video_session(session)
    for n in range(photos):
        photo = Photo(
            id=f"{conv_id}-p{n}",
            organization_id=org_id,
            conversation_id=conv_id,
            kind="capture",
            content_type="image/png",
            width=32,
            height=32,
            size=len(TINY_PNG),
            created_at=created,
            created_by="customer",
            request_id=f"{conv_id}-r{n}",
        )
        await store.add_photo(photo, TINY_PNG)
    if state is not None:
        conv.state = state.value
    elif ended is not None:
        conv.state = ConversationState.ENDED.value
        conv.ended_at = ended
        conv.ended_by = "customer"
    await store.save_conversation(conv)
    return Chat(conv_id, org_id, messages, video_sessions, photos)


async def seed_chats(store: Store, now: datetime) -> Chats:
    """Two organizations' chats around a DAYS-day period ending at `now`."""
    for org_id in (ORG, OTHER_ORG):
        if await store.get_organization(org_id) is None:
            await store.save_organization(Organization(id=org_id, name=org_id))
    day = timedelta(days=1)
    expired = [
        await add_chat(store, ORG, "c-ended-long-ago", now - 90 * day, now - 40 * day, messages=4, video_sessions=2),
        await add_chat(store, ORG, "c-ended-just-past", now - 31 * day, now - DAYS * day - timedelta(minutes=5)),
        await add_chat(store, ORG, "c-ended-no-video", now - 60 * day, now - 59 * day, video_sessions=0),
        await add_chat(store, ORG, "c-ended-photos", now - 70 * day, now - 55 * day, video_sessions=1, photos=3),
        await add_chat(store, OTHER_ORG, "c-other-ended-long-ago", now - 50 * day, now - 45 * day, messages=2),
    ]
    kept = [
        await add_chat(store, ORG, "c-ended-recently", now - 3 * day, now - 2 * day),
        await add_chat(store, ORG, "c-ended-just-within", now - 30 * day, now - DAYS * day + timedelta(minutes=5)),
        await add_chat(store, ORG, "c-open-old", now - 400 * day, None, messages=5, photos=2),
        await add_chat(store, ORG, "c-queued-old", now - 400 * day, None, 0, 0, state=ConversationState.QUEUED),
        await add_chat(store, OTHER_ORG, "c-other-open-old", now - 100 * day, None),
    ]
    return Chats(expired, kept)


async def table_counts(engine: AsyncEngine) -> dict[str, int]:
    """Rows per table that a purge may touch (audit log apart)."""
    out: dict[str, int] = {}
    async with engine.connect() as conn:
        for table in (t.conversations, t.messages, t.video_sessions, t.photos, t.organizations, t.users, t.queues):
            out[table.name] = int((await conn.execute(select(func.count()).select_from(table))).scalar_one())
    return out


async def rows_of(engine: AsyncEngine, conversation_ids: set[str]) -> dict[str, int]:
    """Rows left in each table for these conversations."""
    ids = list(conversation_ids)
    async with engine.connect() as conn:
        conversations = select(func.count()).select_from(t.conversations).where(t.conversations.c.id.in_(ids))
        messages = select(func.count()).select_from(t.messages).where(t.messages.c.conversation_id.in_(ids))
        video = select(func.count()).select_from(t.video_sessions).where(t.video_sessions.c.conversation_id.in_(ids))
        photos = select(func.count()).select_from(t.photos).where(t.photos.c.conversation_id.in_(ids))
        return {
            "conversations": int((await conn.execute(conversations)).scalar_one()),
            "messages": int((await conn.execute(messages)).scalar_one()),
            "video_sessions": int((await conn.execute(video)).scalar_one()),
            "photos": int((await conn.execute(photos)).scalar_one()),
        }

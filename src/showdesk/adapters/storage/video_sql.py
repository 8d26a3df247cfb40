"""The SQL store's video sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.sql_rows import SqlRows, to_entity
from showdesk.domain.video import OPEN_STATES, VideoSession

_OPEN = [s.value for s in OPEN_STATES]


class SqlVideoStore(SqlRows):
    async def save_video_session(self, session: VideoSession) -> None:
        await self._save(t.video_sessions, session)

    async def get_video_session(self, session_id: str) -> VideoSession | None:
        return await self._one(t.video_sessions, VideoSession, id=session_id)

    async def list_video_sessions(self, conversation_id: str) -> list[VideoSession]:
        return await self._many(t.video_sessions, VideoSession, order="requested_at", conversation_id=conversation_id)

    async def list_video_sessions_since(self, org_id: str, since: datetime) -> list[VideoSession]:
        v = t.video_sessions
        query = select(v).where(v.c.organization_id == org_id, v.c.requested_at >= since).order_by(v.c.requested_at)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [to_entity(VideoSession, r) for r in rows]

    async def list_open_video_sessions(self, org_id: str) -> list[VideoSession]:
        v = t.video_sessions
        query = select(v).where(v.c.state.in_(_OPEN), v.c.organization_id == org_id).order_by(v.c.requested_at)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [to_entity(VideoSession, r) for r in rows]

    async def count_open_video_sessions(self, org_id: str) -> int:
        v = t.video_sessions
        query = select(func.count()).where(v.c.organization_id == org_id, v.c.state.in_(_OPEN))
        async with self.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

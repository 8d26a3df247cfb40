"""The in-memory store's video sessions: video_sql.py on dictionaries."""

from __future__ import annotations

import copy
from datetime import datetime

from showdesk.adapters.storage.memory_rows import MemoryRows
from showdesk.domain.video import VideoSession


class MemoryVideoStore(MemoryRows):
    def _sessions(self, org_id: str) -> list[VideoSession]:
        return [v for v in self._rows[VideoSession].values() if v.organization_id == org_id]

    async def save_video_session(self, session: VideoSession) -> None:
        self._save(session)

    async def get_video_session(self, session_id: str) -> VideoSession | None:
        return self._get(VideoSession, session_id)

    async def list_video_sessions(self, conversation_id: str) -> list[VideoSession]:
        found = [v for v in self._rows[VideoSession].values() if v.conversation_id == conversation_id]
        return [copy.deepcopy(v) for v in sorted(found, key=lambda v: v.requested_at)]

    async def list_video_sessions_since(self, org_id: str, since: datetime) -> list[VideoSession]:
        found = [v for v in self._sessions(org_id) if v.requested_at >= since]
        return [copy.deepcopy(v) for v in sorted(found, key=lambda v: v.requested_at)]

    async def list_open_video_sessions(self, org_id: str) -> list[VideoSession]:
        found = [v for v in self._sessions(org_id) if v.is_open]
        return [copy.deepcopy(v) for v in sorted(found, key=lambda v: v.requested_at)]

    async def count_open_video_sessions(self, org_id: str) -> int:
        return sum(1 for v in self._sessions(org_id) if v.is_open)

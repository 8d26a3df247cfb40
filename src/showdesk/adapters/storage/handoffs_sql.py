"""The SQL store's hand-offs: one row a code (kept as its digest), redeemed by one conditional UPDATE."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.sql_rows import SqlRows
from showdesk.domain.handoff import Handoff


class SqlHandoffStore(SqlRows):
    async def save_handoff(self, handoff: Handoff) -> None:
        await self._save(t.handoffs, handoff)

    async def get_handoff(self, handoff_id: str) -> Handoff | None:
        return await self._one(t.handoffs, Handoff, id=handoff_id)

    async def redeem_handoff(self, handoff_id: str, now: datetime, device: str) -> bool:
        h = t.handoffs.c
        query = (
            update(t.handoffs)
            .where(h.id == handoff_id, h.redeemed_at.is_(None), h.expires_at > now.astimezone(UTC))
            .values(redeemed_at=now.astimezone(UTC), device=device)
        )
        async with self.engine.begin() as conn:
            result = await conn.execute(query)
        return bool(result.rowcount == 1)

    async def count_handoffs(self, conversation_id: str) -> int:
        query = select(func.count()).select_from(t.handoffs).where(t.handoffs.c.conversation_id == conversation_id)
        async with self.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

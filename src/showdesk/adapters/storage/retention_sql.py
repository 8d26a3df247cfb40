"""The SQL store's retention queries: which ended conversations are past their period, and their purge.

A conversation's records live in the tables of CONVERSATION_RECORDS, each with a `conversation_id`
column. A purge deletes from each of them with one `DELETE ... WHERE conversation_id IN (...)` per
batch, then the conversation rows, all in one transaction. A later table of a conversation's records
joins the purge by being added to that tuple, with a field of the same name in
`domain.retention.PurgeCounts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, func, select

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.sql_rows import SqlRows
from showdesk.domain.conversation import FINAL_STATES
from showdesk.domain.retention import PurgeCounts

# Deleted before the conversations they belong to (the foreign keys point at them).
CONVERSATION_RECORDS: tuple[Table, ...] = (t.messages, t.video_sessions, t.photos, t.handoffs)


def _expired(cutoff: datetime, organization_id: str | None) -> list[ColumnElement[bool]]:
    """The SQL of `domain.retention.is_expired`; times are stored in UTC."""
    c = t.conversations
    where = [
        c.c.state.in_(FINAL_STATES),
        c.c.ended_at.is_not(None),
        c.c.ended_at < cutoff.astimezone(UTC),
    ]
    if organization_id is not None:
        where.append(c.c.organization_id == organization_id)
    return where


class SqlRetentionStore(SqlRows):
    async def expired_conversations(
        self, cutoff: datetime, limit: int, organization_id: str | None = None
    ) -> list[tuple[str, str]]:
        c = t.conversations
        query = (
            select(c.c.id, c.c.organization_id)
            .where(*_expired(cutoff, organization_id))
            .order_by(c.c.ended_at, c.c.id)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [(row.id, row.organization_id) for row in rows]

    async def count_expired(self, cutoff: datetime, organization_id: str | None = None) -> PurgeCounts:
        c = t.conversations
        expired_ids = select(c.c.id).where(*_expired(cutoff, organization_id)).scalar_subquery()
        counts: dict[str, Any] = {}
        async with self.engine.connect() as conn:
            for table in CONVERSATION_RECORDS:
                query = select(func.count()).select_from(table).where(table.c.conversation_id.in_(expired_ids))
                counts[table.name] = int((await conn.execute(query)).scalar_one())
            query = select(func.count()).select_from(c).where(*_expired(cutoff, organization_id))
            counts["conversations"] = int((await conn.execute(query)).scalar_one())
        return PurgeCounts(**counts)

    async def delete_conversations(self, conversation_ids: Sequence[str]) -> PurgeCounts:
        if not conversation_ids:
            return PurgeCounts()
        ids = list(conversation_ids)
        counts: dict[str, Any] = {}
        async with self.engine.begin() as conn:
            for table in CONVERSATION_RECORDS:
                result = await conn.execute(delete(table).where(table.c.conversation_id.in_(ids)))
                counts[table.name] = result.rowcount
            result = await conn.execute(delete(t.conversations).where(t.conversations.c.id.in_(ids)))
            counts["conversations"] = result.rowcount
        return PurgeCounts(**counts)

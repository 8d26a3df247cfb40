"""The SQL store's audit log: ids sort by time, so newest first is id descending (one index)."""

from __future__ import annotations

from sqlalchemy import select

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.sql_rows import SqlRows, to_entity
from showdesk.domain.audit import AuditEntry


class SqlAuditStore(SqlRows):
    async def append_audit(self, entry: AuditEntry) -> None:
        await self._save(t.audit_log, entry)

    async def list_audit(
        self, org_id: str, target_type: str | None = None, before_id: str | None = None, limit: int = 50
    ) -> list[AuditEntry]:
        a = t.audit_log
        query = select(a).where(a.c.organization_id == org_id)
        if target_type:
            query = query.where(a.c.target_type == target_type)
        if before_id:
            query = query.where(a.c.id < before_id)
        query = query.order_by(a.c.id.desc()).limit(limit)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [to_entity(AuditEntry, r) for r in rows]

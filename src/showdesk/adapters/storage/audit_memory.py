"""The in-memory store's audit log: audit_sql.py on a dictionary (newest first is id descending)."""

from __future__ import annotations

from showdesk.adapters.storage.memory_rows import MemoryRows
from showdesk.domain.audit import AuditEntry


class MemoryAuditStore(MemoryRows):
    async def append_audit(self, entry: AuditEntry) -> None:
        self._save(entry)

    async def list_audit(
        self, org_id: str, target_type: str | None = None, before_id: str | None = None, limit: int = 50
    ) -> list[AuditEntry]:
        found = [
            e
            for e in self._list(AuditEntry, org_id, "id")
            if (not target_type or e.target_type == target_type) and (not before_id or e.id < before_id)
        ]
        return list(reversed(found))[:limit]

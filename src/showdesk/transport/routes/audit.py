"""The audit log of configuration changes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from showdesk.domain.audit import AuditEntry
from showdesk.services.audit import MAX_PAGE
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.schemas import iso

router = APIRouter(tags=["audit"])


def audit_out(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": iso(entry.at),
        "actorId": entry.actor_id,
        "actorName": entry.actor_name,
        "action": entry.action,
        "targetType": entry.target_type,
        "targetId": entry.target_id,
        "targetName": entry.target_name,
        "before": entry.before,
        "after": entry.after,
    }


@router.get("/audit", summary="Configuration changes, newest first: who, what, before and after")
async def list_audit(
    who: PrincipalDep,
    sd: ServicesDep,
    targetType: str | None = Query(default=None, max_length=40),
    before: str | None = Query(default=None, max_length=64, description="page back from this entry id"),
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> dict[str, Any]:
    entries = await sd.audit.entries_as(who, targetType, before, limit)
    return {"items": [audit_out(e) for e in entries], "next": entries[-1].id if len(entries) == limit else None}

"""The audit log of configuration changes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import Field

from showdesk.domain.audit import AuditEntry
from showdesk.services.audit import MAX_PAGE
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import Timestamp, View

router = APIRouter(tags=["audit"])


class AuditEntryView(View):
    id: str
    at: Timestamp
    actorId: str
    actorName: str
    action: str = Field(description="what was done, e.g. queue.update")
    targetType: str
    targetId: str
    targetName: str
    before: dict[str, Any] | None = Field(description="the entity before (secrets only as set or unset)")
    after: dict[str, Any] | None = Field(description="the entity after")

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryView:
        return cls(
            id=entry.id,
            at=entry.at,
            actorId=entry.actor_id,
            actorName=entry.actor_name,
            action=entry.action,
            targetType=entry.target_type,
            targetId=entry.target_id,
            targetName=entry.target_name,
            before=entry.before,
            after=entry.after,
        )


class AuditPageView(View):
    items: list[AuditEntryView]
    next: str | None = Field(description="the id to ask `before` for the next page; null: no more")


@router.get("/audit", summary="Configuration changes, newest first: who, what, before and after")
async def list_audit(
    who: PrincipalDep,
    sd: ServicesDep,
    targetType: str | None = Query(default=None, max_length=40),
    before: str | None = Query(default=None, max_length=64, description="page back from this entry id"),
    limit: int = Query(default=50, ge=1, le=MAX_PAGE),
) -> AuditPageView:
    entries = await sd.audit.entries_as(who, targetType, before, limit)
    items = [AuditEntryView.of(e) for e in entries]
    return AuditPageView(items=items, next=entries[-1].id if len(entries) == limit else None)

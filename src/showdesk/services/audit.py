"""The audit trail: services record each configuration change; administrators read it."""

from __future__ import annotations

from typing import Any

from showdesk.domain.audit import AuditEntry, snapshot
from showdesk.domain.errors import InvalidInput
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import Permission
from showdesk.services.access import AccessService, Principal
from showdesk.services.ports import AuditStore, Clock

MAX_PAGE = 200  # entries in one page of the log (`limit`, 1..MAX_PAGE)


class AuditTrail:
    def __init__(self, store: AuditStore, clock: Clock, access: AccessService | None = None) -> None:
        self._store = store
        self._clock = clock
        self._access = access

    async def record(self, actor: Principal, action: str, before: Any, after: Any) -> AuditEntry:
        """Log `action` ("queue.update", ...) by `actor`, with the entity before and after it."""
        user = actor.user
        return await self.record_by(user.organization_id, (user.id, user.name), action, before, after)

    async def record_by(self, org_id: str, actor: tuple[str, str], action: str, before: Any, after: Any) -> AuditEntry:
        """The same for an actor that is not a signed-in principal (the command line)."""
        target = after if after is not None else before
        entry = AuditEntry(
            id=new_id("a"),
            organization_id=org_id,
            at=self._clock.now(),
            actor_id=actor[0],
            actor_name=actor[1],
            action=action,
            target_type=action.split(".", 1)[0],
            target_id=str(getattr(target, "id", "")),
            target_name=str(getattr(target, "name", "") or getattr(target, "email", "")),
            before=snapshot(before),
            after=snapshot(after),
        )
        await self._store.append_audit(entry)
        return entry

    async def entries_as(
        self, principal: Principal, target_type: str | None, before_id: str | None, limit: int
    ) -> list[AuditEntry]:
        if self._access is None:
            raise InvalidInput("the audit trail has no access checks configured")
        current = await self._access.require(principal, Permission.AUDIT_VIEW)
        return await self._store.list_audit(current.user.organization_id, target_type, before_id, limit)

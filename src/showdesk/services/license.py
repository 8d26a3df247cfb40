"""The organization's licence: CX tier, the Live Video feature and its concurrent video limit."""

from __future__ import annotations

from typing import Any

from showdesk.domain.directory import Organization
from showdesk.domain.errors import InvalidInput, NotFound
from showdesk.domain.permissions import Permission
from showdesk.domain.video import LIVE_VIDEO_FEATURE
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.ports import Store


class LicenseService:
    def __init__(self, store: Store, access: AccessService, audit: AuditTrail) -> None:
        self._store = store
        self._access = access
        self._audit = audit

    async def current(self, principal: Principal) -> tuple[Organization, int]:
        """The licence and how many video sessions are open right now."""
        current = await self._access.require(principal, Permission.DIRECTORY_VIEW)
        org = await self._org(current.user.organization_id)
        return org, await self._store.count_open_video_sessions(org.id)

    async def change(self, principal: Principal, data: dict[str, Any]) -> tuple[Organization, int]:
        """A lower limit does not end open videos; it refuses new ones until fewer are open."""
        current = await self._access.require(principal, Permission.LICENSE_EDIT)
        if unknown := sorted(set(data) - {"tier", "liveVideo", "videoConcurrencyLimit"}):
            raise InvalidInput(f"unknown field(s): {', '.join(unknown)}", code="invalid_input")
        before = await self._org(current.user.organization_id)
        after = before.license_changed(
            data.get("tier", before.license_tier),
            data.get("liveVideo", before.has_feature(LIVE_VIDEO_FEATURE)),
            data.get("videoConcurrencyLimit", before.video_concurrency_limit),
        )
        await self._store.save_organization(after)
        await self._audit.record(current, "license.update", before, after)
        return after, await self._store.count_open_video_sessions(after.id)

    async def _org(self, org_id: str) -> Organization:
        org = await self._store.get_organization(org_id)
        if org is None:
            raise NotFound(f"organization {org_id} does not exist", code="organization_not_found")
        return org

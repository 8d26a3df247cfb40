"""The organization's licence: CX tier, the Live Video feature and its concurrent video limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from showdesk.domain.directory import LicenseTier, Organization
from showdesk.domain.errors import NotFound
from showdesk.domain.permissions import Permission
from showdesk.domain.video import LIVE_VIDEO_FEATURE
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.ports import DirectoryStore, VideoStore


@dataclass(frozen=True)
class LicenseChanges:
    """What to change of the licence; None leaves a field as it is."""

    tier: LicenseTier | None = None
    live_video: bool | None = None
    video_concurrency_limit: int | None = None  # 0..MAX_VIDEO_CONCURRENCY


class LicenseStore(DirectoryStore, VideoStore, Protocol):
    """The organization's licence, and the video sessions open under it."""


class LicenseService:
    def __init__(self, store: LicenseStore, access: AccessService, audit: AuditTrail) -> None:
        self._store = store
        self._access = access
        self._audit = audit

    async def current(self, principal: Principal) -> tuple[Organization, int]:
        """The licence and how many video sessions are open right now."""
        current = await self._access.require(principal, Permission.DIRECTORY_VIEW)
        org = await self._org(current.user.organization_id)
        return org, await self._store.count_open_video_sessions(org.id)

    async def change(self, principal: Principal, changes: LicenseChanges) -> tuple[Organization, int]:
        """A lower limit does not end open videos; it refuses new ones until fewer are open."""
        current = await self._access.require(principal, Permission.LICENSE_EDIT)
        before = await self._org(current.user.organization_id)
        live_video, limit = changes.live_video, changes.video_concurrency_limit
        after = before.license_changed(
            before.license_tier if changes.tier is None else changes.tier,
            before.has_feature(LIVE_VIDEO_FEATURE) if live_video is None else live_video,
            before.video_concurrency_limit if limit is None else limit,
        )
        await self._store.save_organization(after)
        await self._audit.record(current, "license.update", before, after)
        return after, await self._store.count_open_video_sessions(after.id)

    async def _org(self, org_id: str) -> Organization:
        org = await self._store.get_organization(org_id)
        if org is None:
            raise NotFound(f"organization {org_id} does not exist", code="organization_not_found")
        return org

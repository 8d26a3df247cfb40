"""The organization's licence."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from showdesk.domain.directory import LICENSE_TIERS, MAX_VIDEO_CONCURRENCY, LicenseTier, Organization
from showdesk.domain.video import LIVE_VIDEO_FEATURE
from showdesk.services.license import LicenseChanges
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.schemas import Body

router = APIRouter(prefix="/organization/license", tags=["license"])


class LicenseBody(Body):
    tier: LicenseTier | None = None
    liveVideo: bool | None = None
    videoConcurrencyLimit: int | None = Field(default=None, ge=0, le=MAX_VIDEO_CONCURRENCY)

    def changes(self) -> LicenseChanges:
        """Fields left out, or null, stay as they are."""
        return LicenseChanges(self.tier, self.liveVideo, self.videoConcurrencyLimit)


def license_out(org: Organization, open_sessions: int) -> dict[str, Any]:
    return {
        "organizationId": org.id,
        "organizationName": org.name,
        "tier": org.license_tier,
        "liveVideo": org.has_feature(LIVE_VIDEO_FEATURE),
        "videoConcurrencyLimit": org.video_concurrency_limit,
        "openVideoSessions": open_sessions,
        "tiers": list(LICENSE_TIERS),
    }


@router.get("", summary="Tier, Live Video, the concurrent video limit and how many videos are open")
async def get_license(who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    return license_out(*await sd.license.current(who))


@router.put("", summary="Change the tier, turn Live Video on or off, set the concurrent video limit")
async def put_license(body: LicenseBody, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    return license_out(*await sd.license.change(who, body.changes()))

"""The organization's licence."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from showdesk.domain.directory import LICENSE_TIERS, MAX_VIDEO_CONCURRENCY, LicenseTier, Organization
from showdesk.domain.video import LIVE_VIDEO_FEATURE
from showdesk.services.license import LicenseChanges
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import Body, View

router = APIRouter(prefix="/organization/license", tags=["license"])


class LicenseBody(Body):
    tier: LicenseTier | None = None
    liveVideo: bool | None = None
    videoConcurrencyLimit: int | None = Field(default=None, ge=0, le=MAX_VIDEO_CONCURRENCY)

    def changes(self) -> LicenseChanges:
        """Fields left out, or null, stay as they are."""
        return LicenseChanges(self.tier, self.liveVideo, self.videoConcurrencyLimit)


class LicenseView(View):
    organizationId: str
    organizationName: str
    tier: str
    liveVideo: bool
    videoConcurrencyLimit: int
    openVideoSessions: int = Field(description="video sessions open right now")
    tiers: list[str] = Field(description="every tier there is")

    @classmethod
    def of(cls, org: Organization, open_sessions: int) -> LicenseView:
        return cls(
            organizationId=org.id,
            organizationName=org.name,
            tier=org.license_tier,
            liveVideo=org.has_feature(LIVE_VIDEO_FEATURE),
            videoConcurrencyLimit=org.video_concurrency_limit,
            openVideoSessions=open_sessions,
            tiers=list(LICENSE_TIERS),
        )


@router.get("", summary="Tier, Live Video, the concurrent video limit and how many videos are open")
async def get_license(who: PrincipalDep, sd: ServicesDep) -> LicenseView:
    return LicenseView.of(*await sd.license.current(who))


@router.put("", summary="Change the tier, turn Live Video on or off, set the concurrent video limit")
async def put_license(body: LicenseBody, who: PrincipalDep, sd: ServicesDep) -> LicenseView:
    return LicenseView.of(*await sd.license.change(who, body.changes()))

"""Web-chat deployments: allowed origins, the bound flow and the embed snippet."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import Field

from showdesk.domain.customer_info import signing_example
from showdesk.domain.deployments import Deployment, embed_snippet, widget_snippet
from showdesk.domain.quality import BITRATES_KBPS, FRAME_RATES, PhotoMode, Preference, Resolution
from showdesk.services.deployments import KEEP, MAX_ORIGINS, DeploymentChanges
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import Body, View, omitted_when_none

router = APIRouter(prefix="/webchat/deployments", tags=["deployments"])


class VideoQualityBody(Body):
    """Default picture for video in this deployment's chats; a Start Video block's own settings win."""

    resolution: Resolution = "1280x720"
    frameRate: int = Field(default=30, ge=FRAME_RATES[0], le=FRAME_RATES[1])
    maxBitrateKbps: int = Field(default=2500, ge=BITRATES_KBPS[0], le=BITRATES_KBPS[1])
    preference: Preference = "detail"
    photoMode: PhotoMode = Field(
        default="offer",
        description="when the customer's uplink cannot carry a readable picture: offer photos, switch to them, or off",
    )


class DeploymentBody(Body):
    name: str = Field(min_length=1, max_length=200)
    flowId: str | None = Field(default=None, max_length=64)
    allowedOrigins: list[str] = Field(default_factory=list, max_length=MAX_ORIGINS)
    videoQuality: VideoQualityBody | None = None
    active: bool = True

    def settings(self) -> DeploymentChanges:
        quality = self.videoQuality.model_dump() if self.videoQuality else None
        return DeploymentChanges(self.name, self.flowId, self.allowedOrigins, self.active, quality)


class DeploymentChange(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    flowId: str | None = Field(default=None, max_length=64)
    allowedOrigins: list[str] | None = Field(default=None, max_length=MAX_ORIGINS)
    videoQuality: VideoQualityBody | None = None
    active: bool | None = None

    def changes(self) -> DeploymentChanges:
        """Fields left out stay as they are; null does too, except for flowId and videoQuality (none)."""
        given = self.model_fields_set
        quality = self.videoQuality.model_dump(exclude_unset=True) if self.videoQuality else None
        return DeploymentChanges(
            name=self.name,
            flow_id=self.flowId if "flowId" in given else KEEP,
            allowed_origins=self.allowedOrigins,
            active=self.active,
            video_quality=quality if "videoQuality" in given else KEEP,
        )


def _server_origin(request: Request, sd: ServicesDep) -> str:
    return sd.settings.public_origin or str(request.base_url).rstrip("/")


class VideoQualityView(View):
    """The settings as they were given (a change sends only what it changes)."""

    resolution: str | None = Field(default=None, exclude_if=omitted_when_none)
    frameRate: int | None = Field(default=None, exclude_if=omitted_when_none)
    maxBitrateKbps: int | None = Field(default=None, exclude_if=omitted_when_none)
    preference: str | None = Field(default=None, exclude_if=omitted_when_none)
    photoMode: str | None = Field(default=None, exclude_if=omitted_when_none)


class DeploymentView(View):
    id: str
    name: str
    flowId: str | None
    flowName: str | None
    allowedOrigins: list[str]
    active: bool
    videoQuality: VideoQualityView | None
    widgetSnippet: str = Field(description="the HTML to paste into the site's pages for the ready-made chat widget")
    snippet: str = Field(description="the HTML to paste into the site's pages for the SDK (a chat UI of its own)")

    @classmethod
    def of(cls, deployment: Deployment, origin: str, flows: dict[str, str]) -> DeploymentView:
        quality = deployment.video_quality
        return cls(
            id=deployment.id,
            name=deployment.name,
            flowId=deployment.flow_id,
            flowName=flows.get(deployment.flow_id or ""),
            allowedOrigins=deployment.allowed_origins,
            active=deployment.active,
            videoQuality=VideoQualityView.model_validate(quality) if quality is not None else None,
            widgetSnippet=widget_snippet(deployment, origin),
            snippet=embed_snippet(deployment, origin),
        )


async def _one(deployment: Deployment, request: Request, sd: ServicesDep) -> DeploymentView:
    flows = await sd.deployments.flow_names(deployment.organization_id)
    return DeploymentView.of(deployment, _server_origin(request, sd), flows)


@router.get("")
async def list_deployments(request: Request, who: PrincipalDep, sd: ServicesDep) -> list[DeploymentView]:
    deployments = await sd.deployments.list_deployments(who)
    flows = await sd.deployments.flow_names(who.user.organization_id)
    return [DeploymentView.of(d, _server_origin(request, sd), flows) for d in deployments]


@router.post("", status_code=201)
async def create_deployment(
    body: DeploymentBody, request: Request, who: PrincipalDep, sd: ServicesDep
) -> DeploymentView:
    return await _one(await sd.deployments.create_deployment(who, body.settings()), request, sd)


@router.get("/{deployment_id}")
async def get_deployment(deployment_id: str, request: Request, who: PrincipalDep, sd: ServicesDep) -> DeploymentView:
    return await _one(await sd.deployments.get_deployment(who, deployment_id), request, sd)


@router.patch(
    "/{deployment_id}",
    summary="Change origins, the bound flow (null: none), name, active or the default video quality (null: none)",
)
async def update_deployment(
    deployment_id: str, body: DeploymentChange, request: Request, who: PrincipalDep, sd: ServicesDep
) -> DeploymentView:
    return await _one(await sd.deployments.update_deployment(who, deployment_id, body.changes()), request, sd)


class SigningKeyView(View):
    deploymentId: str
    signingKey: str = Field(
        description="HMAC-SHA256 key (its text as bytes) the site's server signs customer blocks with"
    )
    example: str = Field(description="signing a customer block in Python, in one line")


@router.get(
    "/{deployment_id}/signing-key",
    summary="The key a site's server signs its customer blocks with (derived from the server's secret key)",
)
async def get_signing_key(deployment_id: str, who: PrincipalDep, sd: ServicesDep) -> SigningKeyView:
    key = await sd.customer_panels.signing_key(who, deployment_id)
    return SigningKeyView(deploymentId=deployment_id, signingKey=key, example=signing_example(key))


@router.delete("/{deployment_id}", status_code=204)
async def delete_deployment(deployment_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.deployments.delete_deployment(who, deployment_id)

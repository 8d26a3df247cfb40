"""Web-chat deployments: which sites may embed the chat, and the flow their chats run through."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from enum import Enum
from typing import Any

from showdesk.domain.deployments import Deployment, normalize_origin
from showdesk.domain.errors import InvalidInput, Unprocessable
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import Permission
from showdesk.domain.quality import quality_problems
from showdesk.services import input as check
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.owned import owned
from showdesk.services.ports import ConfigurationStore

MAX_ORIGINS = 50


class Keep(Enum):
    """Leave the field as it is (where None says "none": no bound flow, no default picture)."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class DeploymentChanges:
    """What to change of a deployment (a new one needs a name); None leaves a field as it is, except where
    the field says otherwise."""

    name: str | None = None
    flow_id: str | Keep | None = KEEP  # None (or ""): bound to no flow
    allowed_origins: list[str] | None = None
    active: bool | None = None
    video_quality: dict[str, Any] | Keep | None = KEEP  # a Start Video block's quality settings; None: none


class DeploymentService:
    def __init__(self, store: ConfigurationStore, access: AccessService, audit: AuditTrail) -> None:
        self._store = store
        self._access = access
        self._audit = audit

    async def list_deployments(self, principal: Principal) -> list[Deployment]:
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        return await self._store.list_deployments(current.user.organization_id)

    async def get_deployment(self, principal: Principal, deployment_id: str) -> Deployment:
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        return await self._deployment_of(current, deployment_id)

    async def create_deployment(self, principal: Principal, settings: DeploymentChanges) -> Deployment:
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        deployment = Deployment(new_id("d"), current.user.organization_id, "")
        await self._apply(deployment, settings, creating=True)
        await self._store.save_deployment(deployment)
        await self._audit.record(current, "deployment.create", None, deployment)
        return deployment

    async def update_deployment(
        self, principal: Principal, deployment_id: str, changes: DeploymentChanges
    ) -> Deployment:
        """Change a deployment; new chats see it at once (the origin check reads it at each start)."""
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        deployment = await self._deployment_of(current, deployment_id)
        before = copy.deepcopy(deployment)
        await self._apply(deployment, changes, creating=False)
        await self._store.save_deployment(deployment)
        await self._audit.record(current, "deployment.update", before, deployment)
        return deployment

    async def delete_deployment(self, principal: Principal, deployment_id: str) -> None:
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        deployment = await self._deployment_of(current, deployment_id)
        await self._store.delete_deployment(deployment.id)
        await self._audit.record(current, "deployment.delete", deployment, None)

    async def flow_names(self, org_id: str) -> dict[str, str]:
        return {f.id: f.name for f in await self._store.list_flows(org_id)}

    async def _deployment_of(self, current: Principal, deployment_id: str) -> Deployment:
        org = current.user.organization_id
        return await owned(self._store.get_deployment, deployment_id, org, "deployment", "deployment_not_found")

    async def _apply(self, deployment: Deployment, changes: DeploymentChanges, creating: bool) -> None:
        if changes.name is not None or creating:
            deployment.name = check.name(changes.name, "deployment name")
        if changes.allowed_origins is not None:
            origins = check.names(changes.allowed_origins, "allowedOrigins")
            deployment.allowed_origins = list(dict.fromkeys(normalize_origin(o) for o in origins))
        if changes.active is not None:
            deployment.active = changes.active
        if changes.video_quality is not KEEP:
            quality = changes.video_quality
            if problems := quality_problems(quality):
                raise InvalidInput("videoQuality: " + "; ".join(problems), code="invalid_quality")
            deployment.video_quality = dict(quality) if quality else None
        if changes.flow_id is not KEEP:
            deployment.flow_id = await self._published_flow(deployment.organization_id, changes.flow_id or None)

    async def _published_flow(self, org_id: str, flow_id: str | None) -> str | None:
        """A flow a deployment may be bound to: one of the organization's, published."""
        if flow_id is None:
            return None
        flow = await owned(self._store.get_flow, flow_id, org_id, "flow", "flow_not_found")
        if flow.published_definition is None:
            raise Unprocessable(
                f"flow '{flow.name}' has no published version: publish it before binding a deployment to it",
                code="flow_not_published",
            )
        return flow.id

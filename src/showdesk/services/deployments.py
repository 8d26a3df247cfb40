"""Web-chat deployments: which sites may embed the chat, and the flow their chats run through."""

from __future__ import annotations

import copy
from typing import Any

from showdesk.domain.deployments import Deployment, normalize_origin
from showdesk.domain.errors import InvalidInput, NotFound, Unprocessable
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import Permission
from showdesk.domain.quality import quality_problems
from showdesk.services import input as check
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.ports import Store

FIELDS = ("name", "flowId", "allowedOrigins", "active", "videoQuality")
MAX_ORIGINS = 50


class DeploymentService:
    def __init__(self, store: Store, access: AccessService, audit: AuditTrail) -> None:
        self._store = store
        self._access = access
        self._audit = audit

    async def list_deployments(self, principal: Principal) -> list[Deployment]:
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        return await self._store.list_deployments(current.user.organization_id)

    async def get_deployment(self, principal: Principal, deployment_id: str) -> Deployment:
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        return await self._deployment_of(current, deployment_id)

    async def create_deployment(self, principal: Principal, data: dict[str, Any]) -> Deployment:
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        deployment = Deployment(new_id("d"), current.user.organization_id, "")
        await self._apply(deployment, {"allowedOrigins": [], **data}, creating=True)
        await self._store.save_deployment(deployment)
        await self._audit.record(current, "deployment.create", None, deployment)
        return deployment

    async def update_deployment(self, principal: Principal, deployment_id: str, data: dict[str, Any]) -> Deployment:
        """Change a deployment; new chats see it at once (the origin check reads it at each start)."""
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        deployment = await self._deployment_of(current, deployment_id)
        before = copy.deepcopy(deployment)
        await self._apply(deployment, data, creating=False)
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
        deployment = await self._store.get_deployment(deployment_id)
        if deployment is None or deployment.organization_id != current.user.organization_id:
            raise NotFound(f"deployment {deployment_id} does not exist", code="deployment_not_found")
        return deployment

    async def _apply(self, deployment: Deployment, data: dict[str, Any], creating: bool) -> None:
        if unknown := sorted(set(data) - set(FIELDS)):
            raise InvalidInput(f"unknown field(s): {', '.join(unknown)}", code="invalid_input")
        if "name" in data or creating:
            deployment.name = check.name(data.get("name"), "deployment name")
        if "allowedOrigins" in data:
            origins = check.names(data["allowedOrigins"], "allowedOrigins", MAX_ORIGINS)
            deployment.allowed_origins = list(dict.fromkeys(normalize_origin(o) for o in origins))
        if "active" in data:
            deployment.active = check.flag(data["active"], "active")
        if "videoQuality" in data:
            quality = data["videoQuality"]
            if problems := quality_problems(quality):
                raise InvalidInput("videoQuality: " + "; ".join(problems), code="invalid_quality")
            deployment.video_quality = dict(quality) if quality else None
        if "flowId" in data:
            flow_id = data["flowId"]
            if flow_id is None or flow_id == "":
                deployment.flow_id = None
                return
            flow = await self._store.get_flow(str(flow_id))
            if flow is None or flow.organization_id != deployment.organization_id:
                raise NotFound(f"flow {flow_id} does not exist", code="flow_not_found")
            if flow.published_definition is None:
                raise Unprocessable(
                    f"flow '{flow.name}' has no published version: publish it before binding a deployment to it",
                    code="flow_not_published",
                )
            deployment.flow_id = flow.id

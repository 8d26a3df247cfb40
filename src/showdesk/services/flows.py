"""Flows: validate, save versions, publish, the way the CLI, the API and the console all do it."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from showdesk.domain.errors import Conflict, InvalidInput, NotFound, Unprocessable
from showdesk.domain.flow import Flow, FlowVersion, Problem, uses_video, validate_flow
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import Permission
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.owned import owned
from showdesk.services.ports import Clock, OrganizationStore

COMMAND_LINE = ("cli", "Command line")


class FlowRejected(Unprocessable):
    code = "flow_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__("; ".join(p.line() for p in errors))
        self.problems = problems


class FlowService:
    def __init__(
        self,
        store: OrganizationStore,
        clock: Clock,
        access: AccessService | None = None,
        audit: AuditTrail | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._access = access
        self._audit = audit

    # without a principal: the command line and the demo data --------------------------------------
    async def validate(self, org_id: str, definition: Any) -> list[Problem]:
        queues = {q.name: q for q in await self._store.list_queues(org_id)}
        users = await self._store.list_users(org_id)
        # Linear in the flow's size, but a flow at the size limit still takes tens of milliseconds.
        return await asyncio.to_thread(validate_flow, definition, queues, users)

    async def save(
        self, org_id: str, definition: Any, author: tuple[str, str] = COMMAND_LINE
    ) -> tuple[Flow, list[Problem]]:
        """Store a new version of the flow named in the definition (a draft until published)."""
        problems = await self.validate(org_id, definition)
        if not isinstance(definition, dict) or not isinstance(definition.get("name"), str) or not definition["name"]:
            raise FlowRejected(problems)
        existing = next((f for f in await self._store.list_flows(org_id) if f.name == definition["name"]), None)
        before = copy.copy(existing)  # the fields are replaced below, never changed in place
        if existing is None:
            flow = Flow(new_id("f"), org_id, definition["name"], str(definition.get("type", "")), definition)
        else:
            flow = existing
            flow.definition = definition
            flow.type = str(definition.get("type", ""))
            flow.version += 1
        flow.updated_at = self._clock.now()
        await self._store.save_flow(flow)
        version = FlowVersion(
            f"{flow.id}:{flow.version}", flow.id, flow.version, definition, flow.updated_at, author[1]
        )
        await self._store.save_flow_version(version)
        await self._log(org_id, author, "flow.save", before, flow)
        return flow, problems

    async def publish(
        self, org_id: str, flow_id: str, version: int | None = None, author: tuple[str, str] = COMMAND_LINE
    ) -> tuple[Flow, list[Problem]]:
        """Publish the newest version (or a given one); new chats run it, chats under way keep theirs."""
        flow = await self._flow_of(org_id, flow_id)
        definition = flow.definition
        if version is not None and version != flow.version:
            found = next((v for v in await self._store.list_flow_versions(flow.id) if v.version == version), None)
            if found is None:
                raise NotFound(f"flow '{flow.name}' has no version {version}", code="flow_version_not_found")
            definition = found.definition
        problems = await self.validate(org_id, definition)
        if any(p.severity == "error" for p in problems):
            raise FlowRejected(problems)
        before = copy.copy(flow)  # as above: a deep copy of a large flow would hold up the node
        flow.published_version = version or flow.version
        flow.published_definition = definition
        flow.updated_at = self._clock.now()
        await self._store.save_flow(flow)
        await self._log(org_id, author, "flow.publish", before, flow)
        return flow, problems

    # as a signed-in person or API client ---------------------------------------------------------
    async def validate_as(self, principal: Principal, definition: Any) -> list[Problem]:
        """Checking saves nothing, so whoever may read flows may check one."""
        org = await self._require(principal, Permission.FLOW_VIEW)
        return await self.validate(org, definition)

    async def unreadable_as(self, principal: Principal, reason: str) -> list[Problem]:
        """A flow text that is not YAML or JSON, as the one problem live validation shows."""
        await self._require(principal, Permission.FLOW_VIEW)
        return [Problem("error", "flow", reason)]

    async def save_as(self, principal: Principal, definition: Any) -> tuple[Flow, list[Problem]]:
        org = await self._editor(principal, definition)
        return await self.save(org, definition, _author(principal))

    async def publish_as(
        self, principal: Principal, flow_id: str, version: int | None = None
    ) -> tuple[Flow, list[Problem]]:
        org = await self._require(principal, Permission.CHAT_EDIT)
        flow = await self._flow_of(org, flow_id)
        await self._editor(principal, flow.definition)
        return await self.publish(org, flow_id, version, _author(principal))

    async def list_as(self, principal: Principal) -> list[Flow]:
        org = await self._require(principal, Permission.FLOW_VIEW)
        return await self._store.list_flows(org)

    async def get_as(self, principal: Principal, flow_id: str) -> Flow:
        org = await self._require(principal, Permission.FLOW_VIEW)
        return await self._flow_of(org, flow_id)

    async def versions_as(self, principal: Principal, flow_id: str) -> tuple[Flow, list[FlowVersion]]:
        flow = await self.get_as(principal, flow_id)
        return flow, await self._store.list_flow_versions(flow.id)

    async def delete_as(self, principal: Principal, flow_id: str) -> None:
        org = await self._require(principal, Permission.CHAT_EDIT)
        flow = await self._flow_of(org, flow_id)
        await self._editor(principal, flow.definition)
        bound = [d.name for d in await self._store.list_deployments(org) if d.flow_id == flow.id]
        if bound:
            raise Conflict(
                f"flow '{flow.name}' is used by deployment(s) {', '.join(bound)}: bind them to another flow first",
                code="flow_in_use",
            )
        await self._store.delete_flow(flow.id)
        await self._log(org, _author(principal), "flow.delete", flow, None)

    async def _flow_of(self, org_id: str, flow_id: str) -> Flow:
        return await owned(self._store.get_flow, flow_id, org_id, "flow", "flow_not_found")

    async def _editor(self, principal: Principal, definition: Any) -> str:
        """Web-chat flows need Engagement > Chat > Edit; a Start Video block also Telephony > Video > Edit."""
        org = await self._require(principal, Permission.CHAT_EDIT)
        if uses_video(definition):
            await self._require(principal, Permission.VIDEO_EDIT)
        return org

    async def _require(self, principal: Principal, permission: Permission) -> str:
        if self._access is None:
            raise InvalidInput("flow service has no access checks configured")
        current = await self._access.require(principal, permission)
        return current.user.organization_id

    async def _log(self, org_id: str, author: tuple[str, str], action: str, before: Any, after: Any) -> None:
        if self._audit is not None:
            await self._audit.record_by(org_id, author, action, before, after)


def _author(principal: Principal) -> tuple[str, str]:
    return principal.user.id, principal.user.name

"""Flows: validate and publish, the way the CLI, the API and the console all do it."""

from __future__ import annotations

from typing import Any

from showdesk.domain.errors import InvalidInput, NotFound, Unprocessable
from showdesk.domain.flow import Flow, Problem, validate_flow
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import Permission
from showdesk.services.access import AccessService, Principal
from showdesk.services.ports import Clock, Store


class FlowRejected(Unprocessable):
    code = "flow_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__("; ".join(p.line() for p in errors))
        self.problems = problems


class FlowService:
    def __init__(self, store: Store, clock: Clock, access: AccessService | None = None) -> None:
        self._store = store
        self._clock = clock
        self._access = access

    async def validate(self, org_id: str, definition: Any) -> list[Problem]:
        queues = {q.name: q for q in await self._store.list_queues(org_id)}
        users = await self._store.list_users(org_id)
        return validate_flow(definition, queues, users)

    async def save(self, org_id: str, definition: Any) -> tuple[Flow, list[Problem]]:
        """Store a new version of the flow named in the definition (a draft until published)."""
        problems = await self.validate(org_id, definition)
        if not isinstance(definition, dict) or not isinstance(definition.get("name"), str):
            raise FlowRejected(problems)
        existing = next((f for f in await self._store.list_flows(org_id) if f.name == definition["name"]), None)
        if existing is None:
            flow = Flow(new_id("f"), org_id, definition["name"], str(definition.get("type", "")), definition)
        else:
            flow = existing
            flow.definition = definition
            flow.type = str(definition.get("type", ""))
            flow.version += 1
        flow.updated_at = self._clock.now()
        await self._store.save_flow(flow)
        return flow, problems

    async def publish(self, org_id: str, flow_id: str) -> tuple[Flow, list[Problem]]:
        flow = await self._store.get_flow(flow_id)
        if flow is None or flow.organization_id != org_id:
            raise NotFound(f"flow {flow_id} does not exist", code="flow_not_found")
        problems = await self.validate(org_id, flow.definition)
        if any(p.severity == "error" for p in problems):
            raise FlowRejected(problems)
        flow.published_version = flow.version
        flow.published_definition = flow.definition
        flow.updated_at = self._clock.now()
        await self._store.save_flow(flow)
        return flow, problems

    async def save_as(self, principal: Principal, definition: Any) -> tuple[Flow, list[Problem]]:
        org = await self._architect(principal)
        return await self.save(org, definition)

    async def publish_as(self, principal: Principal, flow_id: str) -> tuple[Flow, list[Problem]]:
        org = await self._architect(principal)
        return await self.publish(org, flow_id)

    async def list_as(self, principal: Principal) -> list[Flow]:
        org = await self._architect(principal)
        return await self._store.list_flows(org)

    async def _architect(self, principal: Principal) -> str:
        if self._access is None:
            raise InvalidInput("flow service has no access checks configured")
        current = await self._access.require(principal, Permission.CHAT_EDIT)
        return current.user.organization_id

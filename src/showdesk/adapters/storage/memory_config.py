"""The in-memory store's generic rows and its configuration entities (the SQL store's sql_config)."""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any, TypeVar

from showdesk.domain.api_clients import ApiClient
from showdesk.domain.audit import AuditEntry
from showdesk.domain.deployments import Deployment
from showdesk.domain.directory import Role
from showdesk.domain.errors import Conflict
from showdesk.domain.flow import Flow, FlowVersion
from showdesk.domain.queues import Queue, Skill
from showdesk.domain.turn_servers import TurnServer

E = TypeVar("E")


class MemoryConfigStore:
    _rows: defaultdict[type[Any], dict[str, Any]]

    def _get(self, cls: type[E], key: str) -> E | None:
        found = self._rows[cls].get(key)
        return copy.deepcopy(found) if found is not None else None

    def _list(self, cls: type[E], org_id: str, order: str) -> list[E]:
        found = [copy.deepcopy(e) for e in self._rows[cls].values() if e.organization_id == org_id]
        return sorted(found, key=lambda e: getattr(e, order))

    def _save(self, entity: Any, unique: tuple[str, ...] = ()) -> None:
        for field_name in unique:
            for other in self._rows[type(entity)].values():
                same_scope = getattr(other, "organization_id", None) == getattr(entity, "organization_id", None)
                if other.id != entity.id and same_scope and getattr(other, field_name) == getattr(entity, field_name):
                    raise Conflict(f"{type(entity).__name__.lower()} {field_name} already exists")
        self._rows[type(entity)][entity.id] = copy.deepcopy(entity)

    def _delete(self, cls: type[Any], key: str) -> None:
        self._rows[cls].pop(key, None)

    async def get_role(self, role_id: str) -> Role | None:
        return self._get(Role, role_id)

    async def delete_role(self, role_id: str) -> None:
        self._delete(Role, role_id)

    async def get_skill(self, skill_id: str) -> Skill | None:
        return self._get(Skill, skill_id)

    async def delete_skill(self, skill_id: str) -> None:
        self._delete(Skill, skill_id)

    async def delete_queue(self, queue_id: str) -> None:
        self._delete(Queue, queue_id)

    async def delete_deployment(self, deployment_id: str) -> None:
        self._delete(Deployment, deployment_id)

    async def delete_flow(self, flow_id: str) -> None:
        for version in [v for v in self._rows[FlowVersion].values() if v.flow_id == flow_id]:
            self._delete(FlowVersion, version.id)
        self._delete(Flow, flow_id)

    async def save_flow_version(self, version: FlowVersion) -> None:
        self._rows[FlowVersion][version.id] = copy.deepcopy(version)

    async def list_flow_versions(self, flow_id: str) -> list[FlowVersion]:
        found = [copy.deepcopy(v) for v in self._rows[FlowVersion].values() if v.flow_id == flow_id]
        return sorted(found, key=lambda v: v.version)

    async def get_api_client(self, client_id: str) -> ApiClient | None:
        return self._get(ApiClient, client_id)

    async def list_api_clients(self, org_id: str) -> list[ApiClient]:
        return self._list(ApiClient, org_id, "name")

    async def save_api_client(self, client: ApiClient) -> None:
        self._save(client, ("name",))

    async def delete_api_client(self, client_id: str) -> None:
        self._delete(ApiClient, client_id)

    async def get_turn_server(self, server_id: str) -> TurnServer | None:
        return self._get(TurnServer, server_id)

    async def list_turn_servers(self, org_id: str) -> list[TurnServer]:
        return self._list(TurnServer, org_id, "name")

    async def save_turn_server(self, server: TurnServer) -> None:
        self._save(server, ("name",))

    async def delete_turn_server(self, server_id: str) -> None:
        self._delete(TurnServer, server_id)

    async def append_audit(self, entry: AuditEntry) -> None:
        self._rows[AuditEntry][entry.id] = copy.deepcopy(entry)

    async def list_audit(
        self, org_id: str, target_type: str | None = None, before_id: str | None = None, limit: int = 50
    ) -> list[AuditEntry]:
        found = [
            e
            for e in self._list(AuditEntry, org_id, "id")
            if (not target_type or e.target_type == target_type) and (not before_id or e.id < before_id)
        ]
        return list(reversed(found))[:limit]

"""The in-memory store's configuration: configuration_sql.py on dictionaries (secrets kept as given:
nothing leaves the process)."""

from __future__ import annotations

import copy

from showdesk.adapters.storage.memory_rows import MemoryRows
from showdesk.domain.api_clients import ApiClient
from showdesk.domain.deployments import Deployment
from showdesk.domain.flow import Flow, FlowVersion
from showdesk.domain.turn_servers import TurnServer


class MemoryConfigurationStore(MemoryRows):
    _installation_id: str

    async def installation_id(self) -> str:
        return self._installation_id

    async def get_deployment(self, deployment_id: str) -> Deployment | None:
        return self._get(Deployment, deployment_id)

    async def list_deployments(self, org_id: str) -> list[Deployment]:
        return self._list(Deployment, org_id, "name")

    async def save_deployment(self, deployment: Deployment) -> None:
        self._save(deployment)

    async def delete_deployment(self, deployment_id: str) -> None:
        self._delete(Deployment, deployment_id)

    async def get_flow(self, flow_id: str) -> Flow | None:
        return self._get(Flow, flow_id)

    async def list_flows(self, org_id: str) -> list[Flow]:
        return self._list(Flow, org_id, "name")

    async def save_flow(self, flow: Flow) -> None:
        self._save(flow, ("name",))

    async def delete_flow(self, flow_id: str) -> None:
        for version in [v for v in self._rows[FlowVersion].values() if v.flow_id == flow_id]:
            self._delete(FlowVersion, version.id)
        self._delete(Flow, flow_id)

    async def save_flow_version(self, version: FlowVersion) -> None:
        self._save(version)

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

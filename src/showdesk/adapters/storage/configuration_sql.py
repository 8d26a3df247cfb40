"""The SQL store's configuration: deployments, flows and their versions, API clients, TURN servers (their
secrets and credentials stored sealed with the server's key, sealed.py), and the installation's id."""

from __future__ import annotations

import dataclasses

from sqlalchemy import or_, select, update

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.sealed import PREFIX, Sealer
from showdesk.adapters.storage.sql_rows import SqlRows, to_entity
from showdesk.domain.api_clients import ApiClient
from showdesk.domain.deployments import Deployment
from showdesk.domain.flow import Flow, FlowVersion
from showdesk.domain.turn_servers import TurnServer


class SqlConfigurationStore(SqlRows):
    secrets: Sealer

    async def installation_id(self) -> str:
        async with self.engine.connect() as conn:
            found = await conn.scalar(select(t.installation.c.value).where(t.installation.c.key == "id"))
        return str(found)

    async def get_deployment(self, deployment_id: str) -> Deployment | None:
        return await self._one(t.deployments, Deployment, id=deployment_id)

    async def list_deployments(self, org_id: str) -> list[Deployment]:
        return await self._many(t.deployments, Deployment, order="name", organization_id=org_id)

    async def save_deployment(self, deployment: Deployment) -> None:
        await self._save(t.deployments, deployment)

    async def delete_deployment(self, deployment_id: str) -> None:
        await self._delete(t.deployments, id=deployment_id)

    async def get_flow(self, flow_id: str) -> Flow | None:
        return await self._one(t.flows, Flow, id=flow_id)

    async def list_flows(self, org_id: str) -> list[Flow]:
        return await self._many(t.flows, Flow, order="name", organization_id=org_id)

    async def save_flow(self, flow: Flow) -> None:
        await self._save(t.flows, flow)

    async def delete_flow(self, flow_id: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(t.flow_versions.delete().where(t.flow_versions.c.flow_id == flow_id))
            await conn.execute(t.flows.delete().where(t.flows.c.id == flow_id))

    async def save_flow_version(self, version: FlowVersion) -> None:
        await self._save(t.flow_versions, version)

    async def list_flow_versions(self, flow_id: str) -> list[FlowVersion]:
        return await self._many(t.flow_versions, FlowVersion, order="version", flow_id=flow_id)

    async def get_api_client(self, client_id: str) -> ApiClient | None:
        return await self._one(t.api_clients, ApiClient, id=client_id)

    async def list_api_clients(self, org_id: str) -> list[ApiClient]:
        return await self._many(t.api_clients, ApiClient, order="name", organization_id=org_id)

    async def save_api_client(self, client: ApiClient) -> None:
        await self._save(t.api_clients, client)

    async def delete_api_client(self, client_id: str) -> None:
        await self._delete(t.api_clients, id=client_id)

    async def get_turn_server(self, server_id: str) -> TurnServer | None:
        found = await self._one(t.turn_servers, TurnServer, id=server_id)
        return self._opened(found) if found is not None else None

    async def list_turn_servers(self, org_id: str) -> list[TurnServer]:
        found = await self._many(t.turn_servers, TurnServer, order="name", organization_id=org_id)
        return [self._opened(server) for server in found]

    async def save_turn_server(self, server: TurnServer) -> None:
        await self._save(t.turn_servers, self._sealed(server))

    async def delete_turn_server(self, server_id: str) -> None:
        await self._delete(t.turn_servers, id=server_id)

    async def seal_secrets(self) -> int:
        """Seal the TURN secrets stored in plain text before sealing existed; how many rows were."""
        ts = t.turn_servers
        plain = or_(
            (ts.c.secret != "") & ~ts.c.secret.startswith(PREFIX),
            (ts.c.credential != "") & ~ts.c.credential.startswith(PREFIX),
        )
        async with self.engine.begin() as conn:
            rows = (await conn.execute(select(ts).where(plain))).all()
            for row in rows:
                server = self._sealed(to_entity(TurnServer, row))
                values = {"secret": server.secret, "credential": server.credential}
                await conn.execute(update(ts).where(ts.c.id == row.id).values(**values))
        return len(rows)

    def _sealed(self, server: TurnServer) -> TurnServer:
        where = f"turn_servers.{server.id}."
        return dataclasses.replace(
            server,
            secret=self.secrets.seal(server.secret, where + "secret"),
            credential=self.secrets.seal(server.credential, where + "credential"),
        )

    def _opened(self, server: TurnServer) -> TurnServer:
        where = f"turn_servers.{server.id}."
        server.secret = self.secrets.open(server.secret, where + "secret")
        server.credential = self.secrets.open(server.credential, where + "credential")
        return server

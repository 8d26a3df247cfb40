"""TURN servers ("video trunks"): configured by people with Telephony > Trunk > Edit."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from showdesk.domain.errors import Conflict
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import Permission
from showdesk.domain.turn_servers import TurnServer
from showdesk.services import input as check
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.owned import owned
from showdesk.services.ports import ConfigurationStore


@dataclass(frozen=True)
class TurnServerChanges:
    """What to change of a TURN server (a new one needs a name and URLs); None leaves a field as it is,
    a secret too (secrets are never sent back, so they are never re-sent)."""

    name: str | None = None
    urls: list[str] | None = None
    authentication: str | None = None  # shared-secret | static
    secret: str | None = None  # shared-secret: coturn's static-auth-secret
    username: str | None = None  # static
    credential: str | None = None  # static
    active: bool | None = None


class TurnServerService:
    def __init__(self, store: ConfigurationStore, access: AccessService, audit: AuditTrail) -> None:
        self._store = store
        self._access = access
        self._audit = audit

    async def list_servers(self, principal: Principal) -> list[TurnServer]:
        current = await self._access.require(principal, Permission.TRUNK_EDIT)
        return await self._store.list_turn_servers(current.user.organization_id)

    async def create_server(self, principal: Principal, settings: TurnServerChanges) -> TurnServer:
        current = await self._access.require(principal, Permission.TRUNK_EDIT)
        server = TurnServer(new_id("t"), current.user.organization_id, "")
        _apply(server, settings)
        await self._unique_name(server)
        await self._store.save_turn_server(server)
        await self._audit.record(current, "turn_server.create", None, server)
        return server

    async def update_server(self, principal: Principal, server_id: str, changes: TurnServerChanges) -> TurnServer:
        """Change a server; secrets not given are kept (they are never sent back to be re-sent)."""
        current = await self._access.require(principal, Permission.TRUNK_EDIT)
        server = await self._server_of(current, server_id)
        before = copy.deepcopy(server)
        _apply(server, changes)
        await self._unique_name(server)
        await self._store.save_turn_server(server)
        await self._audit.record(current, "turn_server.update", before, server)
        return server

    async def delete_server(self, principal: Principal, server_id: str) -> None:
        current = await self._access.require(principal, Permission.TRUNK_EDIT)
        server = await self._server_of(current, server_id)
        await self._store.delete_turn_server(server.id)
        await self._audit.record(current, "turn_server.delete", server, None)

    async def _server_of(self, current: Principal, server_id: str) -> TurnServer:
        org = current.user.organization_id
        return await owned(self._store.get_turn_server, server_id, org, "TURN server", "turn_server_not_found")

    async def _unique_name(self, server: TurnServer) -> None:
        others = await self._store.list_turn_servers(server.organization_id)
        if any(o.name == server.name and o.id != server.id for o in others):
            raise Conflict(f"a TURN server named '{server.name}' already exists", code="turn_server_exists")


def _apply(server: TurnServer, changes: TurnServerChanges) -> None:
    for text_field in ("name", "authentication", "secret", "username", "credential"):
        value = getattr(changes, text_field)
        if value is not None:
            setattr(server, text_field, value.strip())
    if changes.urls is not None:
        server.urls = check.names(changes.urls, "urls")
    if changes.active is not None:
        server.active = changes.active
    if server.authentication == "static":
        server.secret = ""
    else:
        server.username = server.credential = ""
    server.check()

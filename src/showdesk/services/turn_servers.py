"""TURN servers ("video trunks"): configured by people with Telephony > Trunk > Edit."""

from __future__ import annotations

import copy
from typing import Any

from showdesk.domain.errors import Conflict, InvalidInput, NotFound
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import Permission
from showdesk.domain.turn_servers import TurnServer
from showdesk.services import input as check
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.ports import Store

FIELDS = ("name", "urls", "authentication", "secret", "username", "credential", "active")


class TurnServerService:
    def __init__(self, store: Store, access: AccessService, audit: AuditTrail) -> None:
        self._store = store
        self._access = access
        self._audit = audit

    async def list_servers(self, principal: Principal) -> list[TurnServer]:
        current = await self._access.require(principal, Permission.TRUNK_EDIT)
        return await self._store.list_turn_servers(current.user.organization_id)

    async def create_server(self, principal: Principal, data: dict[str, Any]) -> TurnServer:
        current = await self._access.require(principal, Permission.TRUNK_EDIT)
        server = TurnServer(new_id("t"), current.user.organization_id, "")
        _apply(server, {"name": "", **data})
        await self._unique_name(server)
        await self._store.save_turn_server(server)
        await self._audit.record(current, "turn_server.create", None, server)
        return server

    async def update_server(self, principal: Principal, server_id: str, data: dict[str, Any]) -> TurnServer:
        """Change a server; secrets not given are kept (they are never sent back to be re-sent)."""
        current = await self._access.require(principal, Permission.TRUNK_EDIT)
        server = await self._server_of(current, server_id)
        before = copy.deepcopy(server)
        _apply(server, data)
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
        server = await self._store.get_turn_server(server_id)
        if server is None or server.organization_id != current.user.organization_id:
            raise NotFound(f"TURN server {server_id} does not exist", code="turn_server_not_found")
        return server

    async def _unique_name(self, server: TurnServer) -> None:
        others = await self._store.list_turn_servers(server.organization_id)
        if any(o.name == server.name and o.id != server.id for o in others):
            raise Conflict(f"a TURN server named '{server.name}' already exists", code="turn_server_exists")


def _apply(server: TurnServer, data: dict[str, Any]) -> None:
    if unknown := sorted(set(data) - set(FIELDS)):
        raise InvalidInput(f"unknown field(s): {', '.join(unknown)}", code="invalid_input")
    for text_field in ("name", "authentication", "secret", "username", "credential"):
        value = data.get(text_field)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > 500:
            raise InvalidInput(f"{text_field} must be text of at most 500 characters", code="invalid_input")
        setattr(server, text_field, value.strip())
    if "urls" in data:
        server.urls = check.names(data["urls"], "urls", 10)
    if "active" in data:
        server.active = check.flag(data["active"], "active")
    if server.authentication == "static":
        server.secret = ""
    else:
        server.username = server.credential = ""
    server.check()

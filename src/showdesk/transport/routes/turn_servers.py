"""TURN servers ("video trunks"); secrets go in, never out."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import Field

from showdesk.domain.turn_servers import TurnServer
from showdesk.services.turn_servers import TurnServerChanges
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import Body, View

router = APIRouter(prefix="/telephony/turn-servers", tags=["turn servers"])


class TurnServerBody(Body):
    name: str = Field(min_length=1, max_length=200)
    urls: list[str] = Field(min_length=1, max_length=10)
    authentication: Literal["shared-secret", "static"] = "shared-secret"
    secret: str = Field(default="", max_length=500)
    username: str = Field(default="", max_length=200)
    credential: str = Field(default="", max_length=500)
    active: bool = True

    def settings(self) -> TurnServerChanges:
        return TurnServerChanges(
            self.name, self.urls, self.authentication, self.secret, self.username, self.credential, self.active
        )


class TurnServerChange(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    urls: list[str] | None = Field(default=None, min_length=1, max_length=10)
    authentication: Literal["shared-secret", "static"] | None = None
    secret: str | None = Field(default=None, max_length=500)
    username: str | None = Field(default=None, max_length=200)
    credential: str | None = Field(default=None, max_length=500)
    active: bool | None = None

    def changes(self) -> TurnServerChanges:
        """Fields left out, or null, stay as they are."""
        return TurnServerChanges(
            self.name, self.urls, self.authentication, self.secret, self.username, self.credential, self.active
        )


class TurnServerView(View):
    id: str
    name: str
    urls: list[str]
    authentication: str
    username: str
    secretSet: bool = Field(description="whether a secret or credential is set (they are never sent back)")
    active: bool

    @classmethod
    def of(cls, server: TurnServer) -> TurnServerView:
        return cls(
            id=server.id,
            name=server.name,
            urls=server.urls,
            authentication=server.authentication,
            username=server.username,
            secretSet=bool(server.secret or server.credential),
            active=server.active,
        )


@router.get("")
async def list_turn_servers(who: PrincipalDep, sd: ServicesDep) -> list[TurnServerView]:
    return [TurnServerView.of(s) for s in await sd.turn_servers.list_servers(who)]


@router.post("", status_code=201)
async def create_turn_server(body: TurnServerBody, who: PrincipalDep, sd: ServicesDep) -> TurnServerView:
    return TurnServerView.of(await sd.turn_servers.create_server(who, body.settings()))


@router.patch("/{server_id}", summary="Change a TURN server; a secret left out is kept")
async def update_turn_server(
    server_id: str, body: TurnServerChange, who: PrincipalDep, sd: ServicesDep
) -> TurnServerView:
    return TurnServerView.of(await sd.turn_servers.update_server(who, server_id, body.changes()))


@router.delete("/{server_id}", status_code=204)
async def delete_turn_server(server_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.turn_servers.delete_server(who, server_id)

"""API clients for client-credentials OAuth: the secret is in the answer to create and rotate only."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from showdesk.domain.api_clients import ApiClient
from showdesk.services.api_clients import ClientChanges
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import Body, Timestamp, View

router = APIRouter(prefix="/oauth/clients", tags=["api clients"])


class ClientBody(Body):
    name: str = Field(min_length=1, max_length=200)
    roles: list[str] = Field(default_factory=list, max_length=20)

    def settings(self) -> ClientChanges:
        return ClientChanges(self.name, self.roles)


class ClientChange(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    roles: list[str] | None = Field(default=None, max_length=20)
    active: bool | None = None

    def changes(self) -> ClientChanges:
        """Fields left out, or null, stay as they are."""
        return ClientChanges(self.name, self.roles, self.active)


class ApiClientView(View):
    id: str
    clientId: str = Field(description="the client_id to send to /oauth/token (the same as id)")
    name: str
    roles: list[str]
    active: bool
    createdAt: Timestamp | None
    secretRotatedAt: Timestamp | None

    @classmethod
    def of(cls, client: ApiClient) -> ApiClientView:
        return cls(
            id=client.id,
            clientId=client.id,
            name=client.name,
            roles=client.roles,
            active=client.active,
            createdAt=client.created_at,
            secretRotatedAt=client.secret_rotated_at,
        )


class NewSecretView(ApiClientView):
    """A client with its new secret: shown in this answer only."""

    secret: str

    @classmethod
    def with_secret(cls, client: ApiClient, secret: str) -> NewSecretView:
        return cls(**dict(ApiClientView.of(client)), secret=secret)


@router.get("")
async def list_clients(who: PrincipalDep, sd: ServicesDep) -> list[ApiClientView]:
    return [ApiClientView.of(c) for c in await sd.api_clients.list_clients(who)]


@router.post("", status_code=201, summary="Create a client; its secret is in this answer and never again")
async def create_client(body: ClientBody, who: PrincipalDep, sd: ServicesDep) -> NewSecretView:
    return NewSecretView.with_secret(*await sd.api_clients.create_client(who, body.settings()))


@router.patch("/{client_id}")
async def update_client(client_id: str, body: ClientChange, who: PrincipalDep, sd: ServicesDep) -> ApiClientView:
    return ApiClientView.of(await sd.api_clients.update_client(who, client_id, body.changes()))


@router.post("/{client_id}/secret", summary="Rotate the secret: the old one and its tokens stop working")
async def rotate_secret(client_id: str, who: PrincipalDep, sd: ServicesDep) -> NewSecretView:
    return NewSecretView.with_secret(*await sd.api_clients.rotate_secret(who, client_id))


@router.delete("/{client_id}", status_code=204)
async def delete_client(client_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.api_clients.delete_client(who, client_id)

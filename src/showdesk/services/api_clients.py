"""API clients: client-credentials OAuth for programs; the secret is shown once, stored as a hash."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass

from showdesk.domain.api_clients import ApiClient
from showdesk.domain.directory import permissions_of
from showdesk.domain.errors import Conflict, InvalidInput, Unauthenticated
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import Permission
from showdesk.services import input as check
from showdesk.services.access import AccessService, Principal, hash_password_off_loop, verify_password_off_loop
from showdesk.services.audit import AuditTrail
from showdesk.services.owned import owned
from showdesk.services.ports import Bus, Clock, OrganizationStore
from showdesk.services.sign_in_limits import SignInLimits


@dataclass(frozen=True)
class ClientChanges:
    """What to change of an API client (a new one needs a name); None leaves a field as it is."""

    name: str | None = None
    roles: list[str] | None = None
    active: bool | None = None


class ApiClientService:
    def __init__(
        self,
        store: OrganizationStore,
        bus: Bus,
        clock: Clock,
        access: AccessService,
        audit: AuditTrail,
        sign_in: SignInLimits | None = None,
    ) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock
        self._access = access
        self._audit = audit
        self._sign_in = sign_in

    async def exchange(
        self, grant_type: str, client_id: str, secret: str, address: str = "unknown"
    ) -> tuple[str, int]:
        """OAuth 2 client credentials: a short-lived access token for a client id and its secret. Failures
        from `address` are counted and slowed like people's sign-ins (SignInLimits)."""
        if grant_type != "client_credentials":
            raise InvalidInput("grant_type must be client_credentials", code="unsupported_grant_type")
        login = client_id
        client = await self._store.get_api_client(login) if login else None
        if self._sign_in is not None:
            await self._sign_in.check("client", login, address, client)
        if not await verify_password_off_loop(client.secret_hash if client else None, secret) or client is None:
            if self._sign_in is not None:
                await self._sign_in.failed("client", login, address)
            raise Unauthenticated("unknown client or wrong secret", code="invalid_client")
        if not client.active:
            raise Unauthenticated("this API client is disabled", code="invalid_client")
        return await self._access.client_token(client)

    async def list_clients(self, principal: Principal) -> list[ApiClient]:
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        return await self._store.list_api_clients(current.user.organization_id)

    async def create_client(self, principal: Principal, settings: ClientChanges) -> tuple[ApiClient, str]:
        """The new client and its secret, which is never shown again."""
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        org = current.user.organization_id
        secret = _new_secret()
        client = ApiClient(new_id("k"), org, "", await hash_password_off_loop(secret), created_at=self._clock.now())
        await self._apply(current, client, settings, creating=True)
        await self._store.save_api_client(client)
        await self._audit.record(current, "api_client.create", None, client)
        return client, secret

    async def update_client(self, principal: Principal, client_id: str, changes: ClientChanges) -> ApiClient:
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        client = await self._client_of(current, client_id)
        before = copy.deepcopy(client)
        await self._apply(current, client, changes, creating=False)
        await self._store.save_api_client(client)
        await self._access.directory_changed(client.id)
        await self._audit.record(current, "api_client.update", before, client)
        return client

    async def rotate_secret(self, principal: Principal, client_id: str) -> tuple[ApiClient, str]:
        """A new secret; the old one and every token issued with it stop working."""
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        client = await self._client_of(current, client_id)
        # Whoever holds the new secret acts with the client's roles: only someone holding all they grant.
        roles = await self._store.list_roles(client.organization_id)
        self._access.refuse_escalation(
            current, permissions_of(client.as_user(), roles), f"get a new secret for API client '{client.name}'"
        )
        before = copy.deepcopy(client)
        secret = _new_secret()
        client.secret_hash = await hash_password_off_loop(secret)
        client.secret_rotated_at = self._clock.now()
        await self._store.save_api_client(client)
        await self._access.directory_changed(client.id)
        await self._audit.record(current, "api_client.rotate_secret", before, client)
        return client, secret

    async def delete_client(self, principal: Principal, client_id: str) -> None:
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        client = await self._client_of(current, client_id)
        await self._store.delete_api_client(client.id)
        await self._access.directory_changed(client.id)
        await self._audit.record(current, "api_client.delete", client, None)

    async def _client_of(self, current: Principal, client_id: str) -> ApiClient:
        org = current.user.organization_id
        return await owned(self._store.get_api_client, client_id, org, "API client", "client_not_found")

    async def _apply(self, current: Principal, client: ApiClient, changes: ClientChanges, creating: bool) -> None:
        org = client.organization_id
        if changes.name is not None or creating:
            name = check.name(changes.name, "client name")
            if name != client.name and any(c.name == name for c in await self._store.list_api_clients(org)):
                raise Conflict(f"an API client named '{name}' already exists", code="client_exists")
            client.name = name
        if changes.roles is not None:
            roles = await self._store.list_roles(org)
            had = permissions_of(client.as_user(), roles) if not creating else frozenset()
            names = check.names(changes.roles, "roles")
            client.roles = check.known(names, {r.name for r in roles}, "role(s)", "unknown_role")
            granted = permissions_of(client.as_user(), roles) - had
            self._access.refuse_escalation(current, granted, f"give API client '{client.name}' these roles")
        if changes.active is not None:
            client.active = changes.active


def _new_secret() -> str:
    return secrets.token_urlsafe(32)

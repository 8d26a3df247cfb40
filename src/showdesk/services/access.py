"""Who is asking and what they may do: login, token checks and permission checks at action time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from showdesk.domain.api_clients import ApiClient
from showdesk.domain.directory import User, permissions_of
from showdesk.domain.errors import Forbidden, Unauthenticated
from showdesk.domain.events import DirectoryChanged, SignedOut
from showdesk.domain.permissions import Permission
from showdesk.services.ports import Bus, Clock, Handler, Store
from showdesk.services.publishing import publish
from showdesk.services.settings import ServiceSettings
from showdesk.services.tokens import AgentClaims, TokenCodec

_hasher = PasswordHasher()
# A real hash to verify against when the email is unknown, so timing does not reveal which emails exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, given: object) -> bool:
    """Whether `given` matches; an unknown account is checked against a dummy hash so timing is the same."""
    if not isinstance(given, str):
        return False
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, given) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Principal:
    """A signed-in person, with the permissions their roles grant right now."""

    user: User
    permissions: frozenset[Permission]
    claims: AgentClaims

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions


class AccessService:
    def __init__(
        self, store: Store, clock: Clock, tokens: TokenCodec, settings: ServiceSettings, bus: Bus | None = None
    ) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock
        self._tokens = tokens
        self._settings = settings
        # user id -> (user, permissions); emptied by every DirectoryChanged, on every node.
        self._known: dict[str, tuple[User, frozenset[Permission]]] = {}
        self._local_listeners: list[Handler] = []  # this node's other caches of the directory (routing)

    def on_local_change(self, listener: Handler) -> None:
        """`listener` hears this node's own directory changes at once, before the bus carries them."""
        self._local_listeners.append(listener)

    async def directory_changed(self, user_id: str | None = None) -> None:
        """A user (or, with None, anything: a role, a queue) changed. This node forgets what it read before
        the caller answers, so the next action here is checked against the change; other nodes hear it
        from the bus."""
        event = DirectoryChanged(user_id=user_id)
        frame = event.frame()
        await self.on_directory_changed(frame)
        for listener in self._local_listeners:
            await listener(frame)
        if self._bus is not None:
            await publish(self._bus, event)

    async def on_directory_changed(self, frame: dict[str, Any]) -> None:
        user_id = frame.get("userId")
        if user_id:
            self._known.pop(user_id, None)
        else:
            self._known.clear()

    async def login(self, email: object, password: object) -> tuple[str, Principal]:
        if not isinstance(email, str) or not isinstance(password, str):
            raise Unauthenticated("email and password are required", code="invalid_credentials")
        user = await self._store.get_user_by_email(email.strip())
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError) as exc:
            raise Unauthenticated("wrong email or password", code="invalid_credentials") from exc
        if user is None:
            raise Unauthenticated("wrong email or password", code="invalid_credentials")
        if not user.active:
            raise Unauthenticated("this account is disabled", code="account_disabled")
        token, claims = self._tokens.agent_token(
            user.id, user.organization_id, self._clock.now(), self._settings.agent_token_ttl
        )
        return token, await self._principal(user, claims)

    async def client_token(self, client: ApiClient) -> tuple[str, int]:
        """An access token for an API client (client credentials), acting with the client's roles."""
        ttl = self._settings.client_token_ttl
        now = self._clock.now()
        token, _ = self._tokens.agent_token(client.id, client.organization_id, now, ttl, client.secret_generation)
        return token, ttl

    async def logout(self, principal: Principal) -> None:
        """The token stops working at once, and the sockets opened with it close (on every node)."""
        await self._store.revoke_token(principal.claims.jti, principal.claims.expires_at)
        if self._bus is not None:
            await publish(self._bus, SignedOut(principal.user.id, jti=principal.claims.jti))

    async def authenticate(self, token: object) -> Principal:
        """The principal behind an access token, read fresh: disabled users and revoked tokens fail."""
        claims = self._tokens.read_agent(token)
        if await self._store.is_token_revoked(claims.jti):
            raise Unauthenticated("this token was signed out; log in again", code="token_revoked")
        user = await self._actor(claims)
        if user is None or not user.active:
            raise Unauthenticated("this account is disabled", code="account_disabled")
        return await self._principal(user, claims)

    async def _actor(self, claims: AgentClaims) -> User | None:
        """The user behind a token, or an API client acting as one (refused once its secret rotated)."""
        if not claims.client:
            return await self._store.get_user(claims.user_id)
        client = await self._store.get_api_client(claims.user_id)
        if client is None:
            return None
        if claims.secret_generation != client.secret_generation:
            raise Unauthenticated("the client's secret was rotated; get a new token", code="token_revoked")
        return client.as_user()

    async def refresh(self, principal: Principal) -> Principal:
        """The same person as they are now, so a permission removed mid-session stops the next action.

        What was read is kept until a DirectoryChanged event says the user or a role changed.
        """
        known = self._known.get(principal.user.id)
        if known is None:
            user = await self._actor(principal.claims)
            if user is None or not user.active:
                raise Unauthenticated("this account is disabled", code="account_disabled")
            fresh = await self._principal(user, principal.claims)
            self._known[user.id] = (fresh.user, fresh.permissions)
            return fresh
        user, permissions = known
        if not user.active:
            raise Unauthenticated("this account is disabled", code="account_disabled")
        if principal.user is user and principal.permissions is permissions:
            return principal  # nothing changed since this principal was read
        return Principal(user, permissions, principal.claims)

    async def require(self, principal: Principal, permission: Permission) -> Principal:
        current = await self.refresh(principal)
        if not current.has(permission):
            raise Forbidden(f"{current.user.name} lacks the permission {permission.value}", code="permission_denied")
        return current

    async def user_may(self, user_id: str | None, permission: Permission) -> bool:
        """Whether a user (not the caller: e.g. the agent a customer's action reaches) holds a permission."""
        user = await self._store.get_user(user_id) if user_id else None
        if user is None or not user.active:
            return False
        return permission in permissions_of(user, await self._store.list_roles(user.organization_id))

    async def _principal(self, user: User, claims: AgentClaims) -> Principal:
        roles = await self._store.list_roles(user.organization_id)
        return Principal(user, permissions_of(user, roles), claims)

"""Who is asking and what they may do: login, token checks and permission checks at action time."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from showdesk.domain.api_clients import ApiClient
from showdesk.domain.directory import User, permissions_of
from showdesk.domain.errors import Forbidden, InvalidInput, Unauthenticated
from showdesk.domain.events import DirectoryChanged, SignedOut
from showdesk.domain.permissions import Permission, not_held
from showdesk.services.ports import Bus, Clock, Handler, Store
from showdesk.services.publishing import publish
from showdesk.services.settings import ServiceSettings
from showdesk.services.tokens import AgentClaims, TokenCodec

if TYPE_CHECKING:
    from showdesk.services.sign_in_limits import SignInLimits

_hasher = PasswordHasher()
# A real hash to verify against when the email is unknown, so timing does not reveal which emails exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
# Argon2 is slow on purpose (~0.1 s of CPU): it runs on threads of its own, so the event loop never waits
# on it, and on few of them, so a flood of sign-ins queues here instead of in the loop's default pool
# (which other work, such as resolving host names, shares).
HASHING_THREADS = 2


def _lower_priority() -> None:
    # On Linux a thread has its own nice value, and argon2's lane threads inherit it: the event loop
    # thread wins the CPU over a flood of hashes, and sockets keep answering.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


_hashing = ThreadPoolExecutor(HASHING_THREADS, thread_name_prefix="password-hash", initializer=_lower_priority)


def hash_password(password: str) -> str:
    """Blocks for ~0.1 s: for scripts and seeding; services await `hash_password_off_loop`."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, given: str) -> bool:
    """Whether `given` matches; an unknown account is checked against a dummy hash so timing is the same."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, given) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def hash_password_off_loop(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_hashing, hash_password, password)


async def verify_password_off_loop(stored_hash: str | None, given: str) -> bool:
    return await asyncio.get_running_loop().run_in_executor(_hashing, verify_password, stored_hash, given)


OPERATOR_NAME = "Operator (command line)"


@dataclass(frozen=True)
class Principal:
    """A signed-in person, with the permissions their roles grant right now; or the operator at the
    command line (`AccessService.operator`), who signs in nowhere and holds every permission."""

    user: User
    permissions: frozenset[Permission]
    claims: AgentClaims
    operator: bool = False

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions


class AccessService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        tokens: TokenCodec,
        settings: ServiceSettings,
        bus: Bus | None = None,
        sign_in: SignInLimits | None = None,
    ) -> None:
        self._store = store
        self._sign_in = sign_in  # None: failed sign-ins are not counted (tools that sign nobody in)
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

    async def login(self, email: str, password: str, address: str = "unknown") -> tuple[str, Principal]:
        """An access token for email and password, from the client address `address` (which failures count
        against: see SignInLimits)."""
        login = email.strip()
        user = await self._store.get_user_by_email(login)
        if self._sign_in is not None:
            await self._sign_in.check("user", login, address, user)
        if not await verify_password_off_loop(user.password_hash if user else None, password) or user is None:
            if self._sign_in is not None:
                await self._sign_in.failed("user", login, address)
            raise Unauthenticated("wrong email or password", code="invalid_credentials")
        if not user.active:
            raise Unauthenticated("this account is disabled", code="account_disabled")
        return await self.signed_in(user)

    def operator(self, org_id: str) -> Principal:
        """Whoever runs `showdesk` commands on the server's machine, acting in organization `org_id`. They
        hold every permission (they hold the database anyway), have no token, and the audit log names them."""
        user = User("", org_id, "", OPERATOR_NAME, "")
        claims = AgentClaims("", org_id, "", self._clock.now())
        return Principal(user, frozenset(Permission), claims, operator=True)

    async def signed_in(self, user: User) -> tuple[str, Principal]:
        """A new access token for `user`, under their token version as `user` holds it, and its principal."""
        token, claims = self._tokens.agent_token(
            user.id,
            user.organization_id,
            self._clock.now(),
            self._settings.agent_token_ttl,
            token_version=user.token_version,
        )
        return token, await self._principal(user, claims)

    async def confirm_password(self, user: User, given: str, address: str) -> None:
        """Refuse unless `given` is `user`'s password: a second proof from someone already signed in (a
        password change), counted and slowed exactly like a sign-in from `address`."""
        if self._sign_in is not None:
            await self._sign_in.check("user", user.email, address, user)
        if not user.password_hash or not await verify_password_off_loop(user.password_hash, given):
            if self._sign_in is not None:
                await self._sign_in.failed("user", user.email, address)
            raise InvalidInput(
                "the current password is not right: type the password you signed in with", code="wrong_password"
            )

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

    async def authenticate(self, token: str) -> Principal:
        """The principal behind an access token, read fresh: disabled users and revoked tokens fail."""
        claims = self._tokens.read_agent(token)
        if await self._store.is_token_revoked(claims.jti):
            raise Unauthenticated("this token was signed out; log in again", code="token_revoked")
        user = _current(await self._actor(claims), claims)
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
        if principal.operator:
            return principal  # not a user of the directory: nothing of theirs can change
        known = self._known.get(principal.user.id)
        if known is None:
            user = _current(await self._actor(principal.claims), principal.claims)
            fresh = await self._principal(user, principal.claims)
            self._known[user.id] = (fresh.user, fresh.permissions)
            return fresh
        user, permissions = known
        _current(user, principal.claims)
        if principal.user is user and principal.permissions is permissions:
            return principal  # nothing changed since this principal was read
        return Principal(user, permissions, principal.claims)

    async def end_sessions(self, user_id: str) -> None:
        """Every access token the user holds stops working, and their live sockets close, on every node:
        their token version moves on, then every node forgets what it read of them."""
        await self._store.bump_token_version(user_id)
        await self.directory_changed(user_id)

    def refuse_escalation(self, actor: Principal, granted: frozenset[Permission], doing: str) -> None:
        """Nobody gives anyone a permission they do not hold themselves (Forbidden, naming what they lack)."""
        if lacking := not_held(actor.permissions, granted):
            raise Forbidden(
                f"{actor.user.name} cannot {doing}: that would grant {', '.join(lacking)}, which they do not hold",
                code="permission_escalation",
            )

    async def require(self, principal: Principal, permission: Permission) -> Principal:
        current = await self.refresh(principal)
        if not current.has(permission):
            raise Forbidden(f"{current.user.name} lacks the permission {permission.value}", code="permission_denied")
        return current

    async def require_any(self, principal: Principal, permissions: tuple[Permission, ...]) -> Principal:
        """One of `permissions` is enough (a list several kinds of people read)."""
        current = await self.refresh(principal)
        if not any(current.has(p) for p in permissions):
            names = " or ".join(p.value for p in permissions)
            raise Forbidden(f"{current.user.name} lacks the permission {names}", code="permission_denied")
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


def _current(user: User | None, claims: AgentClaims) -> User:
    """The token's user, if the token still speaks for them: the account is active and no password change,
    disable, lost permission or "sign out everywhere" came after the token (API clients: see _actor)."""
    if user is None or not user.active:
        raise Unauthenticated("this account is disabled", code="account_disabled")
    if not claims.client and claims.token_version != user.token_version:
        raise Unauthenticated(
            "you were signed out everywhere (a password change, a role change or a sign-out); log in again",
            code="token_revoked",
        )
    return user

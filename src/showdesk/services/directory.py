"""Users: listing, creating and changing them (roles, skills, video settings), by people allowed to."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

from showdesk.domain.directory import User, permissions_of
from showdesk.domain.errors import Conflict, InvalidInput
from showdesk.domain.ids import new_id
from showdesk.domain.passwords import check_new_password
from showdesk.domain.permissions import Permission
from showdesk.services import input as check
from showdesk.services.access import AccessService, Principal, hash_password_off_loop
from showdesk.services.audit import AuditTrail
from showdesk.services.demo import documented_password
from showdesk.services.owned import owned
from showdesk.services.ports import Bus, DirectoryStore

CAMERAS = ("", "environment", "user")  # browser default, rear, front


@dataclass(frozen=True)
class UserChanges:
    """What to change of a user; None leaves a field as it is."""

    name: str | None = None
    password: str | None = None  # a new one; whoever sets it must hold all the user holds
    roles: list[str] | None = None
    skills: list[str] | None = None
    video_enabled: bool | None = None
    default_camera: str | None = None  # one of CAMERAS
    default_microphone: str | None = None
    chat_capacity: int | None = None
    active: bool | None = None


class DirectoryService:
    def __init__(self, store: DirectoryStore, bus: Bus, access: AccessService, audit: AuditTrail) -> None:
        self._store = store
        self._bus = bus
        self._access = access
        self._audit = audit

    async def list_users(self, principal: Principal) -> list[User]:
        current = await self._access.require(principal, Permission.DIRECTORY_VIEW)
        return await self._store.list_users(current.user.organization_id)

    async def get_user(self, principal: Principal, user_id: str) -> User:
        current = await self._access.require(principal, Permission.DIRECTORY_VIEW)
        return await self._user_of(current, user_id)

    async def create_user(self, principal: Principal, email: str, settings: UserChanges) -> User:
        """A new user signing in with `email`; `settings` must hold their password (name: the email's
        local part unless given)."""
        current = await self._access.require(principal, Permission.USER_EDIT)
        org = current.user.organization_id
        email = email.strip().lower()
        if "@" not in email or len(email) > 320 or email.startswith("@") or email.endswith("@"):
            raise InvalidInput("email must be an email address", code="invalid_email")
        if settings.password is None:
            raise InvalidInput("a new user needs a password", code="invalid_password")
        if await self._store.get_user_by_email(email) is not None:
            # People sign in by email, so an address is used once in the whole installation. Whether it is
            # taken here or in another organization, the answer is the same and names no one: another
            # organization's users stay out of sight (this one's are in its own directory anyway).
            raise Conflict(
                f"{email} cannot be used for a new user: each email address signs in to one account only. "
                "If they are already in your directory, change them there; otherwise ask them for another address",
                code="email_unavailable",
            )
        user = User(new_id("u"), org, email, email.split("@")[0], "")
        await self._apply(current, user, replace(settings, name=settings.name or None))
        await self._store.save_user(user)
        await self._audit.record(current, "user.create", None, user)
        return user

    async def update_user(self, principal: Principal, user_id: str, changes: UserChanges) -> User:
        """Change some of a user's fields; takes effect at the user's next action, on every node. A new
        password, a disable or a lost permission also ends every token the user holds (their live sockets
        close): whoever was signed in as them must sign in again."""
        current = await self._access.require(principal, Permission.USER_EDIT)
        user = await self._user_of(current, user_id)
        if user.id == current.user.id and changes.active is False:
            raise Conflict("you cannot disable your own account", code="cannot_disable_self")
        before = copy.deepcopy(user)
        roles = await self._store.list_roles(user.organization_id)
        await self._apply(current, user, changes)
        await self._store.save_user(user)
        lost = permissions_of(before, roles) - permissions_of(user, roles)
        if changes.password is not None or (before.active and not user.active) or lost:
            await self._access.end_sessions(user.id)
        else:
            await self._access.directory_changed(user.id)
        await self._audit.record(current, "user.update", before, user)
        return user

    async def sign_out_everywhere(self, principal: Principal, user_id: str | None = None) -> None:
        """End every token of a user (None: the caller's own) and close their live sockets, on every node."""
        if user_id is None or user_id == principal.user.id:
            current = await self._access.refresh(principal)
            if current.claims.client:
                raise Conflict(
                    "an API client's tokens end when its secret is rotated (POST /api/v2/oauth/clients/{id}/secret)",
                    code="client_token",
                )
        else:
            current = await self._access.require(principal, Permission.USER_EDIT)
        user = await self._user_of(current, user_id or current.user.id)
        await self._access.end_sessions(user.id)
        await self._audit.record(current, "user.sign_out_everywhere", user, await self._store.get_user(user.id))

    async def change_own_password(
        self, principal: Principal, current_password: str, new_password: str, address: str
    ) -> tuple[str, Principal]:
        """The caller's own new password, given their current one (ASVS 6.2.3; a wrong one counts as a failed
        sign-in from `address`). Every token they held ends, this one too, on every node; the answer is a
        fresh token, so the client that asked stays signed in."""
        current = await self._access.refresh(principal)
        user = await self._store.get_user(current.user.id) if not current.claims.client else None
        if user is None:
            raise Conflict(
                "an API client has no password: rotate its secret instead (POST /api/v2/oauth/clients/{id}/secret)",
                code="client_token",
            )
        password = check_new_password(new_password, documented_password(user) if user.demo else None)
        await self._access.confirm_password(user, current_password, address)
        before = copy.deepcopy(user)
        user.password_hash = await hash_password_off_loop(password)
        await self._store.save_user(user)
        await self._access.end_sessions(user.id)
        changed = await self._store.get_user(user.id) or user  # its token version moved on
        await self._audit.record(current, "user.password_change", before, changed)
        return await self._access.signed_in(changed)

    async def set_user_roles(self, principal: Principal, user_id: str, roles: list[str]) -> User:
        return await self.update_user(principal, user_id, UserChanges(roles=roles))

    async def _user_of(self, current: Principal, user_id: str) -> User:
        return await owned(self._store.get_user, user_id, current.user.organization_id, "user", "user_not_found")

    async def _apply(self, current: Principal, user: User, changes: UserChanges) -> None:
        org = user.organization_id
        roles = await self._store.list_roles(org)
        if changes.name is not None:
            user.name = check.name(changes.name, "name")
        if changes.roles is not None:
            had = permissions_of(user, roles)
            given = check.names(changes.roles, "roles")
            user.roles = check.known(given, {r.name for r in roles}, "role(s)", "unknown_role")
            granted = permissions_of(user, roles) - had
            self._access.refuse_escalation(current, granted, f"give {user.email} these roles")
        if changes.password is not None:
            password = check_new_password(changes.password, documented_password(user) if user.demo else None)
            # Whoever sets a password can sign in as that person: only someone holding all they hold may.
            self._access.refuse_escalation(current, permissions_of(user, roles), f"set the password of {user.email}")
            user.password_hash = await hash_password_off_loop(password)
        if changes.skills is not None:
            skills = {s.name for s in await self._store.list_skills(org)}
            user.skills = check.known(check.names(changes.skills, "skills"), skills, "skill(s)", "unknown_skill")
        if changes.video_enabled is not None:
            user.video_enabled = changes.video_enabled
        if changes.default_camera is not None:
            if changes.default_camera not in CAMERAS:
                raise InvalidInput("defaultCamera must be '', 'environment' or 'user'", code="invalid_input")
            user.default_camera = changes.default_camera
        if changes.default_microphone is not None:
            user.default_microphone = changes.default_microphone.strip()
        if changes.chat_capacity is not None:
            user.chat_capacity = changes.chat_capacity
        if changes.active is not None:
            user.active = changes.active

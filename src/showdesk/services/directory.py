"""Users: listing, creating and changing them (roles, skills, video settings), by people allowed to."""

from __future__ import annotations

import copy
from typing import Any

from showdesk.domain.directory import User, permissions_of
from showdesk.domain.errors import Conflict, InvalidInput, NotFound
from showdesk.domain.ids import new_id
from showdesk.domain.passwords import check_new_password
from showdesk.domain.permissions import Permission
from showdesk.services import input as check
from showdesk.services.access import AccessService, Principal, hash_password_off_loop
from showdesk.services.audit import AuditTrail
from showdesk.services.demo import documented_password
from showdesk.services.ports import Bus, Store

CAMERAS = ("", "environment", "user")  # browser default, rear, front
USER_FIELDS = (
    "name",
    "password",
    "roles",
    "skills",
    "videoEnabled",
    "defaultCamera",
    "defaultMicrophone",
    "chatCapacity",
    "active",
)


class DirectoryService:
    def __init__(self, store: Store, bus: Bus, access: AccessService, audit: AuditTrail) -> None:
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

    async def create_user(self, principal: Principal, data: dict[str, Any]) -> User:
        current = await self._access.require(principal, Permission.USER_EDIT)
        org = current.user.organization_id
        email = str(data.get("email", "")).strip().lower()
        if "@" not in email or len(email) > 320 or email.startswith("@") or email.endswith("@"):
            raise InvalidInput("email must be an email address", code="invalid_email")
        if data.get("password") is None:
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
        await self._apply(current, user, {"name": data.get("name") or user.name, **_without(data, "email", "name")})
        await self._store.save_user(user)
        await self._audit.record(current, "user.create", None, user)
        return user

    async def update_user(self, principal: Principal, user_id: str, data: dict[str, Any]) -> User:
        """Change some of a user's fields; takes effect at the user's next action, on every node. A new
        password, a disable or a lost permission also ends every token the user holds (their live sockets
        close): whoever was signed in as them must sign in again."""
        current = await self._access.require(principal, Permission.USER_EDIT)
        user = await self._user_of(current, user_id)
        if user.id == current.user.id and data.get("active") is False:
            raise Conflict("you cannot disable your own account", code="cannot_disable_self")
        before = copy.deepcopy(user)
        roles = await self._store.list_roles(user.organization_id)
        await self._apply(current, user, data)
        await self._store.save_user(user)
        lost = permissions_of(before, roles) - permissions_of(user, roles)
        if data.get("password") is not None or (before.active and not user.active) or lost:
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
        self, principal: Principal, current_password: object, new_password: object, address: str
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

    async def set_user_roles(self, principal: Principal, user_id: str, roles: object) -> User:
        return await self.update_user(principal, user_id, {"roles": roles})

    async def _user_of(self, current: Principal, user_id: str) -> User:
        user = await self._store.get_user(user_id)
        if user is None or user.organization_id != current.user.organization_id:
            raise NotFound(f"user {user_id} does not exist", code="user_not_found")
        return user

    async def _apply(self, current: Principal, user: User, data: dict[str, Any]) -> None:
        if unknown := sorted(set(data) - set(USER_FIELDS)):
            raise InvalidInput(f"unknown field(s): {', '.join(unknown)}", code="invalid_input")
        org = user.organization_id
        roles = await self._store.list_roles(org)
        if "name" in data:
            user.name = check.name(data["name"], "name")
        if "roles" in data:
            had = permissions_of(user, roles)
            user.roles = check.known(
                check.names(data["roles"], "roles", 20), {r.name for r in roles}, "role(s)", "unknown_role"
            )
            granted = permissions_of(user, roles) - had
            self._access.refuse_escalation(current, granted, f"give {user.email} these roles")
        if data.get("password") is not None:
            password = check_new_password(data["password"], documented_password(user) if user.demo else None)
            # Whoever sets a password can sign in as that person: only someone holding all they hold may.
            self._access.refuse_escalation(current, permissions_of(user, roles), f"set the password of {user.email}")
            user.password_hash = await hash_password_off_loop(password)
        if "skills" in data:
            skills = {s.name for s in await self._store.list_skills(org)}
            user.skills = check.known(check.names(data["skills"], "skills", 100), skills, "skill(s)", "unknown_skill")
        if "videoEnabled" in data:
            user.video_enabled = check.flag(data["videoEnabled"], "videoEnabled")
        if "defaultCamera" in data:
            if data["defaultCamera"] not in CAMERAS:
                raise InvalidInput("defaultCamera must be '', 'environment' or 'user'", code="invalid_input")
            user.default_camera = data["defaultCamera"]
        if "defaultMicrophone" in data:
            mic = data["defaultMicrophone"]
            if not isinstance(mic, str) or len(mic) > 200:
                raise InvalidInput("defaultMicrophone must be a device name of at most 200 characters")
            user.default_microphone = mic.strip()
        if "chatCapacity" in data:
            capacity = data["chatCapacity"]
            if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= 20:
                raise InvalidInput("chatCapacity must be a whole number from 1 to 20", code="invalid_input")
            user.chat_capacity = capacity
        if "active" in data:
            user.active = check.flag(data["active"], "active")


def _without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}

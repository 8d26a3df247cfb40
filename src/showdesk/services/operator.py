"""The operator's commands (`showdesk init`, `showdesk user ...`): the API's own services, acting as the
operator (AccessService.operator), so every change is checked the same way and audit-logged as theirs."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from showdesk.domain.directory import Organization, User, organization_id_for
from showdesk.domain.errors import Conflict, NotFound
from showdesk.domain.passwords import generated_password
from showdesk.domain.permissions import Permission
from showdesk.domain.video import LIVE_VIDEO_FEATURE
from showdesk.services import input as check
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.directory import DirectoryService, UserChanges
from showdesk.services.ports import Bus, Clock, DirectoryStore, Store
from showdesk.services.roles import ensure_built_in_roles
from showdesk.services.settings import ServiceSettings
from showdesk.services.tokens import TokenCodec

ADMINISTRATOR = "Administrator"


@dataclass
class Initialized:
    """What `showdesk init` found and did; `password` is set when one was generated (to be shown once)."""

    organization: Organization
    admin: User
    done: list[str] = field(default_factory=list)  # what changed, in words; empty: nothing did
    password: str | None = None


@dataclass
class Changed:
    user: User
    changed: bool
    password: str | None = None  # a generated one, to be shown once


class OperatorCommands:
    def __init__(
        self, store: DirectoryStore, access: AccessService, audit: AuditTrail, directory: DirectoryService
    ) -> None:
        self._store = store
        self._access = access
        self._audit = audit
        self._directory = directory

    @classmethod
    def wired(cls, store: Store, bus: Bus, clock: Clock) -> OperatorCommands:
        """The services a command needs. `bus`: where running nodes hear of the changes (Redis), so a
        disabled user's live sockets close at once; the operator signs no token, so any key will do."""
        access = AccessService(store, clock, TokenCodec(secrets.token_urlsafe(48)), ServiceSettings(""), bus)
        audit = AuditTrail(store, clock, access)
        return cls(store, access, audit, DirectoryService(store, bus, access, audit))

    async def initialize(self, name: str, admin_email: str, password: str | None, force: bool) -> Initialized:
        """The organization `name` (its id made from the name), the built-in roles and `admin_email` as its
        Administrator, with `password` or a generated one. The same organization and administrator again:
        nothing changes. Anything else already there is refused (Conflict, saying what --force would do)."""
        org_name = check.name(name, "the organization's name")
        org_id = organization_id_for(org_name)
        email = admin_email.strip().lower()
        found = await self._store.get_user_by_email(email)
        if found is not None and found.organization_id != org_id:
            elsewhere = await self._store.get_organization(found.organization_id)
            raise Conflict(
                f"{email} already signs in to organization {_named(elsewhere, found.organization_id)}, and an email "
                "address signs in to one account only: choose another --admin-email",
                code="email_unavailable",
            )
        org = await self._store.get_organization(org_id)
        if org is None:
            return await self._create(org_name, org_id, email, password, force)
        await ensure_built_in_roles(self._store, org_id)  # roles added by a newer version (else nothing)
        admin_ok = found is not None and found.active and ADMINISTRATOR in found.roles
        if org.name == org_name and admin_ok:
            assert found is not None
            return Initialized(org, found)
        half_made = org.name == org_name and not await self._store.list_users(org_id)  # an init cut short
        if not force and not half_made:
            raise Conflict(_refusal(org, org_name, email, found, admin_ok), code="organization_exists")
        operator = self._access.operator(org_id)
        result = Initialized(org, found or User("", org_id, email, "", ""))
        if org.name != org_name:
            renamed = Organization(org.id, org_name, org.license_tier, list(org.features), org.video_concurrency_limit)
            await self._store.save_organization(renamed)
            await self._audit.record(operator, "organization.update", org, renamed)
            result.organization = renamed
            result.done.append(f"renamed organization '{org.name}' to '{org_name}'")
        if found is None:
            result.password = password or generated_password()
            result.admin = await self._new_admin(operator, email, result.password)
            result.done.append(f"created administrator {email} (role Administrator)")
        elif not admin_ok:
            result.password = password or generated_password()
            change = UserChanges(roles=sorted({*found.roles, ADMINISTRATOR}), active=True, password=result.password)
            result.admin = await self._directory.update_user(operator, found.id, change)
            result.done.append(f"made {email} an active Administrator with a new password")
        return result

    async def _create(self, name: str, org_id: str, email: str, password: str | None, force: bool) -> Initialized:
        others = await self._store.list_organizations()
        if others and not force:
            held = ", ".join(_named(o, o.id) for o in others)
            raise Conflict(
                f"this database already holds organization {held}; --force would add '{name}' (id {org_id}) "
                "beside it, leaving what is there as it is",
                code="organization_exists",
            )
        org = Organization(org_id, name, "CX 3", [LIVE_VIDEO_FEATURE], 10)
        await self._store.save_organization(org)
        operator = self._access.operator(org_id)
        await self._audit.record(operator, "organization.create", None, org)
        await ensure_built_in_roles(self._store, org_id)
        chosen = password or generated_password()
        admin = await self._new_admin(operator, email, chosen)
        done = [
            f"created organization '{name}' with the built-in roles; its id, made from its name, is {org_id}",
            f"created administrator {email} (role Administrator)",
        ]
        return Initialized(org, admin, done, None if password else chosen)

    async def _new_admin(self, operator: Principal, email: str, password: str) -> User:
        return await self._directory.create_user(operator, email, UserChanges(password=password, roles=[ADMINISTRATOR]))

    async def create_user(
        self,
        org_id: str,
        email: str,
        name: str | None,
        roles: list[str],
        password: str | None,
        skills: list[str] | None = None,
        video: bool | None = None,
    ) -> Changed:
        """A new user of `org_id`, as POST /api/v2/users makes one; `video` None: on when a role grants
        video:answer (an agent who takes video chats)."""
        if await self._store.get_organization(org_id) is None:
            raise NotFound(f"organization '{org_id}' does not exist", code="organization_not_found")
        if video is None:
            held = set(roles)
            granted = [r for r in await self._store.list_roles(org_id) if r.name in held]
            video = any(Permission.VIDEO_ANSWER.value in r.permissions for r in granted)
        chosen = password or generated_password()
        settings = UserChanges(name=name, password=chosen, roles=roles, skills=skills or [], video_enabled=video)
        user = await self._directory.create_user(self._access.operator(org_id), email, settings)
        return Changed(user, True, None if password else chosen)

    async def set_password(self, email: str, password: str | None) -> Changed:
        """A new password for the user signing in with `email`; every token they hold ends."""
        user = await self._user(email)
        chosen = password or generated_password()
        changed = await self._directory.update_user(
            self._access.operator(user.organization_id), user.id, UserChanges(password=chosen)
        )
        return Changed(changed, True, None if password else chosen)

    async def disable(self, email: str) -> Changed:
        """The user may no longer sign in; every token they hold ends. Already disabled: nothing changes."""
        user = await self._user(email)
        if not user.active:
            return Changed(user, False)
        changed = await self._directory.update_user(
            self._access.operator(user.organization_id), user.id, UserChanges(active=False)
        )
        return Changed(changed, True)

    async def _user(self, email: str) -> User:
        user = await self._store.get_user_by_email(email.strip().lower())
        if user is None:
            raise NotFound(f"no user signs in with {email.strip()}", code="user_not_found")
        return user


def _named(org: Organization | None, org_id: str) -> str:
    return f"'{org.name}' (id {org_id})" if org is not None else f"(id {org_id})"


def _refusal(org: Organization, name: str, email: str, found: User | None, admin_ok: bool) -> str:
    """One line: what is there, and what --force would change (nothing else is touched)."""
    would = []
    if org.name != name:
        would.append(f"rename it to '{name}'")
    if found is None:
        would.append(f"add {email} as an Administrator")
    elif not admin_ok:
        would.append(f"make {email} an active Administrator with a new password")
    there = f"organization {_named(org, org.id)} already exists"
    if found is None:
        there += f" and {email} is not one of its users"
    elif not admin_ok:
        there += f" and {email} is {'disabled' if not found.active else 'not an Administrator'} there"
    return f"{there}; --force would {' and '.join(would)}, changing nothing else"

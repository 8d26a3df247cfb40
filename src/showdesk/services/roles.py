"""Roles: the built-in ones as the product guide defines them, and custom roles made of permissions."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from showdesk.domain.directory import Role, permissions_of
from showdesk.domain.errors import Conflict
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import BUILT_IN_ROLES, DESCRIPTIONS, parse_permissions
from showdesk.domain.permissions import Permission as P
from showdesk.services import input as check
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.owned import owned
from showdesk.services.ports import Bus, DirectoryStore, OrganizationStore


@dataclass(frozen=True)
class RoleChanges:
    """What to change of a custom role; None leaves a field as it is."""

    name: str | None = None
    permissions: list[str] | None = None  # permission names (domain.permissions.Permission values)


async def ensure_built_in_roles(store: DirectoryStore, org_id: str) -> None:
    """Every built-in role exists with exactly its defined permissions (they are not editable)."""
    existing = {r.name: r for r in await store.list_roles(org_id)}
    for name, permissions in BUILT_IN_ROLES.items():
        wanted = sorted(p.value for p in permissions)
        role = existing.get(name)
        if role is None:
            await store.save_role(Role(new_id("r"), org_id, name, wanted, True))
        elif role.permissions != wanted or not role.built_in:
            role.permissions, role.built_in = wanted, True
            await store.save_role(role)


class RoleService:
    def __init__(self, store: OrganizationStore, bus: Bus, access: AccessService, audit: AuditTrail) -> None:
        self._store = store
        self._bus = bus
        self._access = access
        self._audit = audit

    async def permission_catalogue(self, principal: Principal) -> dict[P, str]:
        """Every permission a role can grant, with what it allows (readable with the roles)."""
        await self._access.require(principal, P.DIRECTORY_VIEW)
        return dict(DESCRIPTIONS)

    async def list_roles(self, principal: Principal) -> list[tuple[Role, int]]:
        """Roles with how many users hold each."""
        current = await self._access.require(principal, P.DIRECTORY_VIEW)
        org = current.user.organization_id
        users = await self._store.list_users(org)
        return [(r, sum(1 for u in users if r.name in u.roles)) for r in await self._store.list_roles(org)]

    async def create_role(self, principal: Principal, name: str, permissions: list[str]) -> Role:
        current = await self._access.require(principal, P.ROLE_EDIT)
        org = current.user.organization_id
        name = check.name(name, "role name", 100)
        if any(r.name == name for r in await self._store.list_roles(org)):
            raise Conflict(f"role '{name}' already exists", code="role_exists")
        role = Role(new_id("r"), org, name, parse_permissions(permissions), False)
        self._access.refuse_escalation(current, _granted(role), f"create role '{name}'")
        await self._store.save_role(role)
        await self._audit.record(current, "role.create", None, role)
        return role

    async def update_role(self, principal: Principal, role_id: str, changes: RoleChanges) -> Role:
        """Change a custom role; its holders get the new permissions at their next action."""
        current = await self._access.require(principal, P.ROLE_EDIT)
        role = await self._custom_role(current, role_id, "changed")
        before = copy.deepcopy(role)
        if changes.name is not None:
            name = check.name(changes.name, "role name", 100)
            if name != role.name:
                await self._refuse_if_held(role, "renamed")
                if any(r.name == name for r in await self._store.list_roles(role.organization_id)):
                    raise Conflict(f"role '{name}' already exists", code="role_exists")
            role.name = name
        if changes.permissions is not None:
            role.permissions = parse_permissions(changes.permissions)
            self._access.refuse_escalation(current, _granted(role) - _granted(before), f"change role '{role.name}'")
        await self._store.save_role(role)
        await self._end_sessions_of_those_losing(before, role)
        await self._access.directory_changed()
        await self._audit.record(current, "role.update", before, role)
        return role

    async def _end_sessions_of_those_losing(self, before: Role, after: Role) -> None:
        """A holder who no longer holds a permission (no other role of theirs grants it) must sign in again."""
        if not set(before.permissions) - set(after.permissions):
            return
        roles_after = await self._store.list_roles(after.organization_id)
        roles_before = [before if r.id == before.id else r for r in roles_after]
        for user in await self._store.list_users(after.organization_id):
            if before.name in user.roles and permissions_of(user, roles_before) - permissions_of(user, roles_after):
                await self._store.bump_token_version(user.id)

    async def delete_role(self, principal: Principal, role_id: str) -> None:
        current = await self._access.require(principal, P.ROLE_EDIT)
        role = await self._custom_role(current, role_id, "deleted")
        await self._refuse_if_held(role, "deleted")
        await self._store.delete_role(role.id)
        await self._audit.record(current, "role.delete", role, None)

    async def _custom_role(self, current: Principal, role_id: str, doing: str) -> Role:
        role = await owned(self._store.get_role, role_id, current.user.organization_id, "role", "role_not_found")
        if role.built_in:
            raise Conflict(
                f"'{role.name}' is a built-in role and cannot be {doing}; make a custom role instead",
                code="built_in_role",
            )
        return role

    async def _refuse_if_held(self, role: Role, doing: str) -> None:
        org = role.organization_id
        holders = [u.email for u in await self._store.list_users(org) if role.name in u.roles]
        holders += [c.name for c in await self._store.list_api_clients(org) if role.name in c.roles]
        if holders:
            shown = ", ".join(holders[:5]) + (f" and {len(holders) - 5} more" if len(holders) > 5 else "")
            raise Conflict(f"role '{role.name}' is held by {shown}: it cannot be {doing}", code="role_in_use")


def _granted(role: Role) -> frozenset[P]:
    return frozenset(P(p) for p in role.permissions if p in P._value2member_map_)

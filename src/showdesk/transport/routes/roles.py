"""Roles and the permissions they are made of."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from showdesk.domain.directory import Role
from showdesk.services.roles import RoleChanges
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import Body, View

router = APIRouter(prefix="/authorization", tags=["roles"])


class RoleBody(Body):
    name: str = Field(min_length=1, max_length=100)
    permissions: list[str] = Field(default_factory=list, max_length=50)


class RoleChange(Body):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    permissions: list[str] | None = Field(default=None, max_length=50)

    def changes(self) -> RoleChanges:
        """Fields left out, or null, stay as they are."""
        return RoleChanges(self.name, self.permissions)


class PermissionView(View):
    name: str
    description: str


class RoleView(View):
    id: str
    name: str
    permissions: list[str]
    builtIn: bool

    @classmethod
    def of(cls, role: Role) -> RoleView:
        return cls(id=role.id, name=role.name, permissions=role.permissions, builtIn=role.built_in)


class HeldRoleView(RoleView):
    userCount: int = Field(description="users holding the role")

    @classmethod
    def held(cls, role: Role, user_count: int) -> HeldRoleView:
        return cls(**dict(RoleView.of(role)), userCount=user_count)


@router.get("/permissions", summary="Every permission a role can grant, with what it allows")
async def list_permissions(who: PrincipalDep, sd: ServicesDep) -> list[PermissionView]:
    catalogue = await sd.roles.permission_catalogue(who)
    return [PermissionView(name=p.value, description=text) for p, text in catalogue.items()]


@router.get("/roles")
async def list_roles(who: PrincipalDep, sd: ServicesDep) -> list[HeldRoleView]:
    return [HeldRoleView.held(r, n) for r, n in await sd.roles.list_roles(who)]


@router.post("/roles", status_code=201, summary="Create a custom role from permissions")
async def create_role(body: RoleBody, who: PrincipalDep, sd: ServicesDep) -> HeldRoleView:
    return HeldRoleView.held(await sd.roles.create_role(who, body.name, body.permissions), 0)


@router.patch("/roles/{role_id}", summary="Change a custom role (built-in roles are fixed)")
async def update_role(role_id: str, body: RoleChange, who: PrincipalDep, sd: ServicesDep) -> RoleView:
    return RoleView.of(await sd.roles.update_role(who, role_id, body.changes()))


@router.delete("/roles/{role_id}", status_code=204, summary="Delete a custom role nobody holds")
async def delete_role(role_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.roles.delete_role(who, role_id)

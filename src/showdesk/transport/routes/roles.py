"""Roles and the permissions they are made of."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from showdesk.domain.directory import Role
from showdesk.services.roles import RoleChanges
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.schemas import Body

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


def role_out(role: Role, user_count: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": role.id,
        "name": role.name,
        "permissions": role.permissions,
        "builtIn": role.built_in,
    }
    if user_count is not None:
        out["userCount"] = user_count
    return out


@router.get("/permissions", summary="Every permission a role can grant, with what it allows")
async def list_permissions(who: PrincipalDep, sd: ServicesDep) -> list[dict[str, str]]:
    catalogue = await sd.roles.permission_catalogue(who)
    return [{"name": p.value, "description": text} for p, text in catalogue.items()]


@router.get("/roles")
async def list_roles(who: PrincipalDep, sd: ServicesDep) -> list[dict[str, Any]]:
    return [role_out(r, n) for r, n in await sd.roles.list_roles(who)]


@router.post("/roles", status_code=201, summary="Create a custom role from permissions")
async def create_role(body: RoleBody, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    return role_out(await sd.roles.create_role(who, body.name, body.permissions), 0)


@router.patch("/roles/{role_id}", summary="Change a custom role (built-in roles are fixed)")
async def update_role(role_id: str, body: RoleChange, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    return role_out(await sd.roles.update_role(who, role_id, body.changes()))


@router.delete("/roles/{role_id}", status_code=204, summary="Delete a custom role nobody holds")
async def delete_role(role_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.roles.delete_role(who, role_id)

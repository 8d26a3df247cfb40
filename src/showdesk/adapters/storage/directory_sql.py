"""The SQL store's directory: organizations, users (the token version moved by one statement only),
roles, skills and queues."""

from __future__ import annotations

from sqlalchemy import update

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.sql_rows import SqlRows
from showdesk.domain.directory import Organization, Role, User
from showdesk.domain.queues import Queue, Skill
from showdesk.domain.wrapup import WrapupCode


class SqlDirectoryStore(SqlRows):
    async def get_organization(self, org_id: str) -> Organization | None:
        return await self._one(t.organizations, Organization, id=org_id)

    async def save_organization(self, org: Organization) -> None:
        await self._save(t.organizations, org)

    async def list_organizations(self) -> list[Organization]:
        return await self._many(t.organizations, Organization, order="id")

    async def get_user(self, user_id: str) -> User | None:
        return await self._one(t.users, User, id=user_id)

    async def get_user_by_email(self, email: str) -> User | None:
        return await self._one(t.users, User, email=email.lower())

    async def list_users(self, org_id: str) -> list[User]:
        return await self._many(t.users, User, order="email", organization_id=org_id)

    async def save_user(self, user: User) -> None:
        # The version is moved only by bump_token_version: a save of a copy read before a bump must not undo it.
        await self._save(t.users, user, keep=("token_version",))

    async def bump_token_version(self, user_id: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(t.users).where(t.users.c.id == user_id).values(token_version=t.users.c.token_version + 1)
            )

    async def get_role(self, role_id: str) -> Role | None:
        return await self._one(t.roles, Role, id=role_id)

    async def list_roles(self, org_id: str) -> list[Role]:
        return await self._many(t.roles, Role, order="name", organization_id=org_id)

    async def save_role(self, role: Role) -> None:
        await self._save(t.roles, role)

    async def delete_role(self, role_id: str) -> None:
        await self._delete(t.roles, id=role_id)

    async def get_wrapup_code(self, code_id: str) -> WrapupCode | None:
        return await self._one(t.wrapup_codes, WrapupCode, id=code_id)

    async def list_wrapup_codes(self, org_id: str) -> list[WrapupCode]:
        return await self._many(t.wrapup_codes, WrapupCode, order="name", organization_id=org_id)

    async def save_wrapup_code(self, code: WrapupCode) -> None:
        await self._save(t.wrapup_codes, code)

    async def delete_wrapup_code(self, code_id: str) -> None:
        await self._delete(t.wrapup_codes, id=code_id)

    async def get_skill(self, skill_id: str) -> Skill | None:
        return await self._one(t.skills, Skill, id=skill_id)

    async def list_skills(self, org_id: str) -> list[Skill]:
        return await self._many(t.skills, Skill, order="name", organization_id=org_id)

    async def save_skill(self, skill: Skill) -> None:
        await self._save(t.skills, skill)

    async def delete_skill(self, skill_id: str) -> None:
        await self._delete(t.skills, id=skill_id)

    async def get_queue(self, queue_id: str) -> Queue | None:
        return await self._one(t.queues, Queue, id=queue_id)

    async def list_queues(self, org_id: str) -> list[Queue]:
        return await self._many(t.queues, Queue, order="name", organization_id=org_id)

    async def save_queue(self, queue: Queue) -> None:
        await self._save(t.queues, queue)

    async def delete_queue(self, queue_id: str) -> None:
        await self._delete(t.queues, id=queue_id)

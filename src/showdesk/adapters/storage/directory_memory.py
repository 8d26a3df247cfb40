"""The in-memory store's directory: directory_sql.py on dictionaries (an email once across
organizations; a role's, skill's or queue's name once in its organization)."""

from __future__ import annotations

import copy

from showdesk.adapters.storage.memory_rows import MemoryRows
from showdesk.domain.directory import Organization, Role, User
from showdesk.domain.errors import Conflict
from showdesk.domain.queues import Queue, Skill
from showdesk.domain.wrapup import WrapupCode


class MemoryDirectoryStore(MemoryRows):
    async def get_organization(self, org_id: str) -> Organization | None:
        return self._get(Organization, org_id)

    async def save_organization(self, org: Organization) -> None:
        self._save(org)

    async def list_organizations(self) -> list[Organization]:
        return [copy.deepcopy(o) for _, o in sorted(self._rows[Organization].items())]

    async def get_user(self, user_id: str) -> User | None:
        return self._get(User, user_id)

    async def get_user_by_email(self, email: str) -> User | None:
        for user in self._rows[User].values():
            if user.email == email.lower():
                found: User = copy.deepcopy(user)
                return found
        return None

    async def list_users(self, org_id: str) -> list[User]:
        return self._list(User, org_id, "email")

    async def save_user(self, user: User) -> None:
        for other in self._rows[User].values():
            if other.id != user.id and other.email == user.email:
                raise Conflict(f"a user with email {user.email} already exists")
        saved = copy.deepcopy(user)
        if (stored := self._rows[User].get(user.id)) is not None:
            saved.token_version = stored.token_version  # moved by bump_token_version only
        self._rows[User][user.id] = saved

    async def bump_token_version(self, user_id: str) -> None:
        if (stored := self._rows[User].get(user_id)) is not None:
            stored.token_version += 1

    async def get_role(self, role_id: str) -> Role | None:
        return self._get(Role, role_id)

    async def list_roles(self, org_id: str) -> list[Role]:
        return self._list(Role, org_id, "name")

    async def save_role(self, role: Role) -> None:
        self._save(role, ("name",))

    async def delete_role(self, role_id: str) -> None:
        self._delete(Role, role_id)

    async def get_skill(self, skill_id: str) -> Skill | None:
        return self._get(Skill, skill_id)

    async def list_skills(self, org_id: str) -> list[Skill]:
        return self._list(Skill, org_id, "name")

    async def save_skill(self, skill: Skill) -> None:
        self._save(skill, ("name",))

    async def delete_skill(self, skill_id: str) -> None:
        self._delete(Skill, skill_id)

    async def get_wrapup_code(self, code_id: str) -> WrapupCode | None:
        return self._get(WrapupCode, code_id)

    async def list_wrapup_codes(self, org_id: str) -> list[WrapupCode]:
        return self._list(WrapupCode, org_id, "name")

    async def save_wrapup_code(self, code: WrapupCode) -> None:
        self._save(code, ("name",))

    async def delete_wrapup_code(self, code_id: str) -> None:
        self._delete(WrapupCode, code_id)

    async def get_queue(self, queue_id: str) -> Queue | None:
        return self._get(Queue, queue_id)

    async def list_queues(self, org_id: str) -> list[Queue]:
        return self._list(Queue, org_id, "name")

    async def save_queue(self, queue: Queue) -> None:
        self._save(queue, ("name",))

    async def delete_queue(self, queue_id: str) -> None:
        self._delete(Queue, queue_id)

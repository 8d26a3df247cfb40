"""Users, skills and queues: listing and creating them, by people allowed to."""

from __future__ import annotations

from typing import Any

from showdesk.domain.directory import User
from showdesk.domain.errors import Conflict, InvalidInput, NotFound
from showdesk.domain.events import DirectoryChanged
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import Permission
from showdesk.domain.queues import Channel, Queue, Skill
from showdesk.services.access import AccessService, Principal, hash_password
from showdesk.services.ports import Bus, Store
from showdesk.services.publishing import publish


def _names(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidInput(f"{what} must be a list of names")
    return [v.strip() for v in value]


class DirectoryService:
    def __init__(self, store: Store, bus: Bus, access: AccessService) -> None:
        self._store = store
        self._bus = bus
        self._access = access

    async def set_user_roles(self, principal: Principal, user_id: str, roles: object) -> User:
        """Replace a user's roles; takes effect at the user's next action, on every node."""
        current = await self._access.require(principal, Permission.USER_EDIT)
        user = await self._store.get_user(user_id)
        if user is None or user.organization_id != current.user.organization_id:
            raise NotFound(f"user {user_id} does not exist", code="user_not_found")
        names = _names(roles, "roles")
        known_roles = {r.name for r in await self._store.list_roles(user.organization_id)}
        if unknown := sorted(set(names) - known_roles):
            raise InvalidInput(f"unknown role(s): {', '.join(unknown)}", code="unknown_role")
        user.roles = names
        await self._store.save_user(user)
        await publish(self._bus, DirectoryChanged(user_id=user.id))
        return user

    async def list_users(self, principal: Principal) -> list[User]:
        current = await self._access.require(principal, Permission.DIRECTORY_VIEW)
        return await self._store.list_users(current.user.organization_id)

    async def create_user(self, principal: Principal, data: dict[str, Any]) -> User:
        current = await self._access.require(principal, Permission.USER_EDIT)
        org = current.user.organization_id
        email = str(data.get("email", "")).strip().lower()
        if "@" not in email or len(email) > 320:
            raise InvalidInput("email must be an email address", code="invalid_email")
        password = data.get("password")
        if not isinstance(password, str) or len(password) < 4:
            raise InvalidInput("password must be at least 4 characters", code="invalid_password")
        if await self._store.get_user_by_email(email) is not None:
            raise Conflict(f"a user with email {email} already exists", code="user_exists")
        roles = _names(data.get("roles"), "roles")
        known_roles = {r.name for r in await self._store.list_roles(org)}
        if unknown := sorted(set(roles) - known_roles):
            raise InvalidInput(f"unknown role(s): {', '.join(unknown)}", code="unknown_role")
        skills = _names(data.get("skills"), "skills")
        known_skills = {s.name for s in await self._store.list_skills(org)}
        if unknown := sorted(set(skills) - known_skills):
            raise InvalidInput(f"unknown skill(s): {', '.join(unknown)}", code="unknown_skill")
        name = data.get("name") or email.split("@")[0]
        capacity = data.get("chatCapacity", 3)
        if not isinstance(capacity, int) or not 1 <= capacity <= 20:
            raise InvalidInput("chatCapacity must be a whole number from 1 to 20")
        user = User(
            id=new_id("u"),
            organization_id=org,
            email=email,
            name=str(name)[:200],
            password_hash=hash_password(password),
            roles=roles,
            skills=skills,
            video_enabled=bool(data.get("videoEnabled", False)),
            chat_capacity=capacity,
        )
        await self._store.save_user(user)
        return user

    async def list_skills(self, principal: Principal) -> list[Skill]:
        current = await self._access.require(principal, Permission.DIRECTORY_VIEW)
        return await self._store.list_skills(current.user.organization_id)

    async def create_skill(self, principal: Principal, name: object) -> Skill:
        current = await self._access.require(principal, Permission.SKILL_EDIT)
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise InvalidInput("skill name must be 1..100 characters", code="invalid_name")
        org = current.user.organization_id
        if any(s.name == name.strip() for s in await self._store.list_skills(org)):
            raise Conflict(f"skill '{name.strip()}' already exists", code="skill_exists")
        skill = Skill(new_id("s"), org, name.strip())
        await self._store.save_skill(skill)
        return skill

    async def list_queues(self, principal: Principal) -> list[Queue]:
        current = await self._access.require(principal, Permission.DIRECTORY_VIEW)
        return await self._store.list_queues(current.user.organization_id)

    async def create_queue(self, principal: Principal, data: dict[str, Any]) -> Queue:
        current = await self._access.require(principal, Permission.QUEUE_EDIT)
        org = current.user.organization_id
        name = data.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            raise InvalidInput("queue name must be 1..200 characters", code="invalid_name")
        if any(q.name == name.strip() for q in await self._store.list_queues(org)):
            raise Conflict(f"queue '{name.strip()}' already exists", code="queue_exists")
        channels = _names(data.get("channels", ["chat"]), "channels")
        valid = {c.value for c in Channel}
        if bad := sorted(set(channels) - valid):
            raise InvalidInput(f"unknown channel(s) {', '.join(bad)}; use chat and/or video", code="invalid_channel")
        skills = _names(data.get("requiredSkills"), "requiredSkills")
        known_skills = {s.name for s in await self._store.list_skills(org)}
        if unknown := sorted(set(skills) - known_skills):
            raise InvalidInput(f"unknown skill(s): {', '.join(unknown)}", code="unknown_skill")
        members = _names(data.get("members"), "members")
        users = {u.id: u for u in await self._store.list_users(org)}
        by_email = {u.email: u.id for u in users.values()}
        member_ids = []
        for m in members:
            uid = m if m in users else by_email.get(m.lower())
            if uid is None:
                raise InvalidInput(f"unknown member '{m}' (give a user id or email)", code="unknown_user")
            member_ids.append(uid)
        queue = Queue(new_id("q"), org, name.strip(), sorted(set(channels)), skills, member_ids)
        await self._store.save_queue(queue)
        return queue

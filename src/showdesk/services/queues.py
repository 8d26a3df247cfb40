"""Skills and queues: what agents know and where interactions wait, changed by people allowed to."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from showdesk.domain.errors import Conflict, InvalidInput
from showdesk.domain.flow import uses_video
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import Permission
from showdesk.domain.queues import Channel, Queue, Skill
from showdesk.services import input as check
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.owned import owned
from showdesk.services.ports import Bus, OrganizationStore


@dataclass(frozen=True)
class QueueChanges:
    """What to change of a queue (a new one needs a name); None leaves a field as it is."""

    name: str | None = None
    channels: list[str] | None = None  # chat, and video if it takes video; a new queue: chat
    required_skills: list[str] | None = None
    members: list[str] | None = None  # user ids or emails
    wrapup_required: bool | None = None  # its chats are closed only with a wrap-up code


class QueueService:
    def __init__(self, store: OrganizationStore, bus: Bus, access: AccessService, audit: AuditTrail) -> None:
        self._store = store
        self._bus = bus
        self._access = access
        self._audit = audit

    # skills -------------------------------------------------------------------------------------
    async def list_skills(self, principal: Principal) -> list[Skill]:
        current = await self._access.require(principal, Permission.DIRECTORY_VIEW)
        return await self._store.list_skills(current.user.organization_id)

    async def create_skill(self, principal: Principal, name: str) -> Skill:
        current = await self._access.require(principal, Permission.SKILL_EDIT)
        org = current.user.organization_id
        skill_name = check.name(name, "skill name", 100)
        if any(s.name == skill_name for s in await self._store.list_skills(org)):
            raise Conflict(f"skill '{skill_name}' already exists", code="skill_exists")
        skill = Skill(new_id("s"), org, skill_name)
        await self._store.save_skill(skill)
        await self._audit.record(current, "skill.create", None, skill)
        return skill

    async def delete_skill(self, principal: Principal, skill_id: str) -> None:
        """Remove a skill no queue requires; the agents who held it lose it."""
        current = await self._access.require(principal, Permission.SKILL_EDIT)
        org = current.user.organization_id
        skill = await owned(self._store.get_skill, skill_id, org, "skill", "skill_not_found")
        if needing := [q.name for q in await self._store.list_queues(org) if skill.name in q.required_skills]:
            raise Conflict(
                f"skill '{skill.name}' is required by queue(s) {', '.join(needing)}: remove it there first",
                code="skill_in_use",
            )
        for user in await self._store.list_users(org):
            if skill.name in user.skills:
                user.skills = [s for s in user.skills if s != skill.name]
                await self._store.save_user(user)
                await self._access.directory_changed(user.id)
        await self._store.delete_skill(skill.id)
        await self._audit.record(current, "skill.delete", skill, None)

    # queues -------------------------------------------------------------------------------------
    async def list_queues(self, principal: Principal) -> list[Queue]:
        current = await self._access.require(principal, Permission.DIRECTORY_VIEW)
        return await self._store.list_queues(current.user.organization_id)

    async def get_queue(self, principal: Principal, queue_id: str) -> Queue:
        current = await self._access.require(principal, Permission.DIRECTORY_VIEW)
        return await self._queue_of(current, queue_id)

    async def create_queue(self, principal: Principal, settings: QueueChanges) -> Queue:
        current = await self._access.require(principal, Permission.QUEUE_EDIT)
        queue = Queue(new_id("q"), current.user.organization_id, "")
        await self._apply(queue, settings, creating=True)
        await self._store.save_queue(queue)
        await self._audit.record(current, "queue.create", None, queue)
        await self._access.directory_changed()
        return queue

    async def update_queue(self, principal: Principal, queue_id: str, changes: QueueChanges) -> Queue:
        current = await self._access.require(principal, Permission.QUEUE_EDIT)
        queue = await self._queue_of(current, queue_id)
        before = copy.deepcopy(queue)
        await self._apply(queue, changes, creating=False)
        if before.supports(Channel.VIDEO) and not queue.supports(Channel.VIDEO):
            await self._refuse_if_flows_use(queue.organization_id, before.name, "turn off video on", video_only=True)
        await self._store.save_queue(queue)
        await self._audit.record(current, "queue.update", before, queue)
        await self._access.directory_changed()
        return queue

    async def delete_queue(self, principal: Principal, queue_id: str, waiting: int) -> None:
        current = await self._access.require(principal, Permission.QUEUE_EDIT)
        queue = await self._queue_of(current, queue_id)
        if waiting:
            raise Conflict(f"{waiting} interaction(s) wait in queue '{queue.name}'", code="queue_in_use")
        await self._refuse_if_flows_use(queue.organization_id, queue.name, "delete", video_only=False)
        await self._store.delete_queue(queue.id)
        await self._audit.record(current, "queue.delete", queue, None)
        await self._access.directory_changed()

    async def _queue_of(self, current: Principal, queue_id: str) -> Queue:
        return await owned(self._store.get_queue, queue_id, current.user.organization_id, "queue", "queue_not_found")

    async def _refuse_if_flows_use(self, org: str, queue_name: str, doing: str, video_only: bool) -> None:
        """Published flows route by queue name; a change that would strand their interactions is refused."""
        flows = [
            f.name
            for f in await self._store.list_flows(org)
            if _routes_to(f.published_definition, queue_name) and (not video_only or uses_video(f.published_definition))
        ]
        if flows:
            what = "video interactions" if video_only else "interactions"
            raise Conflict(
                f"cannot {doing} queue '{queue_name}': published flow(s) {', '.join(flows)} send {what} there",
                code="queue_in_use",
            )

    async def _apply(self, queue: Queue, changes: QueueChanges, creating: bool) -> None:
        org = queue.organization_id
        if changes.name is not None or creating:
            new_name = check.name(changes.name, "queue name")
            if new_name != queue.name:
                if any(q.name == new_name for q in await self._store.list_queues(org)):
                    raise Conflict(f"queue '{new_name}' already exists", code="queue_exists")
                if queue.name:
                    await self._refuse_if_flows_use(org, queue.name, "rename", video_only=False)
            queue.name = new_name
        if changes.channels is not None:
            channels = check.known(
                check.names(changes.channels, "channels"),
                {c.value for c in Channel},
                "channel(s) (use chat and/or video)",
                "invalid_channel",
            )
            if Channel.CHAT.value not in channels:
                raise InvalidInput("every queue carries chat: video starts from a chat", code="invalid_channel")
            queue.channels = sorted(channels)
        if changes.required_skills is not None:
            skills = {s.name for s in await self._store.list_skills(org)}
            given = check.names(changes.required_skills, "requiredSkills")
            queue.required_skills = check.known(given, skills, "skill(s)", "unknown_skill")
        if changes.members is not None:
            users = {u.id: u for u in await self._store.list_users(org)}
            by_email = {u.email: u.id for u in users.values()}
            member_ids = []
            for m in check.names(changes.members, "members"):
                uid = m if m in users else by_email.get(m.lower())
                if uid is None:
                    raise InvalidInput(f"unknown member '{m}' (give a user id or email)", code="unknown_user")
                member_ids.append(uid)
            queue.members = list(dict.fromkeys(member_ids))
        if changes.wrapup_required is not None:
            queue.wrapup_required = changes.wrapup_required


def _routes_to(definition: Any, queue_name: str) -> bool:
    blocks = definition.get("blocks") if isinstance(definition, dict) else None
    if not isinstance(blocks, dict):
        return False
    return any(
        isinstance(b, dict) and b.get("type") == "queue" and b.get("queue") == queue_name for b in blocks.values()
    )

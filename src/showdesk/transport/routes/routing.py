"""Skills and queues."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from showdesk.domain.queues import Queue, Skill
from showdesk.services.queues import QueueChanges
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.schemas import Body

router = APIRouter(prefix="/routing", tags=["routing"])


class SkillBody(Body):
    name: str = Field(min_length=1, max_length=100)


class QueueBody(Body):
    name: str = Field(min_length=1, max_length=200)
    channels: list[str] = Field(default_factory=lambda: ["chat"], max_length=2)
    requiredSkills: list[str] = Field(default_factory=list, max_length=50)
    members: list[str] = Field(default_factory=list, max_length=1000)

    def settings(self) -> QueueChanges:
        return QueueChanges(self.name, self.channels, self.requiredSkills, self.members)


class QueueChange(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    channels: list[str] | None = Field(default=None, max_length=2)
    requiredSkills: list[str] | None = Field(default=None, max_length=50)
    members: list[str] | None = Field(default=None, max_length=1000)

    def changes(self) -> QueueChanges:
        """Fields left out, or null, stay as they are."""
        return QueueChanges(self.name, self.channels, self.requiredSkills, self.members)


def skill_out(skill: Skill) -> dict[str, Any]:
    return {"id": skill.id, "name": skill.name}


def queue_out(queue: Queue, waiting: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": queue.id,
        "name": queue.name,
        "channels": queue.channels,
        "requiredSkills": queue.required_skills,
        "members": queue.members,
    }
    if waiting is not None:
        out["waiting"] = waiting
    return out


async def _waiting(sd: ServicesDep) -> dict[str, int]:
    counts: dict[str, int] = {}
    for w in (await sd.router.view()).waiting:
        counts[w.queue_id] = counts.get(w.queue_id, 0) + 1
    return counts


@router.get("/skills")
async def list_skills(who: PrincipalDep, sd: ServicesDep) -> list[dict[str, Any]]:
    return [skill_out(s) for s in await sd.queues.list_skills(who)]


@router.post("/skills", status_code=201)
async def create_skill(body: SkillBody, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    return skill_out(await sd.queues.create_skill(who, body.name))


@router.delete("/skills/{skill_id}", status_code=204, summary="Delete a skill no queue requires")
async def delete_skill(skill_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.queues.delete_skill(who, skill_id)


@router.get("/queues", summary="Queues, with how many interactions wait in each")
async def list_queues(who: PrincipalDep, sd: ServicesDep) -> list[dict[str, Any]]:
    waiting = await _waiting(sd)
    return [queue_out(q, waiting.get(q.id, 0)) for q in await sd.queues.list_queues(who)]


@router.post("/queues", status_code=201)
async def create_queue(body: QueueBody, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    return queue_out(await sd.queues.create_queue(who, body.settings()), 0)


@router.get("/queues/{queue_id}")
async def get_queue(queue_id: str, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    queue = await sd.queues.get_queue(who, queue_id)
    return queue_out(queue, (await _waiting(sd)).get(queue.id, 0))


@router.patch("/queues/{queue_id}", summary="Change a queue's name, channels, required skills or members")
async def update_queue(queue_id: str, body: QueueChange, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    queue = await sd.queues.update_queue(who, queue_id, body.changes())
    return queue_out(queue, (await _waiting(sd)).get(queue.id, 0))


@router.delete("/queues/{queue_id}", status_code=204, summary="Delete a queue nothing routes to and nobody waits in")
async def delete_queue(queue_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.queues.delete_queue(who, queue_id, (await _waiting(sd)).get(queue_id, 0))

"""Skills and queues."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from showdesk.domain.queues import Channel, Queue, Skill
from showdesk.domain.wrapup import WrapupCode
from showdesk.services.queues import QueueChanges
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import Body, View

router = APIRouter(prefix="/routing", tags=["routing"])


class SkillBody(Body):
    name: str = Field(min_length=1, max_length=100)


class QueueBody(Body):
    name: str = Field(min_length=1, max_length=200)
    channels: list[str] = Field(default_factory=lambda: ["chat"], max_length=2)
    requiredSkills: list[str] = Field(default_factory=list, max_length=50)
    members: list[str] = Field(default_factory=list, max_length=1000)
    wrapupRequired: bool = Field(default=False, description="its chats are closed only with a wrap-up code")

    def settings(self) -> QueueChanges:
        return QueueChanges(self.name, self.channels, self.requiredSkills, self.members, self.wrapupRequired)


class QueueChange(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    channels: list[str] | None = Field(default=None, max_length=2)
    requiredSkills: list[str] | None = Field(default=None, max_length=50)
    members: list[str] | None = Field(default=None, max_length=1000)
    wrapupRequired: bool | None = None

    def changes(self) -> QueueChanges:
        """Fields left out, or null, stay as they are."""
        return QueueChanges(self.name, self.channels, self.requiredSkills, self.members, self.wrapupRequired)


class SkillView(View):
    id: str
    name: str

    @classmethod
    def of(cls, skill: Skill) -> SkillView:
        return cls(id=skill.id, name=skill.name)


class WrapupCodeBody(Body):
    name: str = Field(min_length=1, max_length=200)


class WrapupCodeView(View):
    id: str
    name: str

    @classmethod
    def of(cls, code: WrapupCode) -> WrapupCodeView:
        return cls(id=code.id, name=code.name)


class QueueView(View):
    id: str
    name: str
    channels: list[str]
    requiredSkills: list[str]
    members: list[str] = Field(description="user ids")
    wrapupRequired: bool = Field(description="its chats are closed only with a wrap-up code")
    waiting: int = Field(description="interactions waiting in the queue now, offered ones included")

    @classmethod
    def of(cls, queue: Queue, waiting: int) -> QueueView:
        return cls(
            id=queue.id,
            name=queue.name,
            channels=queue.channels,
            requiredSkills=queue.required_skills,
            members=queue.members,
            wrapupRequired=queue.wrapup_required,
            waiting=waiting,
        )


async def _waiting(sd: ServicesDep) -> dict[str, int]:
    counts: dict[str, int] = {}
    for w in (await sd.router.view()).waiting:
        counts[w.queue_id] = counts.get(w.queue_id, 0) + 1
    return counts


@router.get("/skills")
async def list_skills(who: PrincipalDep, sd: ServicesDep) -> list[SkillView]:
    return [SkillView.of(s) for s in await sd.queues.list_skills(who)]


@router.post("/skills", status_code=201)
async def create_skill(body: SkillBody, who: PrincipalDep, sd: ServicesDep) -> SkillView:
    return SkillView.of(await sd.queues.create_skill(who, body.name))


@router.delete("/skills/{skill_id}", status_code=204, summary="Delete a skill no queue requires")
async def delete_skill(skill_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.queues.delete_skill(who, skill_id)


@router.get("/queues", summary="Queues, with how many interactions wait in each")
async def list_queues(who: PrincipalDep, sd: ServicesDep) -> list[QueueView]:
    waiting = await _waiting(sd)
    return [QueueView.of(q, waiting.get(q.id, 0)) for q in await sd.queues.list_queues(who)]


@router.post("/queues", status_code=201)
async def create_queue(body: QueueBody, who: PrincipalDep, sd: ServicesDep) -> QueueView:
    return QueueView.of(await sd.queues.create_queue(who, body.settings()), 0)


@router.get("/queues/{queue_id}")
async def get_queue(queue_id: str, who: PrincipalDep, sd: ServicesDep) -> QueueView:
    queue = await sd.queues.get_queue(who, queue_id)
    return QueueView.of(queue, (await _waiting(sd)).get(queue.id, 0))


@router.patch("/queues/{queue_id}", summary="Change a queue's name, channels, required skills or members")
async def update_queue(queue_id: str, body: QueueChange, who: PrincipalDep, sd: ServicesDep) -> QueueView:
    queue = await sd.queues.update_queue(who, queue_id, body.changes())
    return QueueView.of(queue, (await _waiting(sd)).get(queue.id, 0))


@router.delete("/queues/{queue_id}", status_code=204, summary="Delete a queue nothing routes to and nobody waits in")
async def delete_queue(queue_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.queues.delete_queue(who, queue_id, (await _waiting(sd)).get(queue_id, 0))


@router.get("/wrapupcodes", summary="The organization's wrap-up codes (agents read them to close chats)")
async def list_wrapup_codes(who: PrincipalDep, sd: ServicesDep) -> list[WrapupCodeView]:
    return [WrapupCodeView.of(c) for c in await sd.wrapups.list_codes(who)]


@router.post("/wrapupcodes", status_code=201, summary="Add a wrap-up code")
async def create_wrapup_code(body: WrapupCodeBody, who: PrincipalDep, sd: ServicesDep) -> WrapupCodeView:
    return WrapupCodeView.of(await sd.wrapups.create_code(who, body.name))


@router.put("/wrapupcodes/{code_id}", summary="Rename a wrap-up code (chats closed with it keep the old name)")
async def rename_wrapup_code(code_id: str, body: WrapupCodeBody, who: PrincipalDep, sd: ServicesDep) -> WrapupCodeView:
    return WrapupCodeView.of(await sd.wrapups.rename_code(who, code_id, body.name))


@router.delete("/wrapupcodes/{code_id}", status_code=204, summary="Delete a wrap-up code")
async def delete_wrapup_code(code_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.wrapups.delete_code(who, code_id)


class TransferQueueView(View):
    id: str
    name: str
    video: bool = Field(description="it takes video: a live video would still end, the next agent may ask again")


class TransferAgentView(View):
    id: str
    name: str
    status: str = Field(description="on_queue, busy, off_queue or not_responding: only the first two can take it")


class TransferTargetsView(View):
    queues: list[TransferQueueView]
    agents: list[TransferAgentView]


@router.get("/transfertargets", summary="Where an agent may transfer a chat: queues, and agents with their status")
async def transfer_targets(who: PrincipalDep, sd: ServicesDep) -> TransferTargetsView:
    found = await sd.transfers.targets(who)
    return TransferTargetsView(
        queues=[TransferQueueView(id=q.id, name=q.name, video=q.supports(Channel.VIDEO)) for q in found.queues],
        agents=[TransferAgentView(id=a.user_id, name=a.name, status=a.status) for a in found.agents],
    )

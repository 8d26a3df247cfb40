"""How entities look in the REST API (camelCase JSON), and the request bodies it accepts."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from showdesk.domain.conversation import Conversation, Message
from showdesk.domain.directory import User
from showdesk.domain.flow import Flow, Problem
from showdesk.domain.queues import Queue, Skill


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z") if value else None


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginBody(Body):
    email: str = Field(max_length=320)
    password: str = Field(max_length=200)


class SkillBody(Body):
    name: str = Field(min_length=1, max_length=100)


class QueueBody(Body):
    name: str = Field(min_length=1, max_length=200)
    channels: list[str] = Field(default_factory=lambda: ["chat"], max_length=2)
    requiredSkills: list[str] = Field(default_factory=list, max_length=50)
    members: list[str] = Field(default_factory=list, max_length=1000)


class UserBody(Body):
    email: str = Field(max_length=320)
    password: str = Field(min_length=4, max_length=200)
    name: str | None = Field(default=None, max_length=200)
    roles: list[str] = Field(default_factory=list, max_length=20)
    skills: list[str] = Field(default_factory=list, max_length=100)
    videoEnabled: bool = False
    chatCapacity: int = Field(default=3, ge=1, le=20)


class RolesBody(Body):
    roles: list[str] = Field(max_length=20)


def user_out(user: User, permissions: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": user.id,
        "organizationId": user.organization_id,
        "email": user.email,
        "name": user.name,
        "roles": user.roles,
        "skills": user.skills,
        "videoEnabled": user.video_enabled,
        "defaultCamera": user.default_camera,
        "defaultMicrophone": user.default_microphone,
        "chatCapacity": user.chat_capacity,
        "active": user.active,
    }
    if permissions is not None:
        out["permissions"] = permissions
    return out


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


def problem_out(problem: Problem) -> dict[str, str]:
    return {"severity": problem.severity, "block": problem.block, "message": problem.message}


def flow_out(flow: Flow, problems: list[Problem] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": flow.id,
        "name": flow.name,
        "type": flow.type,
        "version": flow.version,
        "publishedVersion": flow.published_version,
        "definition": flow.definition,
        "updatedAt": _iso(flow.updated_at),
    }
    if problems is not None:
        out["problems"] = [problem_out(p) for p in problems]
    return out


def message_out(message: Message) -> dict[str, Any]:
    return message.to_wire()


def conversation_out(conv: Conversation, routing_state: str | None) -> dict[str, Any]:
    return {
        "id": conv.id,
        "organizationId": conv.organization_id,
        "deploymentId": conv.deployment_id,
        "customerName": conv.customer_name,
        "state": conv.state,
        "routing": {"state": routing_state or conv.state, "queueId": conv.queue_id, "agentId": conv.agent_id},
        "video": conv.video,
        "createdAt": _iso(conv.created_at),
        "connectedAt": _iso(conv.connected_at),
        "endedAt": _iso(conv.ended_at),
        "endedBy": conv.ended_by,
        "lastSeq": conv.last_seq,
    }

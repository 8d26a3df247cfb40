"""How entities look in the REST API (camelCase JSON), and the request bodies it accepts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from showdesk.domain.conversation import Conversation, Message
from showdesk.domain.directory import User
from showdesk.domain.timestamps import wire_time


def iso(value: datetime | None) -> str | None:
    return wire_time(value)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginBody(Body):
    email: str = Field(max_length=320)
    password: str = Field(max_length=200)


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
        "demo": user.demo,  # a demo data account (CONTRACT §2): its documented password is short
    }
    if permissions is not None:
        out["permissions"] = permissions
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
        "createdAt": iso(conv.created_at),
        "connectedAt": iso(conv.connected_at),
        "endedAt": iso(conv.ended_at),
        "endedBy": conv.ended_by,
        "endReason": conv.end_reason,
        "lastSeq": conv.last_seq,
    }

"""REST routes under /api/v2. Each parses, authenticates, calls one service and shapes the answer."""

from __future__ import annotations

import json
from typing import Any

import yaml
from fastapi import APIRouter, Request

from showdesk.domain.errors import Forbidden, InvalidInput, NotFound
from showdesk.domain.permissions import Permission
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.schemas import (
    LoginBody,
    QueueBody,
    RolesBody,
    SkillBody,
    UserBody,
    conversation_out,
    flow_out,
    message_out,
    queue_out,
    skill_out,
    user_out,
)

api = APIRouter(prefix="/api/v2")

MAX_FLOW_BYTES = 256 * 1024


@api.post("/auth/login", tags=["auth"], summary="Exchange email and password for an access token")
async def login(body: LoginBody, sd: ServicesDep) -> dict[str, Any]:
    token, who = await sd.access.login(body.email, body.password)
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": sd.settings.agent_token_ttl,
        "user": user_out(who.user, sorted(p.value for p in who.permissions)),
    }


@api.post("/auth/logout", tags=["auth"], status_code=204, summary="Revoke the access token in use")
async def logout(who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.access.logout(who)


@api.get("/users/me", tags=["users"], summary="The signed-in user and their permissions")
async def me(who: PrincipalDep) -> dict[str, Any]:
    return user_out(who.user, sorted(p.value for p in who.permissions))


@api.get("/users", tags=["users"])
async def list_users(who: PrincipalDep, sd: ServicesDep) -> list[dict[str, Any]]:
    return [user_out(u) for u in await sd.directory.list_users(who)]


@api.post("/users", tags=["users"], status_code=201)
async def create_user(body: UserBody, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    return user_out(await sd.directory.create_user(who, body.model_dump()))


@api.put("/users/{user_id}/roles", tags=["users"], summary="Replace a user's roles")
async def set_user_roles(user_id: str, body: RolesBody, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    return user_out(await sd.directory.set_user_roles(who, user_id, body.roles))


@api.get("/routing/skills", tags=["routing"])
async def list_skills(who: PrincipalDep, sd: ServicesDep) -> list[dict[str, Any]]:
    return [skill_out(s) for s in await sd.directory.list_skills(who)]


@api.post("/routing/skills", tags=["routing"], status_code=201)
async def create_skill(body: SkillBody, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    return skill_out(await sd.directory.create_skill(who, body.name))


@api.get("/routing/queues", tags=["routing"], summary="Queues, with how many interactions wait in each")
async def list_queues(who: PrincipalDep, sd: ServicesDep) -> list[dict[str, Any]]:
    queues = await sd.directory.list_queues(who)
    waiting: dict[str, int] = {}
    for w in sd.router.waiting.values():
        waiting[w.queue_id] = waiting.get(w.queue_id, 0) + 1
    return [queue_out(q, waiting.get(q.id, 0)) for q in queues]


@api.post("/routing/queues", tags=["routing"], status_code=201)
async def create_queue(body: QueueBody, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    return queue_out(await sd.directory.create_queue(who, body.model_dump()))


async def _flow_document(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_FLOW_BYTES:
        raise InvalidInput(f"a flow may be at most {MAX_FLOW_BYTES} bytes", code="too_large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the flow must be UTF-8 text", code="invalid_flow") from exc
    try:
        if "json" in request.headers.get("content-type", ""):
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput(f"the flow is not valid YAML or JSON: {exc}", code="invalid_flow") from exc


_FLOW_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


@api.get("/flows", tags=["flows"])
async def list_flows(who: PrincipalDep, sd: ServicesDep) -> list[dict[str, Any]]:
    return [flow_out(f) for f in await sd.flows.list_as(who)]


@api.post(
    "/flows",
    tags=["flows"],
    status_code=201,
    openapi_extra=_FLOW_BODY,
    summary="Save a flow (YAML text or JSON) as a new draft version",
)
async def save_flow(request: Request, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    flow, problems = await sd.flows.save_as(who, await _flow_document(request))
    return flow_out(flow, problems)


@api.post("/flows/{flow_id}/publish", tags=["flows"], summary="Publish the flow's newest version")
async def publish_flow(flow_id: str, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    flow, problems = await sd.flows.publish_as(who, flow_id)
    return flow_out(flow, problems)


async def _readable_conversation(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> Any:
    conv = await sd.store.get_conversation(conversation_id)
    if conv is None or conv.organization_id != who.user.organization_id:
        raise NotFound(f"conversation {conversation_id} does not exist", code="conversation_not_found")
    current = await sd.access.refresh(who)
    if conv.agent_id != current.user.id and not current.has(Permission.TRANSCRIPT_VIEW):
        raise Forbidden("only its agent or a supervisor may read this conversation", code="permission_denied")
    return conv


@api.get("/conversations/{conversation_id}", tags=["conversations"])
async def get_conversation(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    conv = await _readable_conversation(conversation_id, who, sd)
    out = conversation_out(conv, sd.router.routing_state(conv.id))
    out["videoSessions"] = [v.to_wire() for v in await sd.video.sessions(conv.id)]
    return out


@api.get("/conversations/{conversation_id}/messages", tags=["conversations"], summary="The stored transcript, in order")
async def get_messages(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> list[dict[str, Any]]:
    conv = await _readable_conversation(conversation_id, who, sd)
    return [message_out(m) for m in await sd.store.list_messages(conv.id)]

"""Flows as YAML or JSON: save versions, validate live, publish."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Query, Request

from showdesk.domain.errors import InvalidInput, TooLarge
from showdesk.domain.flow import Flow, FlowVersion, Problem
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.flow_document import read_flow_document
from showdesk.transport.schemas import iso

router = APIRouter(prefix="/flows", tags=["flows"])

_FLOW_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


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
        "publishedDefinition": flow.published_definition,
        "updatedAt": iso(flow.updated_at),
    }
    if problems is not None:
        out["problems"] = [problem_out(p) for p in problems]
    return out


def version_out(flow: Flow, version: FlowVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "definition": version.definition,
        "createdAt": iso(version.created_at),
        "createdBy": version.created_by,
        "published": version.version == flow.published_version,
    }


async def flow_document(request: Request) -> Any:
    """The body as a flow: JSON when the content type says so, else YAML (JSON is YAML too).

    The body middleware has capped it at `--max-flow-bytes`; reading a large one takes long enough
    to be done in a thread, so the node's sockets are not kept waiting.
    """
    limit = request.app.state.settings.max_flow_bytes
    raw = await request.body()
    if len(raw) > limit:
        raise TooLarge(f"a flow may be at most {limit} bytes", code="too_large")
    as_json = "json" in request.headers.get("content-type", "")
    return await asyncio.to_thread(read_flow_document, raw, as_json)


@router.get("")
async def list_flows(who: PrincipalDep, sd: ServicesDep) -> list[dict[str, Any]]:
    return [flow_out(f) for f in await sd.flows.list_as(who)]


@router.post(
    "", status_code=201, openapi_extra=_FLOW_BODY, summary="Save a flow (YAML text or JSON) as a new draft version"
)
async def save_flow(request: Request, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    flow, problems = await sd.flows.save_as(who, await flow_document(request))
    return flow_out(flow, problems)


@router.post(
    "/validate",
    openapi_extra=_FLOW_BODY,
    summary="Check a flow without saving it: every problem, naming its block (live validation)",
)
async def validate_flow(request: Request, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    try:
        definition = await flow_document(request)
    except InvalidInput as exc:
        problems = await sd.flows.unreadable_as(who, exc.message)
        return {"valid": False, "definition": None, "problems": [problem_out(p) for p in problems]}
    problems = await sd.flows.validate_as(who, definition)
    return {
        "valid": not any(p.severity == "error" for p in problems),
        "definition": definition if isinstance(definition, dict) else None,
        "problems": [problem_out(p) for p in problems],
    }


@router.get("/{flow_id}")
async def get_flow(flow_id: str, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    return flow_out(await sd.flows.get_as(who, flow_id))


@router.get("/{flow_id}/versions", summary="Every saved version, oldest first")
async def list_versions(flow_id: str, who: PrincipalDep, sd: ServicesDep) -> list[dict[str, Any]]:
    flow, versions = await sd.flows.versions_as(who, flow_id)
    return [version_out(flow, v) for v in versions]


@router.post("/{flow_id}/publish", summary="Publish the newest version, or ?version=N")
async def publish_flow(
    flow_id: str, who: PrincipalDep, sd: ServicesDep, version: int | None = Query(default=None, ge=1)
) -> dict[str, Any]:
    flow, problems = await sd.flows.publish_as(who, flow_id, version)
    return flow_out(flow, problems)


@router.delete("/{flow_id}", status_code=204, summary="Delete a flow no deployment uses")
async def delete_flow(flow_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.flows.delete_as(who, flow_id)

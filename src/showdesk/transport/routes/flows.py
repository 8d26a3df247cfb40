"""Flows as YAML or JSON: save versions, validate live, publish."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import Field

from showdesk.domain.errors import InvalidInput, TooLarge
from showdesk.domain.flow import Flow, FlowVersion, Problem
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.flow_document import read_flow_document
from showdesk.transport.views import ProblemView, Timestamp, View

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


class FlowView(View):
    id: str
    name: str
    type: str
    version: int = Field(description="the newest saved version")
    publishedVersion: int | None
    definition: dict[str, Any] = Field(description="the newest version's document")
    publishedDefinition: dict[str, Any] | None = Field(description="the document new chats run")
    updatedAt: Timestamp | None

    @classmethod
    def of(cls, flow: Flow) -> FlowView:
        return cls(
            id=flow.id,
            name=flow.name,
            type=flow.type,
            version=flow.version,
            publishedVersion=flow.published_version,
            definition=flow.definition,
            publishedDefinition=flow.published_definition,
            updatedAt=flow.updated_at,
        )


class CheckedFlowView(FlowView):
    """A flow just saved or published, with every problem its document has."""

    problems: list[ProblemView]

    @classmethod
    def checked(cls, flow: Flow, problems: list[Problem]) -> CheckedFlowView:
        return cls(**dict(FlowView.of(flow)), problems=[ProblemView.of(p) for p in problems])


class FlowVersionView(View):
    version: int
    definition: dict[str, Any]
    createdAt: Timestamp
    createdBy: str
    published: bool = Field(description="whether this is the version new chats run")

    @classmethod
    def of(cls, flow: Flow, version: FlowVersion) -> FlowVersionView:
        return cls(
            version=version.version,
            definition=version.definition,
            createdAt=version.created_at,
            createdBy=version.created_by,
            published=version.version == flow.published_version,
        )


class ValidationView(View):
    valid: bool = Field(description="no errors (warnings may remain)")
    definition: dict[str, Any] | None = Field(description="the document as read; null when it could not be read")
    problems: list[ProblemView]


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
async def list_flows(who: PrincipalDep, sd: ServicesDep) -> list[FlowView]:
    return [FlowView.of(f) for f in await sd.flows.list_as(who)]


@router.post(
    "", status_code=201, openapi_extra=_FLOW_BODY, summary="Save a flow (YAML text or JSON) as a new draft version"
)
async def save_flow(request: Request, who: PrincipalDep, sd: ServicesDep) -> CheckedFlowView:
    flow, problems = await sd.flows.save_as(who, await flow_document(request))
    return CheckedFlowView.checked(flow, problems)


@router.post(
    "/validate",
    openapi_extra=_FLOW_BODY,
    summary="Check a flow without saving it: every problem, naming its block (live validation)",
)
async def validate_flow(request: Request, who: PrincipalDep, sd: ServicesDep) -> ValidationView:
    try:
        definition = await flow_document(request)
    except InvalidInput as exc:
        unreadable = await sd.flows.unreadable_as(who, exc.message)
        return ValidationView(valid=False, definition=None, problems=[ProblemView.of(p) for p in unreadable])
    problems = await sd.flows.validate_as(who, definition)
    return ValidationView(
        valid=not any(p.severity == "error" for p in problems),
        definition=definition if isinstance(definition, dict) else None,
        problems=[ProblemView.of(p) for p in problems],
    )


@router.get("/{flow_id}")
async def get_flow(flow_id: str, who: PrincipalDep, sd: ServicesDep) -> FlowView:
    return FlowView.of(await sd.flows.get_as(who, flow_id))


@router.get("/{flow_id}/versions", summary="Every saved version, oldest first")
async def list_versions(flow_id: str, who: PrincipalDep, sd: ServicesDep) -> list[FlowVersionView]:
    flow, versions = await sd.flows.versions_as(who, flow_id)
    return [FlowVersionView.of(flow, v) for v in versions]


@router.post("/{flow_id}/publish", summary="Publish the newest version, or ?version=N")
async def publish_flow(
    flow_id: str, who: PrincipalDep, sd: ServicesDep, version: int | None = Query(default=None, ge=1)
) -> CheckedFlowView:
    flow, problems = await sd.flows.publish_as(who, flow_id, version)
    return CheckedFlowView.checked(flow, problems)


@router.delete("/{flow_id}", status_code=204, summary="Delete a flow no deployment uses")
async def delete_flow(flow_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.flows.delete_as(who, flow_id)

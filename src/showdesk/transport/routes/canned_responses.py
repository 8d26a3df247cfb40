"""Canned responses: the organization's and the caller's own (CannedChanges)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from pydantic import Field

from showdesk.domain.canned_responses import MAX_QUERY_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS
from showdesk.services.canned_responses import CannedChanges, Found
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import Body, Timestamp, View, omitted_when_none

router = APIRouter(prefix="/canned-responses", tags=["canned responses"])


class CannedResponseBody(Body):
    scope: Literal["organization", "personal"] = Field(
        description="organization: every agent's (needs cannedResponses:manage); personal: only yours"
    )
    title: str = Field(max_length=MAX_TITLE_CHARS, description="what an agent types after / to find it")
    text: str = Field(max_length=MAX_TEXT_CHARS, description="may hold {customer.name} and {agent.name}")

    def settings(self) -> CannedChanges:
        return CannedChanges(self.scope, self.title, self.text)


class CannedResponseChange(Body):
    title: str | None = Field(default=None, max_length=MAX_TITLE_CHARS)
    text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)

    def changes(self) -> CannedChanges:
        """Fields left out, or null, stay as they are; the scope never changes."""
        return CannedChanges(None, self.title, self.text)


class CannedResponseView(View):
    id: str
    scope: str = Field(description="organization or personal")
    title: str
    text: str = Field(description="as written, placeholders and all")
    filled: str | None = Field(
        default=None,
        exclude_if=omitted_when_none,
        description="with conversationId: the text with that chat's customer's name and yours filled in",
    )
    createdAt: Timestamp
    updatedAt: Timestamp

    @classmethod
    def of(cls, found: Found) -> CannedResponseView:
        r = found.response
        return cls(
            id=r.id,
            scope=r.scope.value,
            title=r.title,
            text=r.text,
            filled=found.filled,
            createdAt=r.created_at,
            updatedAt=r.updated_at,
        )


@router.get("", summary="The organization's canned responses and your own, by title")
async def list_canned_responses(
    who: PrincipalDep,
    sd: ServicesDep,
    q: str | None = Query(
        default=None, max_length=MAX_QUERY_CHARS, description="words each found response has in its title or text"
    ),
    conversationId: str | None = Query(
        default=None, max_length=64, description="a connected chat of yours: each answer also carries `filled`"
    ),
) -> list[CannedResponseView]:
    return [CannedResponseView.of(found) for found in await sd.canned_responses.find(who, q, conversationId)]


@router.post("", status_code=201, summary="Save a canned response for the organization or for yourself")
async def create_canned_response(body: CannedResponseBody, who: PrincipalDep, sd: ServicesDep) -> CannedResponseView:
    return CannedResponseView.of(Found(await sd.canned_responses.create(who, body.settings()), None))


@router.patch("/{response_id}", summary="Change a canned response's title or text")
async def update_canned_response(
    response_id: str, body: CannedResponseChange, who: PrincipalDep, sd: ServicesDep
) -> CannedResponseView:
    return CannedResponseView.of(Found(await sd.canned_responses.update(who, response_id, body.changes()), None))


@router.delete("/{response_id}", status_code=204, summary="Delete a canned response")
async def delete_canned_response(response_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.canned_responses.delete(who, response_id)

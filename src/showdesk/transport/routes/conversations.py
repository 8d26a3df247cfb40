"""Conversations and their stored transcripts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from showdesk.domain.history import DEFAULT_PAGE, MAX_PAGE, STATE_FILTERS
from showdesk.domain.transfer import MAX_TRANSFER_NOTE_CHARS
from showdesk.domain.wrapup import MAX_WRAPUP_NOTE_CHARS
from showdesk.services.access import Principal
from showdesk.services.container import Services
from showdesk.services.history import HistorySearch
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import (
    Body,
    ConversationPageView,
    ConversationSummaryView,
    ConversationView,
    MessageView,
    TransferView,
)

router = APIRouter(prefix="/conversations", tags=["conversations"])


def search_filters(
    since: datetime | None = Query(default=None, alias="from", description="started at or after (ISO 8601)"),
    until: datetime | None = Query(default=None, alias="to", description="started before (ISO 8601)"),
    queueId: str | None = Query(default=None, max_length=64),
    agentId: str | None = Query(
        default=None, max_length=64, description="an agent without Transcript > View: their own"
    ),
    state: list[str] = Query(default=[], max_length=4, description=f"any of {', '.join(STATE_FILTERS)}"),
    hasVideo: bool | None = Query(default=None),
    hasPhoto: bool | None = Query(default=None),
    q: str | None = Query(
        default=None, max_length=300, description="words a message of it has (each as a word's start)"
    ),
    wrapupCode: str | None = Query(
        default=None, max_length=64, description="the id of the wrap-up code it closed with"
    ),
) -> HistorySearch:
    """What a search (or an export, routes/conversation_exports.py) filters on, read from the query string."""
    return HistorySearch(since, until, queueId, agentId, state, hasVideo, hasPhoto, q, wrapup_code_id=wrapupCode)


FiltersDep = Annotated[HistorySearch, Depends(search_filters)]


@router.get("", summary="Find conversations: newest first, a page at a time")
async def search_conversations(
    who: PrincipalDep,
    sd: ServicesDep,
    filters: FiltersDep,
    cursor: str | None = Query(default=None, max_length=200, description="`nextCursor` of the page before"),
    pageSize: int = Query(default=DEFAULT_PAGE, ge=1, le=MAX_PAGE),
) -> ConversationPageView:
    page = await sd.history.search(who, replace(filters, cursor=cursor, page_size=pageSize))
    return ConversationPageView(
        entities=[ConversationSummaryView.of(found) for found in page.entities], nextCursor=page.next_cursor
    )


@router.get("/{conversation_id}")
async def get_conversation(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> ConversationView:
    return await conversation_view(sd, who, conversation_id)


async def conversation_view(sd: Services, who: Principal, conversation_id: str) -> ConversationView:
    """A conversation as GET /conversations/{id} answers it (also the head of its export)."""
    conv = await sd.chat.readable(who, conversation_id)
    return ConversationView.of(conv, await sd.router.routing_state(conv.id), await sd.video.sessions(conv.id))


@router.get("/{conversation_id}/messages", summary="The stored transcript, in order")
async def get_messages(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> list[MessageView]:
    return [MessageView.of(m) for m in await sd.chat.transcript(who, conversation_id)]


class TransferBody(Body):
    queueId: str | None = Field(default=None, max_length=64, description="the queue it goes to (default: its own)")
    agentId: str | None = Field(default=None, max_length=64, description="a named agent, who must be on queue")
    note: str | None = Field(default=None, max_length=MAX_TRANSFER_NOTE_CHARS, description="for the next agent")


class WrapupBody(Body):
    code: str | None = Field(default=None, max_length=64, description="a wrap-up code's id (required by some queues)")
    note: str | None = Field(default=None, max_length=MAX_WRAPUP_NOTE_CHARS)


@router.post(
    "/{conversation_id}/transfer",
    summary="Pass your connected chat to a queue or a named agent, with a note; a live video ends",
)
async def transfer_conversation(
    conversation_id: str, body: TransferBody, who: PrincipalDep, sd: ServicesDep
) -> TransferView:
    conv = await sd.transfers.transfer(who, conversation_id, body.queueId, body.agentId, body.note)
    return TransferView(**(conv.transfers or [])[-1])


@router.put("/{conversation_id}/wrapup", summary="Close your ended chat with a wrap-up code and a note, once")
async def wrap_up_conversation(
    conversation_id: str, body: WrapupBody, who: PrincipalDep, sd: ServicesDep
) -> ConversationView:
    await sd.wrapups.wrap_up(who, conversation_id, body.code, body.note)
    return await conversation_view(sd, who, conversation_id)

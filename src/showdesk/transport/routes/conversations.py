"""Conversations and their stored transcripts."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query

from showdesk.domain.history import DEFAULT_PAGE, MAX_PAGE, STATE_FILTERS
from showdesk.services.history import HistorySearch
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import ConversationPageView, ConversationSummaryView, ConversationView, MessageView

router = APIRouter(prefix="/conversations", tags=["conversations"])


@router.get("", summary="Find conversations: newest first, a page at a time")
async def search_conversations(
    who: PrincipalDep,
    sd: ServicesDep,
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
    cursor: str | None = Query(default=None, max_length=200, description="`nextCursor` of the page before"),
    pageSize: int = Query(default=DEFAULT_PAGE, ge=1, le=MAX_PAGE),
) -> ConversationPageView:
    search = HistorySearch(since, until, queueId, agentId, state, hasVideo, hasPhoto, q, cursor, pageSize)
    page = await sd.history.search(who, search)
    return ConversationPageView(
        entities=[ConversationSummaryView.of(found) for found in page.entities], nextCursor=page.next_cursor
    )


@router.get("/{conversation_id}")
async def get_conversation(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> ConversationView:
    conv = await sd.chat.readable(who, conversation_id)
    return ConversationView.of(conv, await sd.router.routing_state(conv.id), await sd.video.sessions(conv.id))


@router.get("/{conversation_id}/messages", summary="The stored transcript, in order")
async def get_messages(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> list[MessageView]:
    return [MessageView.of(m) for m in await sd.chat.transcript(who, conversation_id)]

"""Conversations and their stored transcripts."""

from __future__ import annotations

from fastapi import APIRouter

from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import ConversationView, MessageView

router = APIRouter(prefix="/conversations", tags=["conversations"])


@router.get("/{conversation_id}")
async def get_conversation(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> ConversationView:
    conv = await sd.chat.readable(who, conversation_id)
    return ConversationView.of(conv, await sd.router.routing_state(conv.id), await sd.video.sessions(conv.id))


@router.get("/{conversation_id}/messages", summary="The stored transcript, in order")
async def get_messages(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> list[MessageView]:
    return [MessageView.of(m) for m in await sd.chat.transcript(who, conversation_id)]

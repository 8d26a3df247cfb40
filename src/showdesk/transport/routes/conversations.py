"""Conversations and their stored transcripts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from showdesk.domain.conversation import Conversation
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.schemas import conversation_out, message_out

router = APIRouter(prefix="/conversations", tags=["conversations"])


async def _readable_conversation(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> Conversation:
    return await sd.chat.readable(who, conversation_id)


@router.get("/{conversation_id}")
async def get_conversation(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    conv = await _readable_conversation(conversation_id, who, sd)
    out = conversation_out(conv, await sd.router.routing_state(conv.id))
    out["videoSessions"] = [v.to_wire() for v in await sd.video.sessions(conv.id)]
    return out


@router.get("/{conversation_id}/messages", summary="The stored transcript, in order")
async def get_messages(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> list[dict[str, Any]]:
    return [message_out(m) for m in await sd.chat.transcript(who, conversation_id)]

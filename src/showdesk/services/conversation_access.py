"""Whose chat is it: the checks every action on a live chat starts with, for agents and customers."""

from __future__ import annotations

from showdesk.domain.conversation import Conversation, ConversationState
from showdesk.domain.errors import Conflict, Forbidden, NotFound
from showdesk.domain.permissions import Permission
from showdesk.services.access import AccessService, Principal
from showdesk.services.ports import ConversationStore
from showdesk.services.tokens import GuestClaims


async def agents_conversation(
    store: ConversationStore, principal: Principal, conversation_id: str | None
) -> Conversation:
    """The connected chat `conversation_id` of this agent; NotFound for another organization's."""
    conv = await store.get_conversation(conversation_id) if conversation_id is not None else None
    if conv is None or conv.organization_id != principal.user.organization_id:
        raise NotFound("conversationId names no chat of yours", code="conversation_not_found")
    if conv.agent_id != principal.user.id:
        raise Forbidden("you are not the agent of this conversation", code="not_your_conversation")
    if conv.state != ConversationState.CONNECTED.value:
        raise Conflict("this chat is not connected", code="chat_ended")
    return conv


async def customers_conversation(store: ConversationStore, claims: GuestClaims) -> Conversation:
    """The customer's own chat, with an agent in it."""
    conv = await store.get_conversation(claims.conversation_id)
    if conv is None:
        raise NotFound("this chat does not exist", code="conversation_not_found")
    if conv.state != ConversationState.CONNECTED.value:
        raise Conflict("video needs an agent in the chat", code="no_agent_video")
    return conv


async def readable_conversation(
    store: ConversationStore, access: AccessService, principal: Principal, conversation_id: str
) -> Conversation:
    """A chat of the principal's organization that they may read: their own, or any with transcript:view."""
    current = await access.refresh(principal)
    conv = await store.get_conversation(conversation_id)
    if conv is None or conv.organization_id != current.user.organization_id:
        raise NotFound(f"conversation {conversation_id} does not exist", code="conversation_not_found")
    if conv.agent_id != current.user.id and not current.has(Permission.TRANSCRIPT_VIEW):
        raise Forbidden("only its agent or a supervisor may read this conversation", code="permission_denied")
    return conv

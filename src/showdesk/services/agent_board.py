"""The supervisor's Agents view: each agent of the organization who answers chats, their routing status as
the routing node holds it, their connected chats and any video session open in them.

Presence is what routing holds now (any node reads it); chats and video sessions are read from storage,
so every node gives the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from showdesk.domain.conversation import Conversation
from showdesk.domain.directory import User, permissions_of
from showdesk.domain.permissions import Permission
from showdesk.domain.routing import AgentAvailability
from showdesk.domain.video import VideoSession
from showdesk.services.access import AccessService, Principal
from showdesk.services.ports import Store
from showdesk.services.routing_cluster import ClusterRouter


@dataclass(frozen=True)
class AgentChat:
    conversation: Conversation
    queue_name: str | None
    video: VideoSession | None  # the chat's open video session (requested, connecting, live or held), if any

    @property
    def since(self) -> datetime:
        """When the agent took the chat."""
        c = self.conversation
        return c.connected_at or c.enqueued_at or c.created_at


@dataclass(frozen=True)
class AgentRow:
    user: User
    status: str  # on_queue, busy (on queue at capacity), off_queue, not_responding
    connected: bool  # a desktop of theirs is connected
    capacity: int
    chats: list[AgentChat]


class AgentBoard:
    def __init__(self, store: Store, access: AccessService, router: ClusterRouter) -> None:
        self._store = store
        self._access = access
        self._router = router

    async def agents(self, principal: Principal) -> list[AgentRow]:
        """Every active user of the caller's organization holding Chat > Answer, by name; for someone
        holding Analytics > Dashboard > View."""
        current = await self._access.require(principal, Permission.ANALYTICS_VIEW)
        org_id = current.user.organization_id
        roles = await self._store.list_roles(org_id)
        users = [
            u
            for u in await self._store.list_users(org_id)
            if u.active and Permission.CHAT_ANSWER in permissions_of(u, roles)
        ]
        routing = {a.user_id: a for a in (await self._router.view()).agents}
        queues = {q.id: q.name for q in await self._store.list_queues(org_id)}
        videos = {v.conversation_id: v for v in await self._store.list_open_video_sessions(org_id)}
        rows = []
        for user in sorted(users, key=lambda u: (u.name.casefold(), u.id)):
            chats = [
                AgentChat(conv, queues.get(conv.queue_id or ""), videos.get(conv.id))
                for conv in await self._store.list_agent_conversations(user.id)
                if conv.organization_id == org_id
            ]
            rows.append(_row(user, routing.get(user.id), chats))
        return rows


def _row(user: User, seen: AgentAvailability | None, chats: list[AgentChat]) -> AgentRow:
    if seen is None:  # routing has not heard of them since it began: no desktop open
        return AgentRow(user, "off_queue", False, user.chat_capacity, chats)
    return AgentRow(user, seen.shown_status, seen.connected, seen.capacity, chats)

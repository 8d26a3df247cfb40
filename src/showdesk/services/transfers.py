"""Transfer: the chat's agent passes a connected chat to another queue or to a named agent, with a note
for the next agent (domain/transfer.py). A live video ends first, in words that say why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from showdesk.domain.conversation import Conversation
from showdesk.domain.directory import permissions_of
from showdesk.domain.errors import Conflict, InvalidInput, NotFound
from showdesk.domain.permissions import Permission
from showdesk.domain.queues import Queue
from showdesk.domain.routing import Presence
from showdesk.domain.transfer import Transfer, check_transfer, video_words_for
from showdesk.services.access import AccessService, Principal
from showdesk.services.conversation_access import agents_conversation
from showdesk.services.owned import owned
from showdesk.services.ports import Clock, ConversationStore, DirectoryStore
from showdesk.services.routing_cluster import ClusterRouter
from showdesk.services.video import VideoService


@dataclass(frozen=True)
class AgentTarget:
    user_id: str
    name: str
    status: str  # on_queue, busy, off_queue, not_responding


@dataclass(frozen=True)
class TransferTargets:
    queues: list[Queue]
    agents: list[AgentTarget]


BUSY = "busy"  # on queue at full capacity: the chat waits for a free slot of theirs


class TransferStore(ConversationStore, DirectoryStore, Protocol):
    """The chat, the queue it goes to and the agent it may go to."""


class TransferService:
    def __init__(
        self,
        store: TransferStore,
        clock: Clock,
        access: AccessService,
        router: ClusterRouter,
        video: VideoService,
    ) -> None:
        self._store = store
        self._clock = clock
        self._access = access
        self._router = router
        self._video = video

    async def targets(self, principal: Principal) -> TransferTargets:
        """Where the agent may send a chat: the organization's queues, and the agents who answer chats with
        their status now (only those on queue can be chosen)."""
        current = await self._access.require(principal, Permission.CHAT_ANSWER)
        org = current.user.organization_id
        queues = await self._store.list_queues(org)
        shown = await self._statuses()
        roles = await self._store.list_roles(org)  # read once, not once a user
        agents = [
            AgentTarget(user.id, user.name, shown.get(user.id, Presence.OFF_QUEUE.value))
            for user in await self._store.list_users(org)
            if user.id != current.user.id and user.active and Permission.CHAT_ANSWER in permissions_of(user, roles)
        ]
        return TransferTargets(queues, agents)

    async def transfer(
        self,
        principal: Principal,
        conversation_id: str,
        queue_id: str | None,
        agent_id: str | None,
        note: str | None,
    ) -> Conversation:
        current = await self._access.require(principal, Permission.CHAT_ANSWER)
        me = current.user
        conv = await agents_conversation(self._store, current, conversation_id)
        kept_note = check_transfer(conv, me.id, note)
        if queue_id is None and agent_id is None:
            raise InvalidInput("say where the chat goes: queueId or agentId", code="transfer_target_missing")
        org = me.organization_id
        queue = await owned(self._store.get_queue, queue_id or conv.queue_id or "", org, "queue", "queue_not_found")
        to_name = None
        if agent_id is not None:
            if agent_id == me.id:
                raise InvalidInput("a chat cannot be transferred to its own agent", code="transfer_to_self")
            target = await self._store.get_user(agent_id)
            if target is None or target.organization_id != org or not target.active:
                raise NotFound(f"agent {agent_id} does not exist", code="user_not_found")
            if not await self._access.user_may(target.id, Permission.CHAT_ANSWER):
                raise Conflict(f"{target.name} does not answer chats", code="agent_unavailable")
            if (await self._statuses()).get(target.id) not in (Presence.ON_QUEUE.value, BUSY):
                raise Conflict(
                    f"{target.name} is not on queue now: transfer to a queue, or ask them to go on queue",
                    code="agent_unavailable",
                )
            to_name = target.name
        transfer = Transfer(me.id, me.name, queue.id, queue.name, agent_id, to_name, kept_note, self._clock.now())
        reason, words = video_words_for(queue)
        await self._video.end_for_transfer(conv.id, reason, words)
        return await self._router.transfer(conv.id, me.id, transfer.record())

    async def _statuses(self) -> dict[str, str]:
        """Each agent's status as routing sees it now; one whose desktop is gone (in its grace) is not there."""
        return {a.user_id: a.shown_status for a in (await self._router.view()).agents if a.connected}

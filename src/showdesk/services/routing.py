"""Routing: queues of waiting interactions, agent availability, offers and their timeouts.

One router owns the waiting lines: the only one on a single node, the routing leader's across several
(`showdesk.services.routing_cluster`). Every change runs under one lock, so an interaction is never
offered twice and a capacity slot never counted twice; the decisions themselves are the pure functions in
`showdesk.domain.routing`. Agents' sockets are counted by id, each id naming its node (`node/socket`), so
the sockets of a node that died can be let go together.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from showdesk.domain.conversation import Conversation, ConversationState
from showdesk.domain.directory import User
from showdesk.domain.errors import Conflict, NotFound
from showdesk.domain.events import (
    AgentJoined,
    AgentLeft,
    InteractionAssigned,
    OfferMade,
    OfferRevoked,
    PresenceChanged,
    RoutingChanged,
)
from showdesk.domain.queues import Queue
from showdesk.domain.routing import AgentAvailability, Presence, anyone_on_queue, choose_agent
from showdesk.services.messages import MessageService
from showdesk.services.ports import Bus, Clock, Store
from showdesk.services.publishing import publish
from showdesk.services.settings import ServiceSettings

NO_AGENT_TEXT = (
    "No agent is available right now. You keep your place in line and will be connected as soon as an agent is free."
)


@dataclass
class Offer:
    conversation_id: str
    agent_id: str
    expires_at: datetime
    timer: asyncio.Task[None] | None = None


@dataclass
class Waiting:
    conversation_id: str
    queue_id: str
    video_capable: bool
    since: datetime
    told: str = ""  # the routing state the customer was last told
    declined_by: set[str] = field(default_factory=set)


class Router:
    def __init__(
        self, store: Store, bus: Bus, clock: Clock, messages: MessageService, settings: ServiceSettings
    ) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock
        self._messages = messages
        self._settings = settings
        self._lock = asyncio.Lock()
        self.agents: dict[str, AgentAvailability] = {}
        self.waiting: dict[str, Waiting] = {}  # conversation id -> its place in line (dict keeps order)
        self.offers: dict[str, Offer] = {}  # conversation id -> offer
        self._grace: dict[str, asyncio.Task[None]] = {}
        # Asked right before each offer: with several nodes, "does this node still hold the routing lease?",
        # so a node that stalled past its lease never offers what the next routing node may have offered.
        self.may_offer: Callable[[], bool] = lambda: True
        self._sockets: dict[str, set[str]] = {}  # agent id -> ids of their open sockets

    # life cycle -------------------------------------------------------------------------------------
    async def recover(self) -> None:
        """Rebuild the waiting lines from storage after a restart; connected agents get their grace."""
        async with self._lock:
            for conv in await self._store.list_open_conversations():
                if conv.state in (ConversationState.QUEUED.value, ConversationState.OFFERED.value):
                    if conv.state == ConversationState.OFFERED.value:
                        conv.move_to(ConversationState.QUEUED)
                        await self._store.save_conversation(conv)
                    self._line_up(conv)
                elif conv.state == ConversationState.CONNECTED.value and conv.agent_id:
                    agent = await self._availability(conv.agent_id)
                    if agent is not None:
                        agent.active.add(conv.id)
                        agent.connected = False
                        self._start_grace(conv.agent_id)

    async def close(self) -> None:
        for task in [*self._grace.values(), *(o.timer for o in self.offers.values() if o.timer)]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def forget(self) -> None:
        """Another node routes now: drop the lines, offers, agents and their timers (storage keeps the truth)."""
        async with self._lock:
            await self.close()
            self.agents.clear()
            self.waiting.clear()
            self.offers.clear()
            self._grace.clear()
            self._sockets.clear()

    # customers --------------------------------------------------------------------------------------
    async def enqueue(self, conv: Conversation) -> None:
        async with self._lock:
            self._line_up(conv)
            await self._dispatch()

    async def conversation_ended(self, conversation_id: str) -> None:
        async with self._lock:
            self.waiting.pop(conversation_id, None)
            offer = self.offers.pop(conversation_id, None)
            if offer is not None:
                self._cancel_timer(offer)
                agent = self.agents.get(offer.agent_id)
                if agent is not None:
                    agent.offered = None
                await publish(
                    self._bus,
                    OfferRevoked(offer.agent_id, conversation_id=conversation_id, reason="customer_left"),
                )
            for agent in self.agents.values():
                if conversation_id in agent.active:
                    agent.active.discard(conversation_id)
                    agent.idle_since = self._clock.now()
                    await self._tell_presence(agent)
            await self._dispatch()

    # agents -----------------------------------------------------------------------------------------
    async def agent_connected(self, user: User, socket_id: str = "") -> AgentAvailability:
        async with self._lock:
            self._sockets.setdefault(user.id, set()).add(socket_id)
            grace = self._grace.pop(user.id, None)
            if grace is not None:
                grace.cancel()
            agent = self.agents.get(user.id)
            if agent is None:
                agent = self._new_availability(user)
                self.agents[user.id] = agent
            else:
                self._refresh_availability(agent, user)
            agent.connected = True
            await self._dispatch()
            return agent

    async def agent_disconnected(self, user_id: str, socket_id: str = "") -> None:
        async with self._lock:
            self._socket_closed(user_id, socket_id)

    async def node_gone(self, node_id: str) -> list[str]:
        """A node stopped answering: its agents' sockets are closed; the agents left with none get their grace."""
        async with self._lock:
            gone = [(u, s) for u, ids in self._sockets.items() for s in ids if s.startswith(f"{node_id}/")]
            for user_id, socket_id in gone:
                self._socket_closed(user_id, socket_id)
            return sorted({u for u, _ in gone})

    def socket_nodes(self) -> set[str]:
        """The nodes holding agents' sockets."""
        return {s.split("/", 1)[0] for ids in self._sockets.values() for s in ids if "/" in s}

    async def set_presence(self, user: User, presence: Presence) -> AgentAvailability:
        async with self._lock:
            agent = self.agents.get(user.id) or self._new_availability(user)
            self.agents[user.id] = agent
            self._refresh_availability(agent, user)
            if presence is Presence.ON_QUEUE and agent.presence is not Presence.ON_QUEUE:
                agent.idle_since = self._clock.now()
            agent.presence = presence
            if presence is not Presence.ON_QUEUE and agent.offered is not None:
                await self._withdraw_offer(agent.offered, reason="declined")
            await self._tell_presence(agent)
            await self._dispatch()
            return agent

    async def on_directory_changed(self, frame: dict[str, Any]) -> None:
        """A user, queue or role changed: route with the new skills, video setting and membership.

        A disabled agent goes off queue at once; an interaction that now has a qualified agent is offered.
        """
        async with self._lock:
            agent = self.agents.get(frame.get("userId") or "")
            if agent is not None:
                user = await self._store.get_user(agent.user_id)
                if user is None or not user.active:
                    agent.presence = Presence.OFF_QUEUE
                    if agent.offered is not None:
                        await self._withdraw_offer(agent.offered, reason="declined")
                    await self._tell_presence(agent)
                else:
                    self._refresh_availability(agent, user)
            await self._dispatch()

    async def accept(self, user: User, conversation_id: str) -> Conversation:
        async with self._lock:
            offer = self.offers.get(conversation_id)
            if offer is None or offer.agent_id != user.id:
                taken = await self._store.get_conversation(conversation_id)
                if taken and taken.agent_id == user.id and taken.state == ConversationState.CONNECTED.value:
                    return taken  # accepted already: the same answer again (a repeated call whose answer was lost)
                raise Conflict("this interaction is not offered to you (it may have timed out)", code="offer_gone")
            self.offers.pop(conversation_id)
            self._cancel_timer(offer)
            self.waiting.pop(conversation_id, None)
            agent = self.agents[user.id]
            agent.offered = None
            agent.active.add(conversation_id)
            conv = await self._conversation(conversation_id)
            conv.move_to(ConversationState.CONNECTED)
            conv.agent_id = user.id
            conv.connected_at = self._clock.now()
            await self._store.save_conversation(conv)
            queue = await self._store.get_queue(conv.queue_id or "")
            await self._messages.post_system(conv.id, f"{user.name} joined the chat.")
            await publish(
                self._bus,
                AgentJoined(conv.id, agent_name=user.name, video=conv.video),
                RoutingChanged(conv.id, state="connected", queue=queue.name if queue else None),
            )
            snapshot = await self.snapshot(conv)
            await publish(self._bus, InteractionAssigned(user.id, snapshot=snapshot))
            await self._tell_presence(agent)
            await self._dispatch()
            return conv

    async def decline(self, user: User, conversation_id: str) -> None:
        async with self._lock:
            offer = self.offers.get(conversation_id)
            if offer is None or offer.agent_id != user.id:
                raise Conflict("this interaction is not offered to you", code="offer_gone")
            await self._withdraw_offer(conversation_id, reason="declined")
            await self._dispatch()

    def status_of(self, user_id: str) -> str:
        agent = self.agents.get(user_id)
        return agent.shown_status if agent else Presence.OFF_QUEUE.value

    def pending_offers(self, user_id: str) -> list[Offer]:
        return [o for o in self.offers.values() if o.agent_id == user_id]

    def routing_state(self, conversation_id: str) -> str | None:
        if conversation_id in self.offers:
            return "offered"
        waiting = self.waiting.get(conversation_id)
        return waiting.told or "queued" if waiting else None

    async def snapshot(self, conv: Conversation) -> dict[str, Any]:
        queue = await self._store.get_queue(conv.queue_id or "")
        messages = await self._store.list_messages(conv.id)
        return {
            "conversationId": conv.id,
            "customerName": conv.customer_name,
            "queue": queue.name if queue else None,
            "state": conv.state,
            "video": conv.video,
            "messages": [m.to_wire() for m in messages],
        }

    # internals (called with the lock held) ----------------------------------------------------------
    def _line_up(self, conv: Conversation) -> None:
        if conv.queue_id is None:
            return
        self.waiting[conv.id] = Waiting(
            conv.id, conv.queue_id, conv.video is not None, conv.enqueued_at or conv.created_at
        )

    async def _dispatch(self) -> None:
        """Offer every waiting interaction that someone can take now, oldest first; tell the rest."""
        queues: dict[str, Queue | None] = {}
        ordered = sorted(self.waiting.values(), key=lambda w: w.since)
        for position_base, waiting in enumerate(ordered):
            if waiting.conversation_id in self.offers:
                continue
            if waiting.queue_id not in queues:
                queues[waiting.queue_id] = await self._store.get_queue(waiting.queue_id)
            queue = queues[waiting.queue_id]
            if queue is None:
                continue
            agent = choose_agent(self.agents.values(), queue, waiting.video_capable, waiting.declined_by)
            if agent is not None:
                await self._make_offer(waiting, agent, queue)
                continue
            ahead = sum(1 for w in ordered[:position_base] if w.queue_id == waiting.queue_id)
            await self._tell_waiting(waiting, queue, ahead + 1)

    async def _make_offer(self, waiting: Waiting, agent: AgentAvailability, queue: Queue) -> None:
        conv = await self._conversation(waiting.conversation_id)
        if conv.is_ended:
            self.waiting.pop(conv.id, None)
            return
        if not self.may_offer() or conv.state != ConversationState.QUEUED.value:
            return  # not ours to route any more, or another routing node moved it on
        conv.move_to(ConversationState.OFFERED)
        await self._store.save_conversation(conv)
        expires = self._clock.now() + timedelta(seconds=self._settings.offer_timeout)
        offer = Offer(conv.id, agent.user_id, expires)
        self.offers[conv.id] = offer
        agent.offered = conv.id
        offer.timer = self._later(self._settings.offer_timeout, self._offer_timed_out, conv.id, agent.user_id)
        recent = await self._store.list_messages(conv.id, limit=20)
        await publish(
            self._bus,
            OfferMade(
                agent.user_id,
                conversation_id=conv.id,
                customer_name=conv.customer_name,
                queue=queue.name,
                expires_at=expires.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                messages=tuple(m.to_wire() for m in recent),
            ),
        )

    async def _withdraw_offer(self, conversation_id: str, reason: str) -> None:
        offer = self.offers.pop(conversation_id, None)
        if offer is None:
            return
        self._cancel_timer(offer)
        agent = self.agents.get(offer.agent_id)
        if agent is not None:
            agent.offered = None
        waiting = self.waiting.get(conversation_id)
        if waiting is not None:
            waiting.declined_by.add(offer.agent_id)
        conv = await self._conversation(conversation_id)
        if conv.state == ConversationState.OFFERED.value:
            conv.move_to(ConversationState.QUEUED)
            await self._store.save_conversation(conv)
        await publish(self._bus, OfferRevoked(offer.agent_id, conversation_id=conversation_id, reason=reason))

    async def _offer_timed_out(self, conversation_id: str, agent_id: str) -> None:
        async with self._lock:
            offer = self.offers.get(conversation_id)
            if offer is None or offer.agent_id != agent_id:
                return
            offer.timer = None  # this task is the timer; do not cancel ourselves
            await self._withdraw_offer(conversation_id, reason="timeout")
            waiting = self.waiting.get(conversation_id)
            if waiting is not None:
                waiting.declined_by.discard(agent_id)  # not responding already keeps them out
            agent = self.agents.get(agent_id)
            if agent is not None:
                agent.presence = Presence.NOT_RESPONDING
                await self._tell_presence(agent)
            await self._dispatch()

    async def _tell_waiting(self, waiting: Waiting, queue: Queue, position: int) -> None:
        nobody = not anyone_on_queue(self.agents.values(), queue, waiting.video_capable)
        state = "no_agent_available" if nobody else "queued"
        if state == waiting.told:
            return
        waiting.told = state
        if nobody:
            await self._messages.post_system(waiting.conversation_id, NO_AGENT_TEXT)
            text = NO_AGENT_TEXT
        else:
            text = f"Waiting for an agent in {queue.name}; you are number {position} in line."
        await publish(
            self._bus,
            RoutingChanged(waiting.conversation_id, state=state, queue=queue.name, position=position, text=text),
        )

    async def _tell_presence(self, agent: AgentAvailability) -> None:
        await publish(self._bus, PresenceChanged(agent.user_id, status=agent.shown_status))

    async def _agent_gone(self, user_id: str) -> None:
        """The agent's grace period ran out: their interactions go back to the front of the line."""
        async with self._lock:
            self._grace.pop(user_id, None)
            agent = self.agents.get(user_id)
            if agent is None or (agent.connected and self._sockets.get(user_id)):
                return
            agent.connected = False
            agent.presence = Presence.OFF_QUEUE
            if agent.offered is not None:
                await self._withdraw_offer(agent.offered, reason="timeout")
            user = await self._store.get_user(user_id)
            name = user.name if user else "Your agent"
            for conversation_id in sorted(agent.active):
                conv = await self._conversation(conversation_id)
                if conv.is_ended:
                    continue
                conv.move_to(ConversationState.QUEUED)
                conv.agent_id = None
                front = min((w.since for w in self.waiting.values()), default=self._clock.now())
                conv.enqueued_at = min(front - timedelta(milliseconds=1), conv.enqueued_at or front)
                await self._store.save_conversation(conv)
                await self._messages.post_system(
                    conv.id, f"{name} was disconnected. We are connecting you with another agent."
                )
                await publish(self._bus, AgentLeft(conv.id, agent_name=name, reason="disconnected"))
                self._line_up(conv)
            agent.active.clear()
            await self._dispatch()

    def _socket_closed(self, user_id: str, socket_id: str) -> None:
        sockets = self._sockets.get(user_id, set())
        if socket_id not in sockets:
            return  # already counted out (a repeated call, or its node was let go)
        sockets.discard(socket_id)
        if not sockets and user_id in self.agents:
            self._start_grace(user_id)

    def _start_grace(self, user_id: str) -> None:
        agent = self.agents.get(user_id)
        if agent is not None:
            agent.connected = False
        old = self._grace.pop(user_id, None)
        if old is not None:
            old.cancel()
        self._grace[user_id] = self._later(self._settings.agent_grace, self._agent_gone, user_id)

    def _later(self, delay: float, fn: Callable[..., Coroutine[Any, Any, None]], *args: Any) -> asyncio.Task[None]:
        async def run() -> None:
            await asyncio.sleep(delay)
            await fn(*args)

        return asyncio.create_task(run())

    @staticmethod
    def _cancel_timer(offer: Offer) -> None:
        if offer.timer is not None and offer.timer is not asyncio.current_task():
            offer.timer.cancel()
        offer.timer = None

    async def _conversation(self, conversation_id: str) -> Conversation:
        conv = await self._store.get_conversation(conversation_id)
        if conv is None:
            raise NotFound(f"conversation {conversation_id} does not exist", code="conversation_not_found")
        return conv

    async def _availability(self, user_id: str) -> AgentAvailability | None:
        agent = self.agents.get(user_id)
        if agent is None:
            user = await self._store.get_user(user_id)
            if user is None:
                return None
            agent = self._new_availability(user)
            self.agents[user_id] = agent
        return agent

    def _new_availability(self, user: User) -> AgentAvailability:
        return AgentAvailability(
            user_id=user.id,
            presence=Presence.OFF_QUEUE,
            skills=frozenset(user.skills),
            video_enabled=user.video_enabled,
            capacity=user.chat_capacity,
            idle_since=self._clock.now(),
        )

    @staticmethod
    def _refresh_availability(agent: AgentAvailability, user: User) -> None:
        agent.skills = frozenset(user.skills)
        agent.video_enabled = user.video_enabled
        agent.capacity = user.chat_capacity

"""Routing: queues of waiting interactions, agent availability, offers and their timeouts.

One router owns the waiting lines: the only one on a single node, the routing leader's across several
(`showdesk.services.routing_cluster`). Every change runs under one lock, so an interaction is never
offered twice and a capacity slot never counted twice; the decisions themselves are the pure functions in
`showdesk.domain.routing`. Agents' sockets are counted by id, each id naming its node (`node/socket`), so
the sockets of a node that died can be let go together; customers' pages are counted the same way, so a
waiting chat whose customer is gone for longer than the grace leaves the line as abandoned.

Each queue's line is kept in order (`Lines`), so an offer looks only at the front of a line and a
position is an index: the cost of routing grows with the agents free to take work, not with the length
of the line. Telling a whole line that its state changed ("no agent is available" / "waiting") happens
after the change, in a task of its own, so nobody's action waits for two thousand customers to be told.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from showdesk.domain.conversation import Conversation, ConversationState
from showdesk.domain.directory import User
from showdesk.domain.errors import Conflict, NotFound
from showdesk.domain.events import (
    AgentJoined,
    AgentLeft,
    ChatEnded,
    CustomerPresence,
    Interaction,
    InteractionEnded,
    OfferEvent,
    OfferRevoked,
    PresenceEvent,
    Routing,
)
from showdesk.domain.notices import Notice
from showdesk.domain.queues import Channel, Queue
from showdesk.domain.routing import (
    AgentAvailability,
    Presence,
    anyone_on_queue,
    can_take_now,
    choose_agent,
    declined_lately,
    qualifies,
)
from showdesk.domain.timestamps import wire_time
from showdesk.domain.transfer import (
    apply_transfer,
    check_transfer,
    pending_transfer,
    transfer_from_record,
    transferred_to,
)
from showdesk.services.messages import MessageService
from showdesk.services.ports import Bus, Clock, ConversationStore, DirectoryStore, Timer
from showdesk.services.publishing import publish
from showdesk.services.settings import ServiceSettings

log = logging.getLogger(__name__)

ABANDONED_TEXT = "This chat was closed because you were away while waiting in line. Start a new chat to reach us."
# A line hears that its state changed (nobody there / somebody there) this long after the change, and only
# if it still holds: an agent who goes off queue for a moment does not make a thousand customers read
# "no agent is available", then "waiting" again.
LINE_NEWS_DELAY = 2.0
OFFER_MESSAGES = 20  # the latest messages of a chat its offer shows the agent
NO_AGENT_TEXT = (
    "No agent is available right now. You keep your place in line and will be connected as soon as an agent is free."
)


@dataclass
class Offer:
    conversation_id: str
    agent_id: str
    expires_at: datetime
    timer: Timer | None = None


@dataclass
class Waiting:
    conversation_id: str
    queue_id: str
    video_capable: bool
    since: datetime
    told: str = ""  # the routing state the customer was last told
    declined_at: dict[str, datetime] = field(default_factory=dict)  # agent id -> when they declined it
    arrival: int = 0  # the order in which the router lined it up, for two that joined at the same time
    said_no_agent: bool = False  # "no agent is available" is in its transcript already
    for_agent: str | None = None  # transferred to this agent: offered to them only while they are on queue

    @property
    def place(self) -> tuple[datetime, int]:
        """Where it stands in its line: by the time it joined, then by arrival."""
        return (self.since, self.arrival)


class Lines:
    """Each queue's waiting interactions, in order, with a position that is an index."""

    def __init__(self) -> None:
        self.by_queue: dict[str, list[Waiting]] = {}

    def add(self, waiting: Waiting) -> None:
        bisect.insort(self.by_queue.setdefault(waiting.queue_id, []), waiting, key=lambda w: w.place)

    def remove(self, waiting: Waiting) -> None:
        line = self.by_queue.get(waiting.queue_id, [])
        i = bisect.bisect_left(line, waiting.place, key=lambda w: w.place)
        if i < len(line) and line[i] is waiting:
            del line[i]
        if not line:
            self.by_queue.pop(waiting.queue_id, None)

    def position(self, waiting: Waiting) -> int:
        """1 for the front of its line."""
        line = self.by_queue.get(waiting.queue_id, [])
        return bisect.bisect_left(line, waiting.place, key=lambda w: w.place) + 1

    def front(self) -> datetime | None:
        """When the longest waiting of all lines joined."""
        return min((line[0].since for line in self.by_queue.values() if line), default=None)

    def clear(self) -> None:
        self.by_queue.clear()


class RoutingStore(ConversationStore, DirectoryStore, Protocol):
    """The chats routed, and the agents and queues they are routed to."""


class Router:
    def __init__(
        self, store: RoutingStore, bus: Bus, clock: Clock, messages: MessageService, settings: ServiceSettings
    ) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock
        self._messages = messages
        self._settings = settings
        self._lock = asyncio.Lock()
        self.agents: dict[str, AgentAvailability] = {}
        self.waiting: dict[str, Waiting] = {}  # conversation id -> its place in line
        self._for_agents: dict[str, Waiting] = {}  # those of them transferred to a named agent
        self.lines = Lines()
        self._arrivals = itertools.count()
        self.offers: dict[str, Offer] = {}  # conversation id -> offer
        self._grace: dict[str, Timer] = {}  # agent id -> their grace, counting down
        # Asked right before each offer: with several nodes, "does this node still hold the routing lease?",
        # so a node that stalled past its lease never offers what the next routing node may have offered.
        self.may_offer: Callable[[], bool] = lambda: True
        self._sockets: dict[str, set[str]] = {}  # agent id -> ids of their open sockets
        self._pages: dict[str, set[str]] = {}  # conversation id -> ids of the customer's open sockets
        self._away: dict[str, Timer] = {}  # conversation id -> the customer's grace, counting down
        self._customer: dict[str, str] = {}  # conversation id -> away | left (online when absent)
        self._told_queues: dict[str, tuple[bool, bool]] = {}  # queue id -> (nobody for chat, for video) told
        self._to_retell: dict[str, float] = {}  # queue id -> (monotonic) time its line last changed, until told
        self._teller: asyncio.Task[None] | None = None
        self._timers: set[Timer] = set()  # decline cooldowns
        self.abandoned = 0  # chats this router ended as abandoned (a counter for /metrics)

    # life cycle -------------------------------------------------------------------------------------
    async def recover(self) -> None:
        """Rebuild the waiting lines from storage after a restart; connected agents get their grace, and every
        customer theirs (each page that is still there says so as it reconnects, or its node tells again)."""
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
                if not self._pages.get(conv.id):
                    self._start_customer_grace(conv.id)

    async def close(self) -> None:
        timers = [*self._grace.values(), *self._away.values(), *self._timers]
        timers += [o.timer for o in self.offers.values() if o.timer]
        for timer in timers:
            await timer.stop()
        if self._teller is not None:
            self._teller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._teller

    async def forget(self) -> None:
        """Another node routes now: drop the lines, offers, agents and their timers (storage keeps the truth)."""
        async with self._lock:
            await self.close()
            self.agents.clear()
            self.waiting.clear()
            self._for_agents.clear()
            self.lines.clear()
            self.offers.clear()
            self._grace.clear()
            self._sockets.clear()
            self._pages.clear()
            self._away.clear()
            self._customer.clear()
            self._told_queues.clear()
            self._to_retell.clear()
            self._timers.clear()
            self._teller = None

    # customers --------------------------------------------------------------------------------------
    async def enqueue(self, conv: Conversation) -> None:
        async with self._lock:
            waiting = self._line_up(conv)
            await self._dispatch()
            if waiting is not None and conv.id not in self.offers and conv.id in self.waiting:
                await self._tell_one(waiting)

    async def conversation_ended(self, conversation_id: str) -> None:
        async with self._lock:
            self._drop_waiting(conversation_id)
            self._forget_customer(conversation_id)
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

    async def customer_connected(self, conversation_id: str, socket_id: str) -> None:
        """A page of the customer's is connected (`socket_id` names it, `node/socket`): they are there."""
        async with self._lock:
            self._pages.setdefault(conversation_id, set()).add(socket_id)
            timer = self._away.pop(conversation_id, None)
            if timer is not None:
                timer.cancel()
            if self._customer.pop(conversation_id, None) is not None:
                await publish(self._bus, CustomerPresence(conversation_id, status="online"))

    async def customer_disconnected(self, conversation_id: str, socket_id: str) -> None:
        async with self._lock:
            await self._page_closed(conversation_id, socket_id)

    def customer_status(self, conversation_id: str) -> str:
        return self._customer.get(conversation_id, "online")

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
        """A node stopped answering: its agents' sockets are closed (the agents left with none get their
        grace), and its customers' pages (those left with none get theirs)."""
        async with self._lock:
            gone = [(u, s) for u, ids in self._sockets.items() for s in ids if s.startswith(f"{node_id}/")]
            for user_id, socket_id in gone:
                self._socket_closed(user_id, socket_id)
            pages = [(c, s) for c, ids in self._pages.items() for s in ids if s.startswith(f"{node_id}/")]
            for conversation_id, socket_id in pages:
                await self._page_closed(conversation_id, socket_id)
            return sorted({u for u, _ in gone})

    def socket_nodes(self) -> set[str]:
        """The nodes holding agents' sockets or customers' pages."""
        ids = [*(s for v in self._sockets.values() for s in v), *(s for v in self._pages.values() for s in v)]
        return {s.split("/", 1)[0] for s in ids if "/" in s}

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
            for queue_id in self.lines.by_queue:  # membership or skills may have changed who is there
                self._line_changed(queue_id)
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
            self._drop_waiting(conversation_id)
            agent = self.agents[user.id]
            agent.offered = None
            agent.active.add(conversation_id)
            conv = await self._conversation(conversation_id)
            conv.move_to(ConversationState.CONNECTED)
            conv.agent_id = user.id
            conv.connected_at = self._clock.now()
            await self._store.save_conversation(conv)
            queue = await self._store.get_queue(conv.queue_id or "")
            await self._messages.post_system(
                conv.id, f"{user.name} joined the chat.", Notice("agent_joined", {"name": user.name})
            )
            await publish(
                self._bus,
                AgentJoined(conv.id, agent_name=user.name, video=conv.video),
                Routing(conv.id, state="connected", queue=queue.name if queue else None),
            )
            snapshot = await self.snapshot(conv)
            await publish(self._bus, Interaction(user.id, snapshot=snapshot))
            await self._tell_presence(agent)
            await self._dispatch()
            return conv

    async def decline(self, user: User, conversation_id: str) -> None:
        async with self._lock:
            offer = self.offers.get(conversation_id)
            if offer is None or offer.agent_id != user.id:
                raise Conflict("this interaction is not offered to you", code="offer_gone")
            await self._withdraw_offer(conversation_id, reason="declined", cool_down=True)
            await self._dispatch()

    async def transfer(self, conversation_id: str, from_agent_id: str, record: dict[str, Any]) -> Conversation:
        """The agent's connected chat waits again, in the transfer's queue (offered to its named agent only,
        while they are on queue), keeping its first place in time; the customer reads where it goes."""
        async with self._lock:
            conv = await self._conversation(conversation_id)
            transfer = transfer_from_record(record)
            check_transfer(conv, from_agent_id, transfer.note)
            queue = await self._store.get_queue(transfer.queue_id)
            if queue is None:
                raise NotFound("the queue of this transfer no longer exists", code="queue_not_found")
            apply_transfer(conv, transfer)
            if not queue.supports(Channel.VIDEO):
                conv.video = None  # nobody in that queue may be asked for video
            await self._store.save_conversation(conv)
            agent = self.agents.get(from_agent_id)
            if agent is not None:
                agent.active.discard(conv.id)
                agent.idle_since = self._clock.now()
                await self._tell_presence(agent)
            await self._messages.post_system(
                conv.id, transfer.customer_text, Notice("transferred", transfer.notice_params)
            )
            await publish(
                self._bus,
                AgentLeft(conv.id, agent_name=transfer.from_agent_name, reason="transferred"),
                InteractionEnded(from_agent_id, conversation_id=conv.id, by="transfer"),
            )
            waiting = self._line_up(conv)
            if waiting is not None:  # not straight back to the agent who passed it on (the decline cooldown)
                waiting.declined_at[from_agent_id] = self._clock.now()
                self._timers.add(self._later(self._settings.decline_cooldown, self._cooled_down))
            await self._dispatch()
            if waiting is not None and conv.id not in self.offers and conv.id in self.waiting:
                await self._tell_one(waiting)
            return conv

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
            "customer": self.customer_status(conv.id),
            "messages": [m.to_wire() for m in messages],
            "wrapupRequired": bool(queue and queue.wrapup_required),
            "transfers": list(conv.transfers or []),
        }

    # internals (called with the lock held) ----------------------------------------------------------
    def _line_up(self, conv: Conversation) -> Waiting | None:
        if conv.queue_id is None:
            return None
        self._drop_waiting(conv.id)
        since = conv.enqueued_at or conv.created_at
        waiting = Waiting(conv.id, conv.queue_id, conv.video is not None, since, arrival=next(self._arrivals))
        waiting.for_agent = transferred_to(conv)
        self.waiting[conv.id] = waiting
        self.lines.add(waiting)
        if waiting.for_agent is not None:
            self._for_agents[conv.id] = waiting
        return waiting

    def _drop_waiting(self, conversation_id: str) -> None:
        waiting = self.waiting.pop(conversation_id, None)
        self._for_agents.pop(conversation_id, None)
        if waiting is not None:
            self.lines.remove(waiting)

    async def _dispatch(self) -> None:
        """Offer what someone can take now, each line from its front; the lines whose state changed are
        told afterwards (`_tell_lines`).

        Only agents free to take work are looked at, and a line is walked only while one of them may
        still take something in it, so the cost does not grow with the length of the lines.
        """
        now = self._clock.now()
        await self._offer_to_named_agents()
        for queue_id, line in list(self.lines.by_queue.items()):
            queue = await self._store.get_queue(queue_id)
            if queue is None:
                continue
            free = [a for a in self.agents.values() if can_take_now(a) and qualifies(a, queue, False)]
            for waiting in list(line):
                if not free:
                    break
                if waiting.conversation_id in self.offers or waiting.for_agent is not None:
                    continue
                declined = declined_lately(waiting.declined_at, now, self._settings.decline_cooldown)
                agent = choose_agent(free, queue, waiting.video_capable, declined)
                if agent is not None:
                    await self._make_offer(waiting, agent, queue)
                    free.remove(agent)
            agents = self.agents.values()
            nobody = (not anyone_on_queue(agents, queue, False), not anyone_on_queue(agents, queue, True))
            if self._told_queues.get(queue_id) != nobody:
                self._told_queues[queue_id] = nobody
                self._line_changed(queue_id)

    async def _offer_to_named_agents(self) -> None:
        """Chats transferred to a named agent: offered to them when they can take one; back to their queue's
        agents when that agent is not on queue any more."""
        for waiting in list(self._for_agents.values()):
            if waiting.conversation_id in self.offers:
                continue
            agent = self.agents.get(waiting.for_agent or "")
            if agent is None or not agent.connected or agent.presence is not Presence.ON_QUEUE:
                waiting.for_agent = None
                del self._for_agents[waiting.conversation_id]
                continue
            if can_take_now(agent) and (agent.video_enabled or not waiting.video_capable):
                queue = await self._store.get_queue(waiting.queue_id)
                if queue is not None:
                    await self._make_offer(waiting, agent, queue)

    def _line_changed(self, queue_id: str) -> None:
        self._to_retell[queue_id] = self._clock.monotonic()
        if self._teller is None or self._teller.done():
            self._teller = asyncio.create_task(self._tell_lines())

    async def _tell_lines(self) -> None:
        """Tell every waiting customer of a changed line where they stand, once the change has held for
        LINE_NEWS_DELAY (a line whose agents come and go faster is told when it settles). In a task of its
        own, one customer at a time: a line of thousands is told without holding anyone's action up."""
        clock = self._clock
        while self._to_retell:
            settled = [q for q, at in self._to_retell.items() if clock.monotonic() - at >= LINE_NEWS_DELAY]
            if not settled:
                await clock.sleep(LINE_NEWS_DELAY - (clock.monotonic() - min(self._to_retell.values())) + 0.01)
                continue
            for queue_id in settled:
                self._to_retell.pop(queue_id, None)
                for waiting in list(self.lines.by_queue.get(queue_id, [])):
                    await asyncio.sleep(0)  # routing, and every socket, goes on between two customers
                    async with self._lock:
                        still_waiting = self.waiting.get(waiting.conversation_id) is waiting
                        if still_waiting and waiting.conversation_id not in self.offers:
                            await self._tell_one(waiting)

    async def _tell_one(self, waiting: Waiting) -> None:
        queue = await self._store.get_queue(waiting.queue_id)
        if queue is not None:
            await self._tell_waiting(waiting, queue, self.lines.position(waiting))

    async def _make_offer(self, waiting: Waiting, agent: AgentAvailability, queue: Queue) -> None:
        conv = await self._conversation(waiting.conversation_id)
        if conv.is_ended:
            self._drop_waiting(conv.id)
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
        await publish(self._bus, await self.offer_event(offer, conv, queue.name, self.customer_status(conv.id)))

    async def offer_event(self, offer: Offer, conv: Conversation, queue: str | None, customer: str) -> OfferEvent:
        """The offer as its agent sees it: who, which queue, until when, and the chat's latest messages."""
        recent = await self._store.list_messages(conv.id, limit=OFFER_MESSAGES)
        return OfferEvent(
            offer.agent_id,
            conversation_id=conv.id,
            customer_name=conv.customer_name,
            queue=queue,
            expires_at=wire_time(offer.expires_at),
            messages=tuple(m.to_wire() for m in recent),
            customer=customer,
            transfer=pending_transfer(conv),
        )

    async def _withdraw_offer(self, conversation_id: str, reason: str, cool_down: bool = False) -> None:
        """Take an offer back; with `cool_down` (the agent declined it) it is not offered to them again for
        `decline_cooldown` seconds, unless nobody else has taken it by then."""
        offer = self.offers.pop(conversation_id, None)
        if offer is None:
            return
        self._cancel_timer(offer)
        agent = self.agents.get(offer.agent_id)
        if agent is not None:
            agent.offered = None
        waiting = self.waiting.get(conversation_id)
        if waiting is not None and waiting.for_agent == offer.agent_id:
            waiting.for_agent = None  # the named agent did not take it: the queue's agents may
            self._for_agents.pop(conversation_id, None)
        if waiting is not None and cool_down:
            waiting.declined_at[offer.agent_id] = self._clock.now()
            self._timers.add(self._later(self._settings.decline_cooldown, self._cooled_down))
            self._timers = {t for t in self._timers if not t.fired}  # those whose cooldown is over
        conv = await self._conversation(conversation_id)
        if conv.state == ConversationState.OFFERED.value:
            conv.move_to(ConversationState.QUEUED)
            await self._store.save_conversation(conv)
        await publish(self._bus, OfferRevoked(offer.agent_id, conversation_id=conversation_id, reason=reason))

    async def _cooled_down(self) -> None:
        async with self._lock:
            await self._dispatch()

    async def _offer_timed_out(self, conversation_id: str, agent_id: str) -> None:
        async with self._lock:
            offer = self.offers.get(conversation_id)
            if offer is None or offer.agent_id != agent_id:
                return
            offer.timer = None  # this task is the timer; do not cancel ourselves
            await self._withdraw_offer(conversation_id, reason="timeout")
            waiting = self.waiting.get(conversation_id)
            if waiting is not None:
                waiting.declined_at.pop(agent_id, None)  # not responding already keeps them out
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
            if not waiting.said_no_agent:  # once in the transcript; the routing state says it every time
                waiting.said_no_agent = True
                await self._messages.post_system(waiting.conversation_id, NO_AGENT_TEXT, Notice("no_agent"))
            text = NO_AGENT_TEXT
        else:
            text = f"Waiting for an agent in {queue.name}; you are number {position} in line."
        await publish(
            self._bus,
            Routing(waiting.conversation_id, state=state, queue=queue.name, position=position, text=text),
        )

    async def _tell_presence(self, agent: AgentAvailability) -> None:
        await publish(self._bus, PresenceEvent(agent.user_id, status=agent.shown_status))

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
                front = self.lines.front() or self._clock.now()
                conv.enqueued_at = min(front - timedelta(milliseconds=1), conv.enqueued_at or front)
                await self._store.save_conversation(conv)
                await self._messages.post_system(
                    conv.id,
                    f"{name} was disconnected. We are connecting you with another agent.",
                    Notice("agent_disconnected", {"name": name}),
                )
                await publish(self._bus, AgentLeft(conv.id, agent_name=name, reason="disconnected"))
                self._line_up(conv)
                if not self._pages.get(conv.id):  # back in line with its customer gone: their grace again
                    self._start_customer_grace(conv.id)
            agent.active.clear()
            await self._dispatch()

    async def _page_closed(self, conversation_id: str, socket_id: str) -> None:
        pages = self._pages.get(conversation_id)
        if pages is None or socket_id not in pages:
            return  # already counted out (a repeated call, or its node was let go)
        pages.discard(socket_id)
        if pages:
            return
        del self._pages[conversation_id]
        self._start_customer_grace(conversation_id)
        await publish(self._bus, CustomerPresence(conversation_id, status="away"))

    def _start_customer_grace(self, conversation_id: str) -> None:
        self._customer[conversation_id] = "away"
        old = self._away.pop(conversation_id, None)
        if old is not None:
            old.cancel()
        self._away[conversation_id] = self._later(self._settings.customer_grace, self._customer_gone, conversation_id)

    def _forget_customer(self, conversation_id: str) -> None:
        self._pages.pop(conversation_id, None)
        self._customer.pop(conversation_id, None)
        timer = self._away.pop(conversation_id, None)
        if timer is not None:
            timer.cancel()  # unless it is what runs now (Timer.cancel)

    async def _customer_gone(self, conversation_id: str) -> None:
        """No page of the customer's came back within the grace: a waiting chat leaves the line as
        abandoned; the agent of a connected one sees that the customer has left."""
        async with self._lock:
            timer = self._away.get(conversation_id)
            if timer is None or not timer.fired or self._pages.get(conversation_id):
                return  # the customer came back (a newer grace, not yet over, may be counting down)
            del self._away[conversation_id]
            conv = await self._store.get_conversation(conversation_id)
            if conv is None or conv.is_ended:
                self._forget_customer(conversation_id)
                return
            if conv.state == ConversationState.CONNECTED.value:
                self._customer[conversation_id] = "left"
                await publish(self._bus, CustomerPresence(conversation_id, status="left"))
                return
            await self._abandon(conv)
            await self._dispatch()

    async def _abandon(self, conv: Conversation) -> None:
        offer = self.offers.get(conv.id)
        if offer is not None:
            await self._withdraw_offer(conv.id, reason="customer_left")
        self._drop_waiting(conv.id)
        self._forget_customer(conv.id)
        conv.move_to(ConversationState.ABANDONED)
        conv.ended_at = self._clock.now()
        conv.ended_by = "system"
        conv.end_reason = "abandoned"
        await self._store.save_conversation(conv)
        self.abandoned += 1
        await self._messages.post_system(conv.id, ABANDONED_TEXT, Notice("abandoned"))
        await publish(
            self._bus,
            CustomerPresence(conv.id, status="left"),
            Routing(conv.id, state="abandoned", text=ABANDONED_TEXT),
            ChatEnded(conv.id, by="system"),
        )
        waited = (conv.ended_at - (conv.enqueued_at or conv.created_at)).total_seconds()
        log.info(
            "chat %s abandoned: its customer was away for %.0f s while waiting %.0f s",
            conv.id,
            self._settings.customer_grace,
            waited,
        )

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

    def _later(self, delay: float, fn: Callable[..., Coroutine[Any, Any, None]], *args: Any) -> Timer:
        return self._clock.call_later(delay, lambda: fn(*args))

    @staticmethod
    def _cancel_timer(offer: Offer) -> None:
        if offer.timer is not None:
            offer.timer.cancel()  # unless it is what runs now (Timer.cancel)
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

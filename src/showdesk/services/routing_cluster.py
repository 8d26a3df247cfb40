"""Routing across nodes: one node at a time routes, the one holding the routing lease; the others ask it.

Every node puts a ClusterRouter in front of its Router. On the node holding the lease (always, for a node
alone) calls go straight to the Router. Any other node sends each call over the bus to the cluster's calls
topic and waits for the answer on a reply topic of its own; the offers, presence and routing events the
leader publishes reach every node's sockets through the bus as before. So an interaction is offered by
one Router only, and never twice.

A node that takes the lease rebuilds the waiting lines from storage (`Router.recover`) and says so on the
leader topic; every node then tells it again of its agents' open sockets and the presence chosen on them,
so nobody connected is thought gone, and of its customers' sockets, so no waiting customer is thought to
have left. When a node's heartbeat stops, the leader lets go of that node's sockets, and those agents and
customers get their grace period like any dropped connection.

A call may reach the leader twice (its answer was lost while a node took over): sockets are counted by
id, lining up is by conversation, and an accept already done answers with the conversation again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Iterable
from typing import Any

from showdesk.domain import errors
from showdesk.domain.conversation import Conversation
from showdesk.domain.directory import User
from showdesk.domain.errors import NotFound, ShowDeskError, Unavailable
from showdesk.domain.events import OfferEvent
from showdesk.domain.routing import Presence
from showdesk.services.ports import Bus, Lease, Store
from showdesk.services.routing import Offer, Router
from showdesk.services.routing_calls import CALLS
from showdesk.services.routing_view import RoutingView

log = logging.getLogger(__name__)

_ERRORS: dict[str, type[ShowDeskError]] = {
    kind.__name__: kind
    for kind in (
        errors.InvalidInput,
        errors.Unauthenticated,
        errors.Forbidden,
        errors.NotFound,
        errors.Conflict,
        errors.TooLarge,
        errors.Unprocessable,
        errors.Unavailable,
        errors.ShowDeskError,
    )
}


class SoloLease:
    """A node alone: it holds every lease, needs no renewing, and is the only node alive."""

    shared = False
    ttl = float("inf")

    def __init__(self) -> None:
        self.node_id = uuid.uuid4().hex[:16]

    async def hold(self, name: str) -> bool:
        return True

    async def alive(self, node_ids: Iterable[str]) -> set[str]:
        return {n for n in node_ids if n == self.node_id}

    async def release(self, name: str) -> None:
        return None

    async def close(self) -> None:
        return None


class ClusterRouter:
    def __init__(self, router: Router, store: Store, bus: Bus, lease: Lease) -> None:
        self.local = router
        router.may_offer = lambda: self.leading
        self._store = store
        self._bus = bus
        self._lease = lease
        self.node_id = lease.node_id
        self._call_timeout = min(2.0, lease.ttl)  # a call unanswered this long is sent again
        # long enough for another node to take over a lease that was not handed on
        self._give_up_after = 2 * lease.ttl + self._call_timeout
        self._lease_name = ""
        self._calls_topic = self._leader_topic = ""
        self._replies_topic = f"routing.replies.{self.node_id}"
        self._leading = not lease.shared  # a node alone routes from the start
        self._held_until = 0.0 if lease.shared else math.inf
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._sockets: dict[str, str] = {}  # this node's agent sockets: socket id -> agent id
        self._pages: dict[str, str] = {}  # this node's customer sockets: socket id -> conversation id
        self._chosen: dict[str, Presence] = {}  # presence chosen on this node's sockets, to tell a new leader
        self._tasks: set[asyncio.Task[None]] = set()
        self._keeper: asyncio.Task[None] | None = None
        self._tending = asyncio.Lock()
        self._calls = bus.subscribe(self._on_call)
        self._replies = bus.subscribe(self._on_reply)
        self._leaders = bus.subscribe(self._on_new_leader)

    @property
    def leading(self) -> bool:
        """This node routes, and its lease has not run out unrenewed."""
        return self._leading and time.monotonic() < self._held_until

    # life cycle -------------------------------------------------------------------------------------
    async def start(self) -> None:
        cluster = await self._store.installation_id()
        self._lease_name = f"showdesk:{cluster}:routing-lease"
        self._calls_topic = f"routing.{cluster}.calls"
        self._leader_topic = f"routing.{cluster}.leader"
        await self._replies.add(self._replies_topic)
        await self._leaders.add(self._leader_topic)
        if not self._lease.shared:
            await self.local.recover()
            return
        await self._tend_lease()
        self._keeper = asyncio.create_task(self._keep_lease())

    async def close(self) -> None:
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
        for task in list(self._tasks):
            task.cancel()
        if self._leading:
            with contextlib.suppress(Exception):  # Redis may be gone already; the lease then runs out
                await self._lease.release(self._lease_name)
                # A node stopping: the others try for the lease now rather than at their next renewal.
                await self._bus.publish(self._leader_topic, {"released": self.node_id})
        await self.local.close()
        for sub in (self._calls, self._replies, self._leaders):
            await sub.close()
        await self._lease.close()

    # customers --------------------------------------------------------------------------------------
    async def enqueue(self, conv: Conversation) -> None:
        await self._call("enqueue", conv)

    async def conversation_ended(self, conversation_id: str) -> None:
        await self._call("conversation_ended", conversation_id)

    async def customer_connected(self, conversation_id: str) -> str:
        """A customer's socket opened on this node for their chat; the answer names it for `customer_disconnected`."""
        socket_id = f"{self.node_id}/{uuid.uuid4().hex[:12]}"
        self._pages[socket_id] = conversation_id
        await self._call("customer_connected", conversation_id, socket_id)
        return socket_id

    async def customer_disconnected(self, conversation_id: str, socket_id: str) -> None:
        self._pages.pop(socket_id, None)
        await self._call("customer_disconnected", conversation_id, socket_id)

    async def routing_state(self, conversation_id: str) -> str | None:
        state: str | None = await self._call("routing_state", conversation_id)
        return state

    # agents -----------------------------------------------------------------------------------------
    async def agent_connected(self, user: User) -> str:
        """An agent's socket opened on this node; the answer names it for `agent_disconnected`."""
        socket_id = f"{self.node_id}/{uuid.uuid4().hex[:12]}"
        self._sockets[socket_id] = user.id
        await self._call("agent_connected", user, socket_id)
        return socket_id

    async def agent_disconnected(self, user_id: str, socket_id: str) -> None:
        self._sockets.pop(socket_id, None)
        if user_id not in self._sockets.values():
            self._chosen.pop(user_id, None)
        await self._call("agent_disconnected", user_id, socket_id)

    async def set_presence(self, user: User, presence: Presence) -> None:
        self._chosen[user.id] = presence
        await self._call("set_presence", user, presence)

    async def accept(self, user: User, conversation_id: str) -> Conversation:
        conv: Conversation = await self._call("accept", user, conversation_id)
        return conv

    async def decline(self, user: User, conversation_id: str) -> None:
        await self._call("decline", user, conversation_id)

    async def transfer(self, conversation_id: str, from_agent_id: str, record: dict[str, Any]) -> Conversation:
        conv: Conversation = await self._call("transfer", conversation_id, from_agent_id, record)
        return conv

    async def on_directory_changed(self, frame: dict[str, Any]) -> None:
        """Every node hears of the change on the bus; the one routing acts on it."""
        if self.leading:
            await self.local.on_directory_changed(frame)

    async def status_of(self, user_id: str) -> str:
        status: str = await self._call("status_of", user_id)
        return status

    async def pending_offers(self, user_id: str) -> list[Offer]:
        offers: list[Offer] = await self._call("pending_offers", user_id)
        return offers

    async def offers_for(self, user_id: str) -> list[OfferEvent]:
        """The offers waiting for this agent's answer, as their `offer` events showed them (for a desktop that
        connects while they wait)."""
        events = []
        for offer in await self.pending_offers(user_id):
            conv = await self.conversation(offer.conversation_id)
            queue = await self._store.get_queue(conv.queue_id or "")
            customer: str = await self._call("customer_status", conv.id)
            events.append(await self.local.offer_event(offer, conv, queue.name if queue else None, customer))
        return events

    async def view(self) -> RoutingView:
        view: RoutingView = await self._call("view")
        return view

    async def snapshot(self, conv: Conversation) -> dict[str, Any]:
        snapshot = await self.local.snapshot(conv)  # read from storage: the same on every node ...
        if not self.leading:  # ... but for whether the customer is there, which the routing node knows
            snapshot["customer"] = await self._call("customer_status", conv.id)
        return snapshot

    # the call, wherever routing is ----------------------------------------------------------------
    async def _call(self, name: str, *values: Any) -> Any:
        """Routing call `name` (routing_calls.CALLS): on this node's Router when it routes, else asked of the
        node that does, its answer read back."""
        call = CALLS[name]
        if self.leading:
            return await call.run_on(self.local, values)
        return await call.answer.read(await self._ask(name, **call.send_args(values)), self)

    # the leader's side ------------------------------------------------------------------------------
    async def _serve(self, op: str, args: dict[str, Any]) -> Any:
        call = CALLS.get(op)
        if call is None:
            raise errors.InvalidInput(f"routing has no call named {op!r}", code="unknown_call")
        return await call.serve(self.local, args, self)

    async def _on_call(self, frame: dict[str, Any]) -> None:
        # answered in a task of its own, so the bus goes on delivering while routing works
        self._spawn(self._answer_call(frame))

    async def _answer_call(self, frame: dict[str, Any]) -> None:
        if not self.leading:
            return  # the caller asks again, and the node holding the lease answers
        try:
            answer: dict[str, Any] = {"result": await self._serve(frame["op"], frame.get("args") or {})}
        except ShowDeskError as exc:
            answer = {"error": {"kind": type(exc).__name__, "code": exc.code, "message": exc.message}}
        except Exception:
            log.exception("routing call %s failed", frame.get("op"))
            answer = {"error": {"kind": "ShowDeskError", "code": "internal", "message": "routing failed"}}
        await self._bus.publish(frame["replyTo"], {"callId": frame["callId"], **answer})

    # the asking side --------------------------------------------------------------------------------
    async def _ask(self, op: str, **args: Any) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._give_up_after
        while True:
            if self.leading:  # this node took over while asking
                return await self._serve(op, args)
            call_id = uuid.uuid4().hex
            answer: asyncio.Future[dict[str, Any]] = loop.create_future()
            self._pending[call_id] = answer
            frame = {"op": op, "args": args, "callId": call_id, "replyTo": self._replies_topic}
            try:
                await self._bus.publish(self._calls_topic, frame)
                wait = max(0.05, min(self._call_timeout, deadline - loop.time()))
                reply = await asyncio.wait_for(answer, wait)
            except TimeoutError:
                if loop.time() >= deadline:
                    raise Unavailable(
                        "routing is not answering (a node may be taking over); try again in a few seconds",
                        code="routing_unavailable",
                    ) from None
                continue
            finally:
                self._pending.pop(call_id, None)
            if "error" in reply:
                err = reply["error"]
                raise _ERRORS.get(err["kind"], ShowDeskError)(err["message"], code=err["code"])
            return reply.get("result")

    async def _on_reply(self, frame: dict[str, Any]) -> None:
        answer = self._pending.get(frame.get("callId", ""))
        if answer is not None and not answer.done():
            answer.set_result(frame)

    # the lease --------------------------------------------------------------------------------------
    async def _keep_lease(self) -> None:
        while True:
            await asyncio.sleep(self._lease.ttl / 3)
            try:
                await self._tend_lease()
            except Exception:
                log.exception("routing lease: could not renew; trying again")

    async def _tend_lease(self) -> None:
        async with self._tending:  # the keeper and a released lease's news may ask at once
            await self._tend_lease_now()

    async def _tend_lease_now(self) -> None:
        asked_at = time.monotonic()
        held = await self._lease.hold(self._lease_name)
        if held:
            self._held_until = asked_at + self._lease.ttl
        if held and not self._leading:
            await self._take_over()
        elif not held and self._leading:
            await self._step_down()
        if self._leading and self._lease.shared:
            await self._let_go_of_dead_nodes()

    async def _take_over(self) -> None:
        log.info("node %s routes now", self.node_id)
        await self.local.forget()
        self._leading = True
        await self.local.recover()
        await self._calls.add(self._calls_topic)
        await self._bus.publish(self._leader_topic, {"node": self.node_id})
        await self._announce_sockets()

    async def _step_down(self) -> None:
        log.warning("node %s lost the routing lease; another node routes", self.node_id)
        self._leading = False
        await self._calls.remove(self._calls_topic)
        await self.local.forget()

    async def _on_new_leader(self, frame: dict[str, Any]) -> None:
        if "released" in frame:
            if frame["released"] != self.node_id and self._keeper is not None:
                self._spawn(self._take_released_lease())
            return
        if frame.get("node") != self.node_id:
            self._spawn(self._announce_sockets())

    async def _take_released_lease(self) -> None:
        try:
            await self._tend_lease()
        except Exception:
            log.exception("routing lease: could not take the released lease; trying again at the next renewal")

    async def _announce_sockets(self) -> None:
        """Tell the node that routes now of this node's agents (their sockets, then their chosen presence) and
        of its customers' sockets."""
        try:
            for socket_id, conversation_id in list(self._pages.items()):
                await self._call("customer_connected", conversation_id, socket_id)
            for socket_id, user_id in list(self._sockets.items()):
                user = await self._store.get_user(user_id)
                if user is not None:
                    await self._call("agent_connected", user, socket_id)
            for user_id, presence in list(self._chosen.items()):
                user = await self._store.get_user(user_id)
                if user is not None:
                    await self.set_presence(user, presence)
        except ShowDeskError as exc:
            log.warning("could not tell the routing node of this node's agents: %s", exc.message)

    async def _let_go_of_dead_nodes(self) -> None:
        others = self.local.socket_nodes() - {self.node_id}
        for node in others - await self._lease.alive(others):
            agents = await self.local.node_gone(node)
            log.warning("node %s stopped answering; its agents' sockets are closed: %s", node, agents)

    # helpers (also what routing calls read ids back with: routing_calls.Lookups) -------------------
    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def conversation(self, conversation_id: str) -> Conversation:
        conv = await self._store.get_conversation(conversation_id)
        if conv is None:
            raise NotFound(f"conversation {conversation_id} does not exist", code="conversation_not_found")
        return conv

    async def user(self, user_id: str) -> User:
        user = await self._store.get_user(user_id)
        if user is None:
            raise NotFound(f"user {user_id} does not exist", code="user_not_found")
        return user

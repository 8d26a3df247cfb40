"""Routing across nodes, two nodes in one process: one store and one bus (in memory), leases held in a
shared book the test can take away. Real Redis and real processes: tests/integration/test_two_nodes.py."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import pytest

from showdesk.adapters.bus.memory import MemoryBus
from showdesk.adapters.limits.memory import MemoryLimiter
from showdesk.adapters.storage.memory import MemoryStore
from showdesk.domain.errors import Conflict, Unavailable
from showdesk.domain.routing import Presence
from showdesk.services.container import Services
from showdesk.services.demo import seed_demo
from showdesk.services.settings import ServiceSettings
from tests.support.memory import ManualClock, Recorder
from tests.support.waiting import eventually
from tests.unit.test_chat_services import agent, start_chat

TTL = 0.3


class LeaseBook:
    """What Redis holds for the nodes of one test: who holds each lease, whose heart beats."""

    def __init__(self) -> None:
        self.holders: dict[str, str] = {}
        self.beating: set[str] = set()


class BookLease:
    shared = True
    ttl = TTL

    def __init__(self, book: LeaseBook, node_id: str) -> None:
        self._book = book
        self.node_id = node_id

    async def hold(self, name: str) -> bool:
        self._book.beating.add(self.node_id)
        return self._book.holders.setdefault(name, self.node_id) == self.node_id

    async def alive(self, node_ids: Iterable[str]) -> set[str]:
        return set(node_ids) & self._book.beating

    async def release(self, name: str) -> None:
        if self._book.holders.get(name) == self.node_id:
            del self._book.holders[name]

    async def close(self) -> None:
        self._book.beating.discard(self.node_id)


async def two_nodes() -> tuple[Services, Services, Recorder, LeaseBook]:
    """Two nodes on one manual clock (`first.clock`) for routing's timers; the leases run on real time."""
    store, bus, clock, book = MemoryStore(), MemoryBus(), ManualClock(), LeaseBook()
    await seed_demo(store, clock, ["http://shop.test"])
    settings = ServiceSettings(secret_key="cluster-test-secret-" + "x" * 32, agent_grace=0.2)
    first = Services(store, bus, clock, settings, lease=BookLease(book, "node-1"), limiter=MemoryLimiter())
    second = Services(store, bus, clock, settings, lease=BookLease(book, "node-2"), limiter=MemoryLimiter())
    await first.start()  # takes the routing lease
    await second.start()
    assert first.router.leading and not second.router.leading
    return first, second, Recorder(bus), book


async def test_a_node_that_does_not_route_asks_the_one_that_does_and_gets_its_answers_and_refusals() -> None:
    leader, other, rec, _ = await two_nodes()
    dana, sam = await agent(other, "agent@demo.local"), await agent(other, "agent2@demo.local")
    await rec.watch(f"agent:{dana.id}")
    await other.router.agent_connected(dana)
    await other.router.set_presence(dana, Presence.ON_QUEUE)
    assert await other.router.status_of(dana.id) == "on_queue" == leader.router.local.status_of(dana.id)
    assert not other.router.local.agents  # the other node's own router holds nothing

    conv, _ = await start_chat(other)
    await eventually(lambda: bool(rec.of(f"agent:{dana.id}", "offer")))
    assert [o.conversation_id for o in await other.router.pending_offers(dana.id)] == [conv.id]
    assert await other.router.routing_state(conv.id) == "offered"
    with pytest.raises(Conflict) as refused:  # the leader's refusal crosses the bus with its kind and code
        await other.router.accept(sam, conv.id)
    assert refused.value.code == "offer_gone"

    taken = await other.router.accept(dana, conv.id)
    assert taken.agent_id == dana.id and taken.state == "connected"
    again = await other.router.accept(dana, conv.id)  # a repeated call (its answer lost) answers the same
    assert again.id == conv.id and again.agent_id == dana.id
    view = await other.router.view()
    assert view.waiting == [] and [a.active for a in view.agents] == [{conv.id}]
    await other.router.close()
    await leader.close()


async def test_with_nobody_routing_a_call_is_refused_as_unavailable_in_time() -> None:
    leader, other, _, book = await two_nodes()
    dana = await agent(other, "agent@demo.local")
    book.holders = dict.fromkeys(book.holders, "a-node-that-died")  # its lease has not run out yet
    await eventually(lambda: not leader.router.leading)  # node 1 finds the lease gone, and stops routing
    loop = asyncio.get_running_loop()
    began = loop.time()
    with pytest.raises(Unavailable) as refused:
        await other.router.set_presence(dana, Presence.ON_QUEUE)
    assert refused.value.code == "routing_unavailable"
    assert loop.time() - began < 2 * TTL + 2 * TTL + 0.5  # two leases' time and one last try, not forever
    await other.router.close()
    await leader.close()


async def test_the_node_left_takes_over_routing_with_the_waiting_line_and_the_agents_still_connected() -> None:
    leader, other, rec, book = await two_nodes()
    dana = await agent(other, "agent@demo.local")
    await rec.watch(f"agent:{dana.id}")
    await other.router.agent_connected(dana)  # Dana's desktop is on the node that stays
    conv, _ = await start_chat(leader)  # waits: nobody on queue
    await leader.router.close()  # hands the lease on (a killed node's runs out instead)
    assert "node-1" not in book.beating

    await eventually(lambda: other.router.leading, timeout=2)
    assert [w.conversation_id for w in (await other.router.view()).waiting] == [conv.id]  # rebuilt from storage
    assert (await other.router.view()).agents[0].connected  # Dana told it of her socket again
    await other.router.set_presence(dana, Presence.ON_QUEUE)
    await eventually(lambda: bool(rec.of(f"agent:{dana.id}", "offer")))
    assert rec.of(f"agent:{dana.id}", "offer")[0]["conversationId"] == conv.id
    await other.close()


async def test_the_sockets_of_a_node_whose_heart_stopped_are_let_go_and_its_agents_get_their_grace() -> None:
    leader, other, rec, _ = await two_nodes()
    dana = await agent(other, "agent@demo.local")
    await other.router.agent_connected(dana)
    await other.router.set_presence(dana, Presence.ON_QUEUE)
    conv, _ = await start_chat(leader)
    await rec.watch(f"conversation:{conv.id}")
    await eventually(lambda: conv.id in leader.router.local.offers)
    await other.router.accept(dana, conv.id)
    await other.router.close()  # node 2 stops without a word: its heart no longer beats, nobody closed its sockets

    await eventually(lambda: not leader.router.local.agents[dana.id].connected, timeout=3)  # let go of, ...
    assert not rec.of(f"conversation:{conv.id}", "agentLeft")
    clock = leader.clock
    assert isinstance(clock, ManualClock)
    await clock.run_for(0.2)  # ... and back in line once her grace is over
    assert rec.of(f"conversation:{conv.id}", "agentLeft")[0]["reason"] == "disconnected"
    assert [w.conversation_id for w in (await leader.router.view()).waiting] == [conv.id]
    await leader.close()


async def test_a_node_past_its_lease_makes_no_offer_even_mid_dispatch() -> None:
    leader, other, rec, _ = await two_nodes()
    dana = await agent(leader, "agent@demo.local")
    await rec.watch(f"agent:{dana.id}")
    await leader.router.agent_connected(dana)
    await leader.router.set_presence(dana, Presence.ON_QUEUE)
    leader.router.local.may_offer = lambda: False  # the lease ran out while this node was busy
    conv, _ = await start_chat(leader)
    assert not rec.of(f"agent:{dana.id}", "offer")
    assert (await leader.store.get_conversation(conv.id)).state == "queued"  # type: ignore[union-attr]
    leader.router.local.may_offer = lambda: True
    await leader.router.set_presence(dana, Presence.ON_QUEUE)  # any change dispatches again
    assert [o["conversationId"] for o in rec.of(f"agent:{dana.id}", "offer")] == [conv.id]
    await other.router.close()
    await leader.close()


async def test_a_node_that_stops_hands_routing_on_at_once_not_at_the_next_renewal() -> None:
    store, bus, clock, book = MemoryStore(), MemoryBus(), ManualClock(), LeaseBook()
    await seed_demo(store, clock, ["http://shop.test"])
    settings = ServiceSettings(secret_key="cluster-test-secret-" + "x" * 32)

    class SlowLease(BookLease):
        ttl = 30.0  # the others would try for the lease again only in 10 s

    leader = Services(store, bus, clock, settings, lease=SlowLease(book, "node-1"), limiter=MemoryLimiter())
    other = Services(store, bus, clock, settings, lease=SlowLease(book, "node-2"), limiter=MemoryLimiter())
    await leader.start()
    await other.start()
    conv, _ = await start_chat(leader)
    await leader.close()  # a graceful stop (SIGTERM) releases the lease and says so

    await eventually(lambda: other.router.leading, timeout=1)
    assert [w.conversation_id for w in (await other.router.view()).waiting] == [conv.id]
    await other.close()


async def test_every_routing_call_crosses_the_bus_and_answers_as_the_router_does() -> None:
    leader, other, rec, _ = await two_nodes()
    dana = await agent(other, "agent@demo.local")
    await rec.watch(f"agent:{dana.id}")
    socket = await other.router.agent_connected(dana)
    await other.router.set_presence(dana, Presence.ON_QUEUE)
    conv, _ = await start_chat(other)
    page = await other.router.customer_connected(conv.id)
    assert leader.router.local.customer_status(conv.id) == "online"
    await other.router.customer_disconnected(conv.id, page)
    assert leader.router.local.customer_status(conv.id) == "away"
    assert (await other.router.snapshot(conv))["customer"] == "away"  # customer_status, from the routing node
    [offered] = await other.router.offers_for(dana.id)
    assert offered.frame() == {**rec.of(f"agent:{dana.id}", "offer")[0], "customer": "away"}  # as it is now
    await other.router.decline(dana, conv.id)
    assert rec.of(f"agent:{dana.id}", "offerRevoked")[0]["reason"] == "declined"
    await other.router.conversation_ended(conv.id)
    assert await other.router.routing_state(conv.id) is None
    await other.router.agent_disconnected(dana.id, socket)
    assert not leader.router.local.agents[dana.id].connected  # her grace began on the routing node
    with pytest.raises(Exception) as unknown:
        await other.router._ask("no_such_call")
    assert getattr(unknown.value, "code", None) == "unknown_call"
    await other.router.close()
    await leader.close()

"""The line: a declined chat is offered again, a customer who is gone leaves it as abandoned (one who comes
back keeps their place), and the desktop hears whether the customer is there."""

from __future__ import annotations

import pytest

from showdesk.domain.directory import User
from showdesk.domain.routing import Presence
from showdesk.services.container import Services
from tests.support.memory import Recorder, demo_services
from tests.unit.test_chat_services import agent, start_chat


async def dana_on_queue(sd: Services, rec: Recorder) -> User:
    """Dana, the only agent, on queue, her topic recorded."""
    dana = await agent(sd, "agent@demo.local")
    await rec.watch(f"agent:{dana.id}")
    await sd.router.agent_connected(dana)
    await sd.router.set_presence(dana, Presence.ON_QUEUE)
    return dana


async def test_a_lone_agent_s_decline_does_not_strand_the_chat() -> None:
    sd, rec, clock = await demo_services(offer_timeout=30, decline_cooldown=0.2)
    dana = await dana_on_queue(sd, rec)
    conv, _ = await start_chat(sd)
    assert [o["conversationId"] for o in rec.of(f"agent:{dana.id}", "offer")] == [conv.id]
    await sd.router.decline(dana, conv.id)
    assert len(rec.of(f"agent:{dana.id}", "offer")) == 1  # not straight back to the one who declined
    await clock.run_for(0.19)
    assert len(rec.of(f"agent:{dana.id}", "offer")) == 1
    await clock.run_for(0.01)  # the cooldown has passed ...
    assert len(rec.of(f"agent:{dana.id}", "offer")) == 2  # ... and it comes back by itself
    assert rec.of(f"agent:{dana.id}", "offer")[1]["conversationId"] == conv.id


async def test_a_declined_chat_goes_at_once_to_another_agent_who_becomes_available() -> None:
    sd, rec, _ = await demo_services(offer_timeout=30, decline_cooldown=30)
    dana, sam = await agent(sd, "agent@demo.local"), await agent(sd, "agent2@demo.local")
    for a in (dana, sam):
        await rec.watch(f"agent:{a.id}")
        await sd.router.agent_connected(a)
    await sd.router.set_presence(dana, Presence.ON_QUEUE)
    conv, _ = await start_chat(sd)
    await sd.router.decline(dana, conv.id)
    assert not rec.of(f"agent:{sam.id}", "offer")
    await sd.router.set_presence(sam, Presence.ON_QUEUE)
    assert [o["conversationId"] for o in rec.of(f"agent:{sam.id}", "offer")] == [conv.id]


async def test_an_agent_who_went_off_queue_with_an_offer_gets_it_again_when_back() -> None:
    sd, rec, _ = await demo_services(offer_timeout=30, decline_cooldown=30)
    dana = await dana_on_queue(sd, rec)
    conv, _ = await start_chat(sd)
    await sd.router.set_presence(dana, Presence.OFF_QUEUE)
    assert rec.of(f"agent:{dana.id}", "offerRevoked")[0]["conversationId"] == conv.id
    await sd.router.set_presence(dana, Presence.ON_QUEUE)  # back from a break: no cooldown for that
    assert [o["conversationId"] for o in rec.of(f"agent:{dana.id}", "offer")] == [conv.id, conv.id]


async def test_a_waiting_customer_gone_past_the_grace_leaves_the_line_as_abandoned() -> None:
    sd, rec, clock = await demo_services(customer_grace=0.2)
    conv, _ = await start_chat(sd)
    await rec.watch(f"conversation:{conv.id}")
    page = await sd.chat.page_opened(conv.id)
    await sd.chat.page_closed(conv.id, page)
    assert rec.of(f"conversation:{conv.id}", "customerPresence")[-1]["status"] == "away"

    async def state() -> str | None:
        stored = await sd.store.get_conversation(conv.id)
        return stored.state if stored else None

    await clock.run_for(0.19)
    assert await state() == "queued"
    await clock.run_for(0.01)
    assert rec.of(f"conversation:{conv.id}", "chatEnded")
    stored = await sd.store.get_conversation(conv.id)
    assert stored is not None
    assert (stored.state, stored.end_reason, stored.ended_by) == ("abandoned", "abandoned", "system")
    assert stored.ended_at is not None
    assert await sd.router.routing_state(conv.id) is None  # out of the line
    texts = [m.text for m in await sd.store.list_messages(conv.id)]
    assert any("away while waiting" in t for t in texts)
    assert rec.of(f"conversation:{conv.id}", "customerPresence")[-1]["status"] == "left"


async def test_a_customer_back_within_the_grace_keeps_their_place() -> None:
    sd, rec, clock = await demo_services(customer_grace=0.3)
    first, _ = await start_chat(sd, "Ann")
    second, _ = await start_chat(sd, "Bob")
    pages = {c.id: await sd.chat.page_opened(c.id) for c in (first, second)}
    await sd.chat.page_closed(first.id, pages[first.id])  # Ann's page reloads ...
    await sd.chat.page_opened(first.id)  # ... and is back
    dana = await agent(sd, "agent@demo.local")
    await rec.watch(f"agent:{dana.id}")
    await clock.run_for(0.5)  # past the grace: Ann is still in line, at the front
    assert (await sd.store.get_conversation(first.id)).state == "queued"  # type: ignore[union-attr]
    await sd.router.agent_connected(dana)
    await sd.router.set_presence(dana, Presence.ON_QUEUE)
    assert rec.of(f"agent:{dana.id}", "offer")[0]["conversationId"] == first.id
    assert rec.of(f"agent:{dana.id}", "offer")[0]["customer"] == "online"


async def test_the_agent_of_a_connected_chat_sees_the_customer_away_then_left_then_back() -> None:
    sd, rec, clock = await demo_services(customer_grace=0.2)
    dana = await agent(sd, "agent@demo.local")
    await sd.router.agent_connected(dana)
    await sd.router.set_presence(dana, Presence.ON_QUEUE)
    conv, _ = await start_chat(sd)
    page = await sd.chat.page_opened(conv.id)
    await sd.router.accept(dana, conv.id)
    await rec.watch(f"conversation:{conv.id}")
    await sd.chat.page_closed(conv.id, page)
    statuses = lambda: [f["status"] for f in rec.of(f"conversation:{conv.id}", "customerPresence")]  # noqa: E731
    assert statuses() == ["away"]
    await clock.run_for(0.2)
    assert statuses() == ["away", "left"]
    stored = await sd.store.get_conversation(conv.id)
    assert stored is not None and stored.state == "connected"  # the agent decides; the chat is kept
    snapshot = await sd.router.snapshot(stored)
    assert snapshot["customer"] == "left"
    await sd.chat.page_opened(conv.id)
    assert statuses() == ["away", "left", "online"]


@pytest.mark.parametrize("line", [20, 2000])
async def test_positions_are_the_place_in_line(line: int) -> None:
    sd, rec, _ = await demo_services(chat_starts_per_deployment=0)
    convs = [(await start_chat(sd, f"C{n}", f"198.51.{n // 250}.{n % 250}"))[0] for n in range(line)]
    last = convs[-1]
    await rec.watch(f"conversation:{last.id}")
    view = await sd.router.view()
    assert [w.conversation_id for w in view.waiting][:3] == [c.id for c in convs[:3]]
    assert sd.router.local.lines.position(sd.router.local.waiting[last.id]) == line


async def test_a_chat_back_in_line_without_its_customer_is_abandoned_too() -> None:
    sd, rec, clock = await demo_services(agent_grace=0.1, customer_grace=0.2)
    dana = await dana_on_queue(sd, rec)
    conv, _ = await start_chat(sd)
    page = await sd.chat.page_opened(conv.id)
    await sd.router.accept(dana, conv.id)
    await sd.chat.page_closed(conv.id, page)  # the customer goes ...
    await sd.router.local.node_gone(sd.router.node_id)  # ... and so does the agent's desktop

    async def state() -> str:
        stored = await sd.store.get_conversation(conv.id)
        assert stored is not None
        return stored.state

    await clock.run_for(0.1)  # the agent's grace: the chat goes back in line, its customer's grace starts again
    assert await state() == "queued"
    await clock.run_for(0.2)
    assert await state() == "abandoned"  # back in line, then out of it: nobody is there to answer

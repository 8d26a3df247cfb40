"""Seen receipts, on the in-memory store and bus: relayed to the other side of a connected chat only, paced
per socket, never stored, only up to a message the chat has, and only from the chat's own agent."""

from __future__ import annotations

import pytest

from showdesk.domain.errors import Forbidden, InvalidInput, NotFound
from showdesk.domain.routing import Presence
from showdesk.services.seen import SEEN_EVERY, SeenPace
from tests.support.memory import demo_services
from tests.unit.test_chat_services import start_chat


def test_a_socket_s_receipts_are_paced_and_only_go_further() -> None:
    pace = SeenPace()
    assert pace.allows("c1", 3, 0.0)
    assert not pace.allows("c1", 5, 0.5)  # too soon
    assert not pace.allows("c1", 3, SEEN_EVERY)  # no further than the last one told
    assert not pace.allows("c1", 2, SEEN_EVERY)
    assert pace.allows("c1", 5, SEEN_EVERY)
    assert pace.allows("c2", 1, SEEN_EVERY)  # another chat of the same agent's socket has its own pace


async def test_each_side_s_receipt_reaches_the_chat_and_nothing_is_stored() -> None:
    sd, rec, _ = await demo_services()
    _, dana = await sd.access.login("agent@demo.local", "agent")
    await sd.router.agent_connected(dana.user)
    await sd.router.set_presence(dana.user, Presence.ON_QUEUE)
    conv, claims = await start_chat(sd)
    await rec.watch(f"conversation:{conv.id}")
    await sd.chat.guest_message(claims, "k1", "hello")
    await sd.seen.customer(claims, 1, SeenPace())
    assert not rec.of(f"conversation:{conv.id}", "seen")  # queued: no agent to tell yet

    await sd.router.accept(dana.user, conv.id)
    last = (await sd.store.get_conversation(conv.id)).last_seq  # type: ignore[union-attr]
    stored_before = len(await sd.store.list_messages(conv.id))
    customer_pace = SeenPace()
    await sd.seen.customer(claims, last, customer_pace)
    await sd.seen.customer(claims, last, customer_pace)  # paced: told once
    await sd.seen.agent(dana, conv.id, last, SeenPace())

    frames = [(f["by"], f["upTo"], f["for"]) for f in rec.of(f"conversation:{conv.id}", "seen")]
    assert frames == [("customer", last, "agent"), ("agent", last, "customer")]
    assert len(await sd.store.list_messages(conv.id)) == stored_before


async def test_a_receipt_names_a_message_the_chat_has() -> None:
    sd, rec, _ = await demo_services()
    _, dana = await sd.access.login("agent@demo.local", "agent")
    await sd.router.agent_connected(dana.user)
    await sd.router.set_presence(dana.user, Presence.ON_QUEUE)
    conv, claims = await start_chat(sd)
    await sd.router.accept(dana.user, conv.id)
    await rec.watch(f"conversation:{conv.id}")
    last = (await sd.store.get_conversation(conv.id)).last_seq  # type: ignore[union-attr]
    for up_to in (None, 0, last + 1):
        with pytest.raises(InvalidInput) as refused:
            await sd.seen.customer(claims, up_to, SeenPace())
        assert refused.value.code == "invalid_seen"
    assert not rec.of(f"conversation:{conv.id}", "seen")


async def test_only_the_chat_s_own_agent_may_say_they_have_seen_it() -> None:
    sd, rec, _ = await demo_services()
    _, dana = await sd.access.login("agent@demo.local", "agent")
    _, sam = await sd.access.login("agent2@demo.local", "agent")
    await sd.router.agent_connected(dana.user)
    await sd.router.set_presence(dana.user, Presence.ON_QUEUE)
    conv, claims = await start_chat(sd)
    await sd.router.accept(dana.user, conv.id)
    await rec.watch(f"conversation:{conv.id}")

    with pytest.raises(Forbidden) as not_yours:
        await sd.seen.agent(sam, conv.id, 1, SeenPace())
    assert not_yours.value.code == "not_your_conversation"
    with pytest.raises(NotFound):
        await sd.seen.agent(dana, "c_of_nobody", 1, SeenPace())
    assert not rec.of(f"conversation:{conv.id}", "seen")

    await sd.chat.guest_end(claims)
    await sd.seen.agent(dana, conv.id, 1, SeenPace())  # just ended: dropped, no error
    await sd.seen.customer(claims, 1, SeenPace())
    assert not rec.of(f"conversation:{conv.id}", "seen")

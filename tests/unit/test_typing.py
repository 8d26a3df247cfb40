"""Typing indicators, on the in-memory store and bus: relayed to the other side of a connected chat only,
paced per socket, never stored, and only from the chat's own agent."""

from __future__ import annotations

import pytest

from showdesk.domain.errors import Forbidden, NotFound
from showdesk.domain.routing import Presence
from showdesk.services.typing import TYPING_EVERY, TypingPace
from tests.support.memory import demo_services
from tests.unit.test_chat_services import start_chat


def test_a_socket_s_starts_are_paced_and_a_stop_follows_only_a_start() -> None:
    pace = TypingPace()
    assert not pace.allows("c1", False, 0.0)  # nothing started: nothing to stop
    assert pace.allows("c1", True, 0.0)
    assert not pace.allows("c1", True, 0.5)  # a burst of keys: one start
    assert pace.allows("c1", False, 0.6)
    assert not pace.allows("c1", True, 0.7)  # start, stop, start flooding: at most two frames a period
    assert not pace.allows("c1", False, 0.8)
    assert pace.allows("c1", True, TYPING_EVERY)  # typing goes on: said again
    assert pace.allows("c2", True, TYPING_EVERY)  # another chat of the same agent's socket has its own pace


async def test_each_side_s_typing_reaches_the_chat_and_nothing_is_stored() -> None:
    sd, rec, _ = await demo_services()
    _, dana = await sd.access.login("agent@demo.local", "agent")
    await sd.router.agent_connected(dana.user)
    await sd.router.set_presence(dana.user, Presence.ON_QUEUE)
    conv, claims = await start_chat(sd)
    await rec.watch(f"conversation:{conv.id}")
    await sd.typing.customer(claims, True, TypingPace())
    assert not rec.of(f"conversation:{conv.id}", "typing")  # queued: no agent to tell yet

    await sd.router.accept(dana.user, conv.id)
    stored_before = len(await sd.store.list_messages(conv.id))
    customer_pace = TypingPace()
    await sd.typing.customer(claims, True, customer_pace)
    await sd.typing.customer(claims, True, customer_pace)  # paced: one start
    await sd.typing.agent(dana, conv.id, True, TypingPace())
    await sd.typing.customer(claims, False, customer_pace)

    frames = [(f["from"], f["active"], f["for"]) for f in rec.of(f"conversation:{conv.id}", "typing")]
    assert frames == [("customer", True, "agent"), ("agent", True, "customer"), ("customer", False, "agent")]
    assert len(await sd.store.list_messages(conv.id)) == stored_before


async def test_only_the_chat_s_own_agent_may_say_they_are_typing_in_it() -> None:
    sd, rec, _ = await demo_services()
    _, dana = await sd.access.login("agent@demo.local", "agent")
    _, sam = await sd.access.login("agent2@demo.local", "agent")
    await sd.router.agent_connected(dana.user)
    await sd.router.set_presence(dana.user, Presence.ON_QUEUE)
    conv, claims = await start_chat(sd)
    await sd.router.accept(dana.user, conv.id)
    await rec.watch(f"conversation:{conv.id}")

    with pytest.raises(Forbidden) as not_yours:
        await sd.typing.agent(sam, conv.id, True, TypingPace())
    assert not_yours.value.code == "not_your_conversation"
    with pytest.raises(NotFound):
        await sd.typing.agent(dana, "c_of_nobody", True, TypingPace())
    assert not rec.of(f"conversation:{conv.id}", "typing")

    await sd.chat.guest_end(claims)
    await sd.typing.agent(dana, conv.id, True, TypingPace())  # just ended: dropped, no error
    await sd.typing.customer(claims, True, TypingPace())
    assert not rec.of(f"conversation:{conv.id}", "typing")

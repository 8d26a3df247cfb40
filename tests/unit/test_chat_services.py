"""Chat, routing and delivery rules, on the in-memory store and bus."""

import pytest

from showdesk.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from showdesk.domain.routing import Presence
from showdesk.services.commands import PostMessage
from showdesk.services.container import Services
from tests.support.memory import demo_services


async def agent(sd: Services, email: str):
    user = await sd.store.get_user_by_email(email)
    assert user is not None
    return user


async def start_chat(sd: Services, name: str = "Ann", address: str = "198.51.100.7"):
    deployment = await sd.chat.check_origin("demo", "demo-webchat", "http://shop.test")
    started = await sd.chat.start(deployment, name, address)
    await sd.chat.begin(started)
    return started.conversation, sd.chat.read_guest_token(started.token)


async def test_foreign_origin_is_refused_by_name() -> None:
    sd, _, _ = await demo_services()
    with pytest.raises(Forbidden) as info:
        await sd.chat.check_origin("demo", "demo-webchat", "http://evil.test")
    assert info.value.code == "origin_not_allowed" and "http://evil.test" in info.value.message


async def test_no_agent_on_queue_is_said_out_loud_and_the_chat_waits() -> None:
    sd, rec, _ = await demo_services()
    conv, _ = await start_chat(sd)
    msgs = await sd.store.list_messages(conv.id)
    assert any("No agent is available" in m.text for m in msgs)
    assert await sd.router.routing_state(conv.id) == "no_agent_available"
    dana = await agent(sd, "agent@demo.local")
    await rec.watch(f"agent:{dana.id}")
    await sd.router.agent_connected(dana)
    await sd.router.set_presence(dana, Presence.ON_QUEUE)
    assert rec.of(f"agent:{dana.id}", "offer")[0]["conversationId"] == conv.id


async def test_unanswered_offer_times_out_and_moves_to_the_next_agent() -> None:
    sd, rec, clock = await demo_services(offer_timeout=0.3)
    dana, sam = await agent(sd, "agent@demo.local"), await agent(sd, "agent2@demo.local")
    for a in (dana, sam):
        await rec.watch(f"agent:{a.id}")
        await sd.router.agent_connected(a)
    await sd.router.set_presence(dana, Presence.ON_QUEUE)  # Dana has been idle longest
    clock.advance(5)
    await sd.router.set_presence(sam, Presence.ON_QUEUE)
    conv, _ = await start_chat(sd)
    assert rec.of(f"agent:{dana.id}", "offer")[0]["conversationId"] == conv.id
    assert not rec.of(f"agent:{sam.id}", "offer")
    await clock.run_for(0.29)
    assert not rec.of(f"agent:{sam.id}", "offer")  # Dana's offer still stands ...
    await clock.run_for(0.01)  # ... until it times out
    assert rec.of(f"agent:{dana.id}", "offerRevoked")[0]["reason"] == "timeout"
    assert rec.of(f"agent:{dana.id}", "presence")[-1]["status"] == "not_responding"
    assert rec.of(f"agent:{sam.id}", "offer")[0]["conversationId"] == conv.id
    with pytest.raises(Conflict):
        await sd.router.accept(dana, conv.id)
    await sd.router.accept(sam, conv.id)
    stored = await sd.store.get_conversation(conv.id)
    assert stored is not None and stored.state == "connected" and stored.agent_id == sam.id


async def test_messages_are_sequenced_and_a_resend_is_stored_once() -> None:
    sd, rec, _ = await demo_services()
    conv, claims = await start_chat(sd)
    await rec.watch(f"conversation:{conv.id}")
    first = await sd.chat.guest_message(claims, "k1", "hello")
    again = await sd.chat.guest_message(claims, "k1", "hello")
    second = await sd.chat.guest_message(claims, "k2", "<b>bold</b>")
    assert again.id == first.id and second.seq == first.seq + 1
    assert [f["clientId"] for f in rec.of(f"conversation:{conv.id}", "message")] == ["k1", "k2"]
    texts = [m.text for m in await sd.store.list_messages(conv.id)]
    assert texts.count("hello") == 1 and "<b>bold</b>" in texts


async def test_bad_messages_are_refused_and_lose_nothing() -> None:
    sd, _, _ = await demo_services()
    conv, claims = await start_chat(sd)
    before = await sd.store.list_messages(conv.id)
    for client_id, text in (("k", ""), ("k", "   "), ("k", 5), ("k", "x" * 4001), ("", "hi"), (None, "hi")):
        with pytest.raises(InvalidInput):
            await sd.chat.guest_message(claims, client_id, text)
    assert await sd.store.list_messages(conv.id) == before


async def test_resume_gives_exactly_what_was_missed_or_says_resync() -> None:
    sd, _, _ = await demo_services()  # resume window 5 in tests
    conv, claims = await start_chat(sd)
    for i in range(3):
        await sd.chat.guest_message(claims, f"k{i}", f"m{i}")
    last = (await sd.store.get_conversation(conv.id)).last_seq  # type: ignore[union-attr]
    resumed = await sd.chat.resume(claims, last - 2)
    assert [m.seq for m in resumed.messages] == [last - 1, last] and not resumed.resync
    for i in range(3, 10):
        await sd.chat.guest_message(claims, f"k{i}", f"m{i}")
    resumed = await sd.chat.resume(claims, last)
    assert resumed.resync and len(resumed.messages) == 5 and resumed.messages[-1].text == "m9"


async def test_vanished_agent_loses_the_interaction_to_the_queue_and_the_customer_is_told() -> None:
    sd, rec, clock = await demo_services(agent_grace=0.1)
    dana, sam = await agent(sd, "agent@demo.local"), await agent(sd, "agent2@demo.local")
    socket = await sd.router.agent_connected(dana)
    await sd.router.set_presence(dana, Presence.ON_QUEUE)
    conv, _ = await start_chat(sd)
    await rec.watch(f"conversation:{conv.id}")
    await sd.router.accept(dana, conv.id)
    await sd.router.agent_connected(sam)
    await sd.router.set_presence(sam, Presence.ON_QUEUE)
    await rec.watch(f"agent:{sam.id}")
    await sd.router.agent_disconnected(dana.id, socket)
    await clock.run_for(0.09)
    assert not rec.of(f"conversation:{conv.id}", "agentLeft")  # within the grace
    await clock.run_for(0.01)
    assert rec.of(f"conversation:{conv.id}", "agentLeft")[0]["reason"] == "disconnected"
    assert any("was disconnected" in m.text for m in await sd.store.list_messages(conv.id))
    assert rec.of(f"agent:{sam.id}", "offer")[0]["conversationId"] == conv.id


async def test_agent_back_within_grace_keeps_the_interaction() -> None:
    sd, rec, clock = await demo_services(agent_grace=0.2)
    dana = await agent(sd, "agent@demo.local")
    socket = await sd.router.agent_connected(dana)
    await sd.router.set_presence(dana, Presence.ON_QUEUE)
    conv, _ = await start_chat(sd)
    await rec.watch(f"conversation:{conv.id}")
    await sd.router.accept(dana, conv.id)
    await sd.router.agent_disconnected(dana.id, socket)
    await clock.run_for(0.15)
    await sd.router.agent_connected(dana)
    await clock.run_for(1.0)
    assert not rec.of(f"conversation:{conv.id}", "agentLeft")
    assert (await sd.store.get_conversation(conv.id)).agent_id == dana.id  # type: ignore[union-attr]


async def test_permission_removed_mid_session_stops_the_next_action() -> None:
    sd, _, _ = await demo_services()
    _token, principal = await sd.access.login("agent@demo.local", "agent")
    await sd.router.agent_connected(principal.user)
    await sd.router.set_presence(principal.user, Presence.ON_QUEUE)
    conv, _ = await start_chat(sd)
    await sd.router.accept(principal.user, conv.id)
    await sd.chat.agent_message(principal, PostMessage("a1", "hello", conv.id))
    await sd.start()  # subscribes the access cache to directory changes
    _, admin = await sd.access.login("admin@demo.local", "admin")
    await sd.directory.set_user_roles(admin, principal.user.id, [])
    with pytest.raises(Unauthenticated) as ended:  # a lost permission also ends the sign-in
        await sd.chat.agent_message(principal, PostMessage("a2", "still here?", conv.id))
    assert ended.value.code == "token_revoked"
    _, again = await sd.access.login("agent@demo.local", "agent")
    with pytest.raises(Forbidden):
        await sd.chat.agent_message(again, PostMessage("a2", "still here?", conv.id))


async def test_ending_frees_capacity_and_tells_both_sides() -> None:
    sd, rec, _ = await demo_services()
    dana = await agent(sd, "agent@demo.local")
    await rec.watch(f"agent:{dana.id}")
    await sd.router.agent_connected(dana)
    await sd.router.set_presence(dana, Presence.ON_QUEUE)
    conv, claims = await start_chat(sd)
    await rec.watch(f"conversation:{conv.id}")
    await sd.router.accept(dana, conv.id)
    assert sd.router.local.agents[dana.id].active == {conv.id}
    await sd.chat.guest_end(claims)
    assert rec.of(f"conversation:{conv.id}", "chatEnded")[0]["by"] == "customer"
    assert rec.of(f"agent:{dana.id}", "interactionEnded")[0]["conversationId"] == conv.id
    assert sd.router.local.agents[dana.id].active == set()
    with pytest.raises(Conflict):
        await sd.chat.guest_message(claims, "late", "hello?")


async def test_wrong_password_and_unknown_email_look_the_same() -> None:
    sd, _, _ = await demo_services()
    errors = []
    for email, password in (("agent@demo.local", "nope"), ("ghost@demo.local", "agent")):
        try:
            await sd.access.login(email, password)
        except Exception as exc:
            errors.append((type(exc).__name__, getattr(exc, "code", ""), str(exc)))
    assert errors[0] == errors[1]


class RecordedSubscription:
    """A socket's subscription that remembers what it was asked to follow."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def add(self, topic: str) -> None:
        self.calls.append(("add", topic))

    async def remove(self, topic: str) -> None:
        self.calls.append(("remove", topic))

    async def close(self) -> None:
        self.calls.append(("close", ""))


async def test_only_the_agent_offered_a_chat_follows_it_and_a_refusal_never_subscribes() -> None:
    sd, _, _ = await demo_services()
    _, dana = await sd.access.login("agent@demo.local", "agent")
    _, sam = await sd.access.login("agent2@demo.local", "agent")
    for principal in (dana, sam):
        await sd.router.agent_connected(principal.user)
    await sd.router.set_presence(dana.user, Presence.ON_QUEUE)
    conv, _ = await start_chat(sd)  # offered to Dana, the only one on queue
    sams = RecordedSubscription()
    with pytest.raises(Conflict):
        await sd.chat.accept(sam, conv.id, sams)
    with pytest.raises(NotFound):
        await sd.chat.accept(sam, "c_of_nobody", sams)
    assert sams.calls == []  # not even for a moment
    danas = RecordedSubscription()
    await sd.chat.accept(dana, conv.id, danas)
    assert danas.calls == [("add", f"conversation:{conv.id}")]
    await sd.chat.accept(dana, conv.id, danas)  # a repeated accept answers the same, and keeps following
    assert ("remove", f"conversation:{conv.id}") not in danas.calls
    with pytest.raises(Conflict):
        await sd.chat.accept(sam, conv.id, sams)  # Dana's now
    assert sams.calls == []

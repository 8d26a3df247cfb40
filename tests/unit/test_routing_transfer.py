"""Routing a transferred chat: offered to its named agent only while they are on queue, back to the queue's
agents when they decline or leave, never straight back to the agent who passed it on; the customer is told."""

from __future__ import annotations

from datetime import UTC, datetime

from showdesk.domain.directory import User
from showdesk.domain.routing import Presence
from showdesk.domain.transfer import Transfer
from showdesk.services.container import Services
from tests.support.memory import Recorder, demo_services
from tests.unit.test_chat_services import agent, start_chat


async def _on_queue(sd: Services, rec: Recorder, email: str) -> User:
    user = await agent(sd, email)
    await rec.watch(f"agent:{user.id}")
    await sd.router.agent_connected(user)
    await sd.router.set_presence(user, Presence.ON_QUEUE)
    return user


def _record(sd: Services, dana: User, queue_id: str, to: User | None, note: str = "Wants a lid") -> dict[str, object]:
    at = datetime(2026, 12, 4, tzinfo=UTC)
    return Transfer(
        dana.id, dana.name, queue_id, "Video", to.id if to else None, to.name if to else None, note, at
    ).record()


def _offers(rec: Recorder, user: User) -> list[str]:
    return [o["conversationId"] for o in rec.of(f"agent:{user.id}", "offer")]


async def test_a_chat_for_a_named_agent_is_offered_to_them_then_to_the_queue_when_they_decline() -> None:
    sd, rec, clock = await demo_services(offer_timeout=30, decline_cooldown=0.5)
    dana = await _on_queue(sd, rec, "agent@demo.local")
    conv, _ = await start_chat(sd)
    await sd.router.accept(dana, conv.id)
    sam = await _on_queue(sd, rec, "agent2@demo.local")
    await rec.watch(f"conversation:{conv.id}")

    await sd.router.transfer(conv.id, dana.id, _record(sd, dana, conv.queue_id or "", sam))
    assert _offers(rec, sam) == [conv.id]
    assert rec.of(f"agent:{sam.id}", "offer")[0]["transfer"]["note"] == "Wants a lid"
    assert rec.of(f"agent:{dana.id}", "interactionEnded")[-1] == {
        "type": "interactionEnded",
        "conversationId": conv.id,
        "by": "transfer",
    }
    told = [m for m in rec.of(f"conversation:{conv.id}", "message") if m.get("notice", {}).get("code") == "transferred"]
    assert told and told[0]["notice"]["params"] == {"to": "agent", "name": sam.name}

    await sd.router.decline(sam, conv.id)  # the named agent does not take it: the queue's agents may
    assert _offers(rec, dana) == [conv.id]  # the first offer, before the transfer
    await clock.run_for(0.5)  # Dana's own pause after passing it on, and Sam's after declining, are over
    assert conv.id in _offers(rec, dana)[1:] + _offers(rec, sam)[1:]


async def test_a_named_agent_who_goes_off_queue_leaves_the_chat_to_the_queue() -> None:
    sd, rec, clock = await demo_services(offer_timeout=30, decline_cooldown=0.3)
    dana = await _on_queue(sd, rec, "agent@demo.local")
    conv, _ = await start_chat(sd)
    await sd.router.accept(dana, conv.id)
    sam = await _on_queue(sd, rec, "agent2@demo.local")
    await sd.router.set_presence(sam, Presence.OFF_QUEUE)  # cannot take it now ...
    await sd.router.transfer(conv.id, dana.id, _record(sd, dana, conv.queue_id or "", sam))
    assert not _offers(rec, sam)
    await clock.run_for(0.3)
    assert _offers(rec, dana)[-1] == conv.id  # ... so it went back to the queue, and Dana is its agent on queue


async def test_a_transfer_to_a_queue_is_not_offered_straight_back_to_the_agent_who_passed_it_on() -> None:
    sd, rec, _ = await demo_services(offer_timeout=30, decline_cooldown=0.4)
    dana = await _on_queue(sd, rec, "agent@demo.local")
    conv, _ = await start_chat(sd)
    await sd.router.accept(dana, conv.id)
    await sd.router.transfer(conv.id, dana.id, _record(sd, dana, conv.queue_id or "", None))
    stored = await sd.store.get_conversation(conv.id)
    assert stored is not None and (stored.state, stored.agent_id) == ("queued", None)
    assert _offers(rec, dana) == [conv.id]
    sam = await _on_queue(sd, rec, "agent2@demo.local")
    assert _offers(rec, sam) == [conv.id]

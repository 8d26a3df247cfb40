"""Laptop to phone: the hand-off's rules on the in-memory store and a ManualClock. A code is long and
random, bound to the chat whose customer made it, redeemed once within its time (refused in words when
used, expired or unknown), gives the other device a token of its own, and tells the first device when
that device joins; an ended chat makes none, a chat makes a limited number; only the chat's agent may
suggest the phone."""

from __future__ import annotations

import asyncio
import base64

import pytest

from showdesk.domain.errors import Conflict, Forbidden, Gone, NotFound
from showdesk.domain.handoff import EXPIRED, UNKNOWN, USED, code_digest
from showdesk.domain.routing import Presence
from showdesk.services.access import Principal
from showdesk.services.container import Services
from tests.support.memory import demo_services
from tests.unit.test_chat_services import start_chat


async def connected_chat(sd: Services, name: str = "Ann", email: str = "agent@demo.local"):  # type: ignore[no-untyped-def]
    _, dana = await sd.access.login(email, "agent")
    await sd.router.agent_connected(dana.user)
    await sd.router.set_presence(dana.user, Presence.ON_QUEUE)
    conv, claims = await start_chat(sd, name=name)
    await sd.router.accept(dana.user, conv.id)
    return conv, claims, dana


async def test_a_code_is_128_random_bits_bound_to_the_customer_s_chat_and_kept_only_as_a_digest() -> None:
    sd, _, clock = await demo_services()
    conv, claims = await start_chat(sd)

    made = await sd.handoffs.create(claims)
    other = await sd.handoffs.create(claims)

    assert len(base64.urlsafe_b64decode(made.code + "==")) == 16
    assert made.code != other.code and made.code.isascii() and "/" not in made.code and "+" not in made.code
    stored = await sd.store.get_handoff(code_digest(made.code))
    assert stored is not None and stored.conversation_id == conv.id
    assert made.code not in repr(stored)
    assert (stored.expires_at - clock.now()).total_seconds() == 600


async def test_redeeming_gives_the_other_device_a_token_of_its_own_for_the_same_chat() -> None:
    sd, _, _ = await demo_services()
    conv, claims = await start_chat(sd, name="Ann")
    made = await sd.handoffs.create(claims)

    redeemed = await sd.handoffs.redeem(made.code, "phone")

    phone = sd.chat.read_guest_token(redeemed.token)
    assert (phone.conversation_id, phone.display_name, phone.device) == (conv.id, "Ann", "phone")
    assert phone.jti != claims.jti and phone.handed_off and not claims.handed_off
    assert redeemed.conversation.id == conv.id and redeemed.device_id == phone.device_id
    assert (await sd.store.list_messages(conv.id))[-1].text == "The customer opened this chat on their phone too."


async def test_a_code_is_refused_in_words_when_reused_expired_or_unknown() -> None:
    sd, _, clock = await demo_services()
    _, claims = await start_chat(sd)
    used = await sd.handoffs.create(claims)
    await sd.handoffs.redeem(used.code, "phone")
    late = await sd.handoffs.create(claims)

    with pytest.raises(Gone) as again:
        await sd.handoffs.redeem(used.code, "phone")
    clock.advance(599)
    in_time = await sd.handoffs.create(claims)
    clock.advance(1)
    with pytest.raises(Gone) as expired:
        await sd.handoffs.redeem(late.code, "phone")
    with pytest.raises(NotFound) as unknown:
        await sd.handoffs.redeem("not-a-code-of-ours", "phone")
    with pytest.raises(NotFound):
        await sd.handoffs.redeem("x" * 500, "phone")

    assert (again.value.code, again.value.message) == ("handoff_used", USED)
    assert (expired.value.code, expired.value.message) == ("handoff_expired", EXPIRED)
    assert (unknown.value.code, unknown.value.message) == ("handoff_not_found", UNKNOWN)
    assert (await sd.handoffs.redeem(in_time.code, "tablet")).device == "tablet"


async def test_two_phones_racing_get_one_chat_and_one_refusal() -> None:
    sd, _, _ = await demo_services()
    _, claims = await start_chat(sd)
    made = await sd.handoffs.create(claims)

    results = await asyncio.gather(*(sd.handoffs.redeem(made.code, "phone") for _ in range(2)), return_exceptions=True)

    refusals = [r for r in results if isinstance(r, Gone)]
    assert len(refusals) == 1 and refusals[0].code == "handoff_used"
    assert len([r for r in results if not isinstance(r, BaseException)]) == 1


async def test_an_ended_chat_makes_no_handoff_and_its_codes_no_longer_open_it() -> None:
    sd, _, _ = await demo_services()
    conv, claims = await start_chat(sd)
    made = await sd.handoffs.create(claims)
    await sd.chat.guest_end(claims)

    with pytest.raises(Conflict) as create:
        await sd.handoffs.create(claims)
    with pytest.raises(Gone) as redeem:
        await sd.handoffs.redeem(made.code, "phone")

    assert create.value.code == redeem.value.code == "chat_ended"
    assert "ended" in create.value.message and conv.id not in create.value.message


async def test_each_customer_makes_codes_for_their_own_chat_only() -> None:
    sd, _, _ = await demo_services()
    mine, ann = await start_chat(sd, name="Ann")
    theirs, bob = await start_chat(sd, name="Bob", address="198.51.100.8")

    made = await sd.handoffs.create(bob)

    redeemed = await sd.handoffs.redeem(made.code, "phone")
    assert redeemed.conversation.id == theirs.id != mine.id
    assert ann.conversation_id == mine.id


async def test_a_chat_makes_a_limited_number_of_codes() -> None:
    sd, _, _ = await demo_services(handoffs_per_chat=3)
    _, claims = await start_chat(sd)
    for _ in range(3):
        await sd.handoffs.create(claims)

    with pytest.raises(Conflict) as refused:
        await sd.handoffs.create(claims)

    assert refused.value.code == "handoff_limit" and "3" in refused.value.message


async def test_the_first_device_hears_when_the_other_one_joins_and_not_when_it_rejoins_itself() -> None:
    sd, rec, _ = await demo_services()
    conv, claims = await start_chat(sd)
    await rec.watch(f"conversation:{conv.id}")
    made = await sd.handoffs.create(claims)
    redeemed = await sd.handoffs.redeem(made.code, "phone")

    await sd.handoffs.device_joined(claims)  # the laptop itself reconnecting says nothing
    await sd.handoffs.device_joined(sd.chat.read_guest_token(redeemed.token))

    assert rec.of(f"conversation:{conv.id}", "handoff") == [
        {
            "type": "handoff",
            "conversationId": conv.id,
            "state": "opened",
            "device": "phone",
            "deviceId": redeemed.device_id,
        }
    ]


async def test_only_the_chat_s_agent_suggests_the_phone_and_the_customer_reads_it() -> None:
    sd, rec, _ = await demo_services()
    conv, _, dana = await connected_chat(sd)
    _, sam = await sd.access.login("agent2@demo.local", "agent")
    await rec.watch(f"conversation:{conv.id}")

    await sd.handoffs.suggest_phone(dana, conv.id)
    with pytest.raises(Forbidden):
        await sd.handoffs.suggest_phone(sam, conv.id)
    with pytest.raises(NotFound):
        await sd.handoffs.suggest_phone(dana, "c_of_nobody")

    [suggested] = rec.of(f"conversation:{conv.id}", "phoneSuggested")
    assert "phone's camera" in suggested["text"]
    assert (await sd.store.list_messages(conv.id))[-1].text == suggested["text"]
    assert isinstance(dana, Principal)

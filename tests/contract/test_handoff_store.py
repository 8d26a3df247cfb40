"""The hand-off store's contract (`ports.HandoffStore`), the same in memory, on SQLite and on PostgreSQL:
a hand-off reads back as saved, is redeemed once (of several redemptions at once, exactly one), never
after it expired, is counted per chat, and goes with its chat when the chat is purged."""

from __future__ import annotations

import asyncio
import dataclasses

from showdesk.domain.handoff import Handoff, new_code
from showdesk.services.ports import Store
from tests.support.records import MINUTE, T0, chat, organization


def handoff(conversation_id: str = "c1", ttl: int = 600) -> Handoff:
    return Handoff.create(new_code(), conversation_id, "org-a", "dep-1", T0, ttl)


async def test_a_handoff_reads_back_as_saved(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    made = handoff()

    await store.save_handoff(made)

    assert await store.get_handoff(made.id) == made
    assert await store.get_handoff("nobody") is None


async def test_a_handoff_is_redeemed_once_even_when_asked_at_once(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    made = handoff()
    await store.save_handoff(made)

    answers = await asyncio.gather(*(store.redeem_handoff(made.id, T0 + MINUTE, "phone") for _ in range(4)))
    later = await store.redeem_handoff(made.id, T0 + 2 * MINUTE, "tablet")

    assert sorted(answers) == [False, False, False, True]
    assert later is False
    assert await store.get_handoff(made.id) == dataclasses.replace(made, redeemed_at=T0 + MINUTE, device="phone")


async def test_an_expired_or_unknown_handoff_is_not_redeemed(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    made = handoff(ttl=60)
    await store.save_handoff(made)

    assert await store.redeem_handoff(made.id, T0 + MINUTE, "phone") is False  # at the moment it expires
    assert await store.redeem_handoff("nobody", T0, "phone") is False
    assert await store.get_handoff(made.id) == made


async def test_handoffs_are_counted_per_chat_and_purged_with_it(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    await store.save_conversation(chat("c2"))
    first, second = handoff("c1"), handoff("c1")
    for made in (first, second, handoff("c2")):
        await store.save_handoff(made)
    await store.redeem_handoff(first.id, T0, "phone")

    assert (await store.count_handoffs("c1"), await store.count_handoffs("c2"), await store.count_handoffs("c3")) == (
        2,
        1,
        0,
    )
    purged = await store.delete_conversations(["c1"])

    assert purged.handoffs == 2
    assert await store.get_handoff(first.id) is None and await store.get_handoff(second.id) is None
    assert await store.count_handoffs("c2") == 1

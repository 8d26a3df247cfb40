"""The conversation store's contract (`ports.ConversationStore`), the same in memory, on SQLite and on
PostgreSQL: gap-free sequence numbers given inside the write, resends that never duplicate, refusals
decided on the stored chat, `last_seq` moved by appends only, and the order of every list."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from showdesk.domain.errors import Conflict, Forbidden, NotFound
from showdesk.services.ports import Store
from tests.support.records import MINUTE, T0, agent_says, chat, customer_says, organization, system_says


async def test_a_chat_reads_back_as_saved_and_an_unknown_one_is_none(store: Store) -> None:
    await organization(store)
    saved = chat("c1", state="ended", agent_id="agent-1")
    saved.ended_at, saved.ended_by, saved.end_reason = T0 + 5 * MINUTE, "agent", "resolved"
    await store.save_conversation(saved)

    assert await store.get_conversation("c1") == saved
    assert await store.get_conversation("nobody") is None


async def test_messages_get_the_next_numbers_in_order_and_the_chat_its_last_one(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))

    stored = [await store.append_message(customer_says("c1", f"hello {n}", f"k{n}")) for n in range(3)]

    assert [(m.seq, m.text, fresh) for m, fresh in stored] == [
        (1, "hello 0", True),
        (2, "hello 1", True),
        (3, "hello 2", True),
    ]
    assert len({m.id for m, _ in stored}) == 3
    assert await store.list_messages("c1") == [m for m, _ in stored]
    found = await store.get_conversation("c1")
    assert found is not None and found.last_seq == 3


async def test_a_message_reads_back_as_written(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1", state="connected", agent_id="agent-1"))
    new = agent_says("c1", "agent-1", "Here is the photo ✓", "k1", at=T0 + MINUTE)
    new.attachment = {"photoId": "p1", "width": 32, "kind": "capture"}

    message, _ = await store.append_message(new)

    assert message == new.stored_as(message.id, 1)
    assert await store.list_messages("c1") == [message]
    assert message.created_at.utcoffset() is not None


async def test_a_system_line_keeps_its_notice(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1", state="connected", agent_id="agent-1"))
    new = system_says("c1", "Sam joined the chat.", "k1")
    new.notice = {"code": "agent_joined", "params": {"name": "Sam"}}

    message, _ = await store.append_message(new)

    assert message.notice == {"code": "agent_joined", "params": {"name": "Sam"}}
    assert await store.list_messages("c1") == [message]
    assert message.to_wire()["notice"] == {"code": "agent_joined", "params": {"name": "Sam"}}


async def test_appends_at_once_from_both_sides_get_every_number_once(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1", state="connected", agent_id="agent-1"))
    news = [
        customer_says("c1", f"c{n}", f"c{n}") if n % 2 else agent_says("c1", "agent-1", f"a{n}", f"a{n}")
        for n in range(40)
    ]

    stored = await asyncio.gather(*(store.append_message(new) for new in news))

    assert sorted(m.seq for m, _ in stored) == list(range(1, 41))
    listed = await store.list_messages("c1")
    assert [m.seq for m in listed] == list(range(1, 41))
    assert {m.text for m in listed} == {new.text for new in news}


async def test_a_resend_returns_the_stored_message_and_stores_nothing(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1", state="connected", agent_id="agent-1"))
    first, fresh = await store.append_message(customer_says("c1", "hello", "k1"))

    again, again_fresh = await store.append_message(customer_says("c1", "hello, edited", "k1", at=T0 + MINUTE))

    assert fresh and not again_fresh
    assert again == first  # the stored text and time, not the resent ones
    assert await store.list_messages("c1") == [first]
    found = await store.get_conversation("c1")
    assert found is not None and found.last_seq == 1


async def test_the_same_client_id_from_another_sender_is_another_message(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1", state="connected", agent_id="agent-1"))

    by_customer, _ = await store.append_message(customer_says("c1", "hi", "same"))
    by_agent, agent_fresh = await store.append_message(agent_says("c1", "agent-1", "hi", "same"))
    by_system, system_fresh = await store.append_message(system_says("c1", "Alex joined", "same"))

    assert agent_fresh and system_fresh
    assert [by_customer.seq, by_agent.seq, by_system.seq] == [1, 2, 3]


async def test_a_resend_sent_twice_at_once_is_stored_once(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))

    results = await asyncio.gather(*(store.append_message(customer_says("c1", "hello", "k1")) for _ in range(5)))

    assert sorted(fresh for _, fresh in results) == [False, False, False, False, True]
    assert len({m.id for m, _ in results}) == 1
    assert len(await store.list_messages("c1")) == 1


async def test_an_ended_chat_refuses_the_customer_and_the_agent_but_takes_a_notice(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1", state="connected", agent_id="agent-1"))
    sent, _ = await store.append_message(customer_says("c1", "bye", "k1"))
    ended = chat("c1", state="ended", agent_id="agent-1")
    await store.save_conversation(ended)

    with pytest.raises(Conflict) as customer:
        await store.append_message(customer_says("c1", "one more thing", "k2"))
    with pytest.raises(Conflict) as agent:
        await store.append_message(agent_says("c1", "agent-1", "wait", "k3"))
    notice, _ = await store.append_message(system_says("c1", "The chat has ended", "end"))
    resent, fresh = await store.append_message(customer_says("c1", "bye", "k1"))

    assert customer.value.code == agent.value.code == "chat_ended"
    assert notice.seq == 2  # refusals took no number
    assert (resent, fresh) == (sent, False)  # what was stored before the end is still answered


@pytest.mark.parametrize("state", ["queued", "offered", "connected"])
async def test_only_the_chats_own_agent_may_write_into_it(store: Store, state: str) -> None:
    await organization(store)
    await store.save_conversation(chat("c1", state=state, agent_id="agent-1" if state == "connected" else None))

    with pytest.raises(Forbidden) as refused:
        await store.append_message(agent_says("c1", "agent-2", "mine now", "k1"))

    assert refused.value.code == "not_your_conversation"
    assert await store.list_messages("c1") == []


async def test_the_refusal_follows_the_stored_chat_not_the_callers_copy(store: Store) -> None:
    await organization(store)
    mine = chat("c1", state="connected", agent_id="agent-1")
    await store.save_conversation(mine)
    await store.save_conversation(chat("c1", state="queued"))  # taken back into the line meanwhile

    with pytest.raises(Forbidden):
        await store.append_message(agent_says("c1", "agent-1", "still here?", "k1"))


async def test_a_message_into_a_chat_that_does_not_exist_is_refused(store: Store) -> None:
    await organization(store)

    with pytest.raises(NotFound) as refused:
        await store.append_message(customer_says("nobody", "hello", "k1"))

    assert refused.value.code == "conversation_not_found"


async def test_saving_a_chat_read_before_some_messages_keeps_their_numbers(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    stale = await store.get_conversation("c1")
    assert stale is not None and stale.last_seq == 0
    await store.append_message(customer_says("c1", "one", "k1"))
    await store.append_message(customer_says("c1", "two", "k2"))

    stale.state, stale.agent_id = "connected", "agent-1"
    await store.save_conversation(stale)
    after, _ = await store.append_message(customer_says("c1", "three", "k3"))

    found = await store.get_conversation("c1")
    assert found is not None and (found.state, found.last_seq) == ("connected", 3)
    assert after.seq == 3


async def test_messages_after_a_number_and_the_latest_few(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    for n in range(1, 6):
        await store.append_message(customer_says("c1", f"m{n}", f"k{n}"))

    async def seqs(after: int = 0, limit: int | None = None) -> list[int]:
        return [m.seq for m in await store.list_messages("c1", after_seq=after, limit=limit)]

    assert await seqs(after=2) == [3, 4, 5]
    assert await seqs(limit=2) == [4, 5]  # the latest two, oldest first
    assert await seqs(after=1, limit=10) == [2, 3, 4, 5]
    assert await seqs(limit=0) == []
    assert await seqs(after=5) == []
    assert await store.list_messages("nobody") == []


async def test_open_chats_longest_waiting_first_with_their_numbers(store: Store) -> None:
    await organization(store)
    await organization(store, "org-b")
    await store.save_conversation(chat("late", enqueued_at=T0 + 3 * MINUTE))
    await store.save_conversation(chat("early", "org-b", state="offered", enqueued_at=T0))
    await store.save_conversation(chat("middle", state="connected", agent_id="agent-1", enqueued_at=T0 + MINUTE))
    await store.save_conversation(chat("ended", state="ended", enqueued_at=T0 - MINUTE))
    await store.save_conversation(chat("abandoned", state="abandoned", enqueued_at=T0 - MINUTE))
    await store.append_message(customer_says("middle", "hello", "k1"))

    found = await store.list_open_conversations()

    assert [c.id for c in found] == ["early", "middle", "late"]
    assert [c.last_seq for c in found] == [0, 1, 0]


async def test_an_agents_connected_chats_oldest_first_with_their_numbers(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("second", state="connected", agent_id="agent-1", enqueued_at=T0 + MINUTE))
    await store.save_conversation(chat("first", state="connected", agent_id="agent-1", enqueued_at=T0))
    await store.save_conversation(chat("other-agent", state="connected", agent_id="agent-2"))
    await store.save_conversation(chat("over", state="ended", agent_id="agent-1"))
    await store.save_conversation(chat("waiting", state="queued"))
    await store.append_message(customer_says("second", "hello", "k1"))

    found = await store.list_agent_conversations("agent-1")

    assert [(c.id, c.last_seq) for c in found] == [("first", 0), ("second", 1)]
    assert await store.list_agent_conversations("agent-3") == []


async def test_what_a_caller_changes_in_a_read_chat_or_message_stays_out_of_the_store(store: Store) -> None:
    await organization(store)
    saved = chat("c1")
    await store.save_conversation(saved)
    saved.state = "ended"  # after the save
    found = await store.get_conversation("c1")
    assert found is not None and found.state == "queued"
    assert found.video is not None
    found.video["mode"] = "changed"

    again = await store.get_conversation("c1")
    assert again is not None and again.video == chat("c1").video
    assert dataclasses.replace(again, last_seq=0) == chat("c1")

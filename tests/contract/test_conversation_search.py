"""Searching conversations (`ConversationStore.search_conversations`), the same in memory, on SQLite (FTS5)
and on PostgreSQL (tsvector): newest first, pages that neither repeat nor skip, every filter, and words
found as the starts of a message's words, every word in one message."""

from __future__ import annotations

import dataclasses

import pytest

from showdesk.adapters.storage.sql import SqlStore
from showdesk.domain.history import ConversationQuery, Cursor, search_words
from showdesk.services.ports import Store
from tests.contract.test_photo_store import PNG
from tests.support.records import MINUTE, T0, agent_says, chat, customer_says, organization, photo, video_session


async def _five_chats(store: Store) -> None:
    """c0 oldest ... c4 newest; c1 and c3 taken by agent-1, c3 ended; c2 in queue-2; c1 had video, c3 a photo."""
    await organization(store)
    await organization(store, "org-b")
    for n in range(5):
        conv = chat(f"c{n}", enqueued_at=T0 + n * MINUTE)
        if n in (1, 3):
            conv = chat(f"c{n}", state="connected", agent_id="agent-1", enqueued_at=T0 + n * MINUTE)
        if n == 2:
            conv.queue_id = "queue-2"
        await store.save_conversation(conv)
    await store.save_conversation(chat("other-org", "org-b", enqueued_at=T0 + 9 * MINUTE))
    await store.append_message(customer_says("c0", "My Kettle will not heat up", "k1"))
    await store.append_message(customer_says("c1", "The kettle lid is stuck", "k1"))
    await store.append_message(agent_says("c1", "agent-1", "Is the lid clean?", "a1"))
    await store.append_message(customer_says("c2", "heating is slow", "k1"))
    await store.append_message(customer_says("other-org", "kettle kettle kettle", "k1"))
    await store.save_video_session(video_session("v1", "c1"))
    await store.add_photo(photo("p1", "c3", "r1"), PNG)
    ended = chat("c3", state="ended", agent_id="agent-1", enqueued_at=T0 + 3 * MINUTE)
    ended.ended_at, ended.ended_by = T0 + 8 * MINUTE, "agent"
    await store.save_conversation(ended)


def _ids(found: list) -> list[str]:  # type: ignore[type-arg]
    return [summary.conversation.id for summary in found]


async def test_an_organization_s_conversations_come_newest_first_with_what_they_hold(store: Store) -> None:
    await _five_chats(store)

    found = await store.search_conversations(ConversationQuery("org-a"))

    assert _ids(found) == ["c4", "c3", "c2", "c1", "c0"]  # never another organization's
    by_id = {summary.conversation.id: summary for summary in found}
    assert (by_id["c1"].has_video, by_id["c1"].has_photo, by_id["c1"].conversation.last_seq) == (True, False, 2)
    assert (by_id["c3"].has_video, by_id["c3"].has_photo, by_id["c3"].conversation.state) == (False, True, "ended")
    assert by_id["c4"].conversation.last_seq == 0


async def test_pages_follow_each_other_without_a_repeat_or_a_gap(store: Store) -> None:
    await _five_chats(store)
    await store.save_conversation(dataclasses.replace(chat("c2b", enqueued_at=T0 + 2 * MINUTE)))  # same time as c2

    seen: list[str] = []
    after = None
    while True:
        page = await store.search_conversations(ConversationQuery("org-a", after=after, limit=2))
        seen += _ids(page)
        if len(page) < 2:
            break
        last = page[-1].conversation
        after = Cursor.decode(Cursor(last.created_at, last.id).encode())  # through the wire form

    assert seen == ["c4", "c3", "c2b", "c2", "c1", "c0"]


async def test_each_filter_narrows_the_search(store: Store) -> None:
    await _five_chats(store)

    async def ids(**filters: object) -> list[str]:
        return _ids(await store.search_conversations(ConversationQuery("org-a", **filters)))  # type: ignore[arg-type]

    assert await ids(since=T0 + MINUTE, until=T0 + 3 * MINUTE) == ["c2", "c1"]
    assert await ids(queue_id="queue-2") == ["c2"]
    assert await ids(agent_id="agent-1") == ["c3", "c1"]
    assert await ids(states=("ended",)) == ["c3"]
    assert await ids(states=("queued", "offered")) == ["c4", "c2", "c0"]
    assert await ids(has_video=True) == ["c1"]
    assert await ids(has_video=False) == ["c4", "c3", "c2", "c0"]
    assert await ids(has_photo=True) == ["c3"]
    assert await ids(agent_id="agent-1", has_photo=False) == ["c1"]


async def test_words_are_found_as_word_starts_all_in_one_message(store: Store) -> None:
    await _five_chats(store)

    async def ids(text: str) -> list[str]:
        return _ids(await store.search_conversations(ConversationQuery("org-a", words=search_words(text))))

    assert await ids("kettle") == ["c1", "c0"]  # any case; never the other organization's
    assert await ids("KETTL") == ["c1", "c0"]  # the start of a word
    assert await ids("heat") == ["c2", "c0"]  # "heat" and "heating"
    assert await ids("eat") == []  # the middle of a word is not its start
    assert await ids("kettle lid") == ["c1"]  # every word, in one message
    assert await ids("kettle clean") == []  # the two words are in two messages of c1
    assert await ids("lid clean") == ["c1"]
    assert await ids("kettle, heat!") == ["c0"]  # punctuation is not searched
    assert await ids("kettle") == await ids("kettle kettle")


@pytest.mark.parametrize(("few_hits", "newest_step"), [(1, 1), (1, 2), (1, 1000), (1000, 1000)])
async def test_common_and_rare_words_find_the_same_on_a_database(
    sql_store: SqlStore, few_hits: int, newest_step: int
) -> None:
    """A database reads a word's few conversations by id; for a common word PostgreSQL walks the newest
    conversations and SQLite reads the newest matching messages step by step."""
    await _five_chats(sql_store)
    await sql_store.append_message(customer_says("c0", "kettle again", "k2"))  # the oldest chat, spoken in last
    sql_store.few_hits, sql_store.newest_step = few_hits, newest_step

    async def ids(text: str, **filters: object) -> list[str]:
        query = ConversationQuery("org-a", words=search_words(text), **filters)  # type: ignore[arg-type]
        return _ids(await sql_store.search_conversations(query))

    assert await ids("kettle") == ["c1", "c0"]
    assert await ids("kettle", limit=1) == ["c1"]
    assert await ids("kettle lid") == ["c1"]
    assert await ids("heat", limit=1) == ["c2"]
    assert await ids("kettle", states=("queued",)) == ["c0"]
    assert await ids("nothing") == []

"""Wrap-up codes and wrapped-up chats in every store (memory, SQLite, PostgreSQL): codes listed by name, a
name once per organization; a chat's wrap-up and transfers read back as saved; the ended chats still
waiting for their agent's wrap-up; and the day's wrap-ups counted by code, one organization at a time."""

from __future__ import annotations

import pytest

from showdesk.domain.errors import Conflict
from showdesk.domain.wrapup import WrapupCode
from showdesk.services.ports import Store
from tests.support.records import MINUTE, T0, chat, organization


async def test_codes_are_listed_by_name_and_a_name_is_taken_once_per_organization(store: Store) -> None:
    await organization(store)
    await organization(store, "org-b")
    for code in (WrapupCode("w2", "org-a", "Resolved"), WrapupCode("w1", "org-a", "Needs follow-up")):
        await store.save_wrapup_code(code)
    await store.save_wrapup_code(WrapupCode("w3", "org-b", "Resolved"))  # another organization's own

    assert [c.name for c in await store.list_wrapup_codes("org-a")] == ["Needs follow-up", "Resolved"]
    with pytest.raises(Conflict):
        await store.save_wrapup_code(WrapupCode("w4", "org-a", "Resolved"))
    await store.delete_wrapup_code("w1")
    assert await store.get_wrapup_code("w1") is None
    assert await store.get_wrapup_code("w2") == WrapupCode("w2", "org-a", "Resolved")


async def test_a_chat_s_wrap_up_and_transfers_read_back_and_unwrapped_ones_are_found(store: Store) -> None:
    await organization(store)
    await organization(store, "org-b")
    done, waiting, old, other = (chat(c, state="ended", agent_id="agent-1") for c in ("c1", "c2", "c3", "c4"))
    done.ended_at, waiting.ended_at, old.ended_at = T0 + MINUTE, T0 + 2 * MINUTE, T0 - 60 * MINUTE
    other.ended_at, other.agent_id = T0 + MINUTE, "agent-2"
    done.wrapup_code_id, done.wrapup_name, done.wrapup_note, done.wrapped_up_at = (
        "w1",
        "Resolved",
        "ok",
        T0 + 3 * MINUTE,
    )
    done.transfers = [{"fromAgentId": "agent-0", "queueId": "q1", "note": "over to you"}]
    for conv in (done, waiting, old, other):
        await store.save_conversation(conv)
    elsewhere = chat("c5", "org-b", state="ended", agent_id="agent-9")
    elsewhere.ended_at, elsewhere.wrapup_name, elsewhere.wrapped_up_at = T0, "Resolved", T0 + MINUTE
    await store.save_conversation(elsewhere)

    assert await store.get_conversation("c1") == done
    assert [c.id for c in await store.list_unwrapped_conversations("agent-1", T0)] == ["c2"]
    assert await store.count_wrapups("org-a", T0) == {"Resolved": 1}
    assert await store.count_wrapups("org-a", T0 + 4 * MINUTE) == {}

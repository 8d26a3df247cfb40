"""The photo store's contract (`ports.PhotoStore`), the same in memory, on SQLite and on PostgreSQL: one
photo per request (a retried upload, even at once, gives back the first), its bytes apart and as given,
a chat's photos oldest first, one deleted with its bytes (photo mode's stills replace each other)."""

from __future__ import annotations

import asyncio
import dataclasses

from showdesk.services.ports import Store
from tests.support.records import MINUTE, T0, chat, organization, photo

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


async def test_a_photo_and_its_bytes_read_back_as_stored(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    mark_up = dataclasses.replace(photo("p1", "c1", "r1"), kind="annotated", session_id="v1", annotates="p0")

    stored, fresh = await store.add_photo(mark_up, PNG)

    assert (stored, fresh) == (mark_up, True)
    assert await store.get_photo("p1") == mark_up
    assert await store.photo_for_request("c1", "r1") == mark_up
    assert await store.get_photo_data("p1") == PNG
    assert (await store.get_photo("nobody"), await store.get_photo_data("nobody")) == (None, None)
    assert await store.photo_for_request("c1", "r2") is None


async def test_a_request_stores_one_photo_however_often_it_is_sent(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    first, _ = await store.add_photo(photo("p1", "c1", "r1"), PNG)

    again, fresh = await store.add_photo(photo("p2", "c1", "r1", at=T0 + MINUTE), b"other bytes")
    at_once = await asyncio.gather(*(store.add_photo(photo(f"q{n}", "c1", "r2"), PNG) for n in range(4)))

    assert (again, fresh) == (first, False)
    assert await store.get_photo_data("p1") == PNG and await store.get_photo("p2") is None
    assert sorted(fresh for _, fresh in at_once) == [False, False, False, True]
    assert len({p.id for p, _ in at_once}) == 1
    assert [p.request_id for p in await store.list_photos("c1")] == ["r1", "r2"]


async def test_the_same_request_in_another_chat_is_another_photo(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    await store.save_conversation(chat("c2"))
    await store.add_photo(photo("p1", "c1", "r1"), PNG)

    _, fresh = await store.add_photo(photo("p2", "c2", "r1"), PNG)

    assert fresh
    assert [p.id for p in await store.list_photos("c2")] == ["p2"]


async def test_a_chats_photos_oldest_first(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    await store.save_conversation(chat("c2"))
    await store.add_photo(photo("p-late", "c1", "r1", at=T0 + 2 * MINUTE), PNG)
    await store.add_photo(photo("p-b", "c1", "r2", at=T0), PNG)
    await store.add_photo(photo("p-a", "c1", "r3", at=T0), PNG)  # the same time: by id
    await store.add_photo(photo("p-other", "c2", "r4", at=T0 - MINUTE), PNG)

    assert [p.id for p in await store.list_photos("c1")] == ["p-a", "p-b", "p-late"]
    assert await store.list_photos("nobody") == []


async def test_a_deleted_photo_is_gone_with_its_bytes_and_the_others_stay(store: Store) -> None:
    await organization(store)
    await store.save_conversation(chat("c1"))
    await store.add_photo(photo("p1", "c1", "still:v1:1"), PNG)
    await store.add_photo(photo("p2", "c1", "still:v1:2", at=T0 + MINUTE), PNG)

    await store.delete_photo("p1")
    await store.delete_photo("nobody")  # nothing to delete: no error

    assert (await store.get_photo("p1"), await store.get_photo_data("p1")) == (None, None)
    assert await store.photo_for_request("c1", "still:v1:1") is None
    assert [p.id for p in await store.list_photos("c1")] == ["p2"]
    assert await store.get_photo_data("p2") == PNG

"""The canned response store's contract (`ports.CannedResponseStore`), the same in memory, on SQLite and on
PostgreSQL: a response reads back as saved, a list holds the organization's ones and the named user's own
(never another user's or another organization's), by title whatever its case, and a delete removes one."""

from __future__ import annotations

import dataclasses

from showdesk.domain.canned_responses import CannedResponse
from showdesk.domain.directory import User
from showdesk.services.ports import Store
from tests.support.records import MINUTE, T0, organization


async def people(store: Store) -> None:
    await organization(store, "org-a")
    await organization(store, "org-b")
    for user_id, org in (("u-ann", "org-a"), ("u-bo", "org-a"), ("u-cy", "org-b")):
        await store.save_user(User(user_id, org, f"{user_id}@x.test", user_id, ""))


def response(response_id: str, title: str, owner: str | None = None, org: str = "org-a") -> CannedResponse:
    return CannedResponse(response_id, org, owner, title, f"Hello {{customer.name}}, {title}", T0, T0 + MINUTE)


async def test_a_canned_response_reads_back_as_saved_and_changes_in_place(store: Store) -> None:
    await people(store)
    made = response("cr-1", "Greeting", owner="u-ann")

    await store.save_canned_response(made)
    assert await store.get_canned_response("cr-1") == made
    assert await store.get_canned_response("nobody") is None

    changed = dataclasses.replace(made, title="Greeting (short)", text="Hi!", updated_at=T0 + 2 * MINUTE)
    await store.save_canned_response(changed)
    assert await store.get_canned_response("cr-1") == changed


async def test_a_list_holds_the_organization_s_and_the_user_s_own_by_title(store: Store) -> None:
    await people(store)
    for made in (
        response("cr-1", "refund"),
        response("cr-2", "Greeting"),
        response("cr-3", "apology", owner="u-ann"),
        response("cr-4", "Bye", owner="u-bo"),
        response("cr-5", "Elsewhere", org="org-b"),
        response("cr-6", "Theirs", owner="u-cy", org="org-b"),
    ):
        await store.save_canned_response(made)

    def ids(found: list[CannedResponse]) -> list[str]:
        return [r.id for r in found]

    assert ids(await store.list_canned_responses("org-a", "u-ann")) == ["cr-3", "cr-2", "cr-1"]
    assert ids(await store.list_canned_responses("org-a", "u-bo")) == ["cr-4", "cr-2", "cr-1"]
    assert ids(await store.list_canned_responses("org-a", None)) == ["cr-2", "cr-1"]
    assert ids(await store.list_canned_responses("org-a", "u-cy")) == ["cr-2", "cr-1"]
    assert ids(await store.list_canned_responses("org-b", "u-cy")) == ["cr-5", "cr-6"]


async def test_a_deleted_canned_response_is_gone_and_the_others_stay(store: Store) -> None:
    await people(store)
    await store.save_canned_response(response("cr-1", "Greeting"))
    await store.save_canned_response(response("cr-2", "Bye"))

    await store.delete_canned_response("cr-1")
    await store.delete_canned_response("nobody")

    assert await store.get_canned_response("cr-1") is None
    assert [r.id for r in await store.list_canned_responses("org-a", None)] == ["cr-2"]

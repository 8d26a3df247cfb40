"""Canned responses: their checks and search, placeholders filled, and who may read and change which (on the
in-memory services): the organization's with Canned Responses > Manage, audited; an agent's own only by them."""

from __future__ import annotations

import pytest

from showdesk.domain.canned_responses import (
    MAX_PERSONAL_RESPONSES,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    CannedResponse,
    checked_text,
    checked_title,
    fill,
    matches,
)
from showdesk.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from showdesk.services.canned_responses import CannedChanges
from tests.support.memory import demo_services
from tests.support.records import T0, chat


def test_only_the_two_placeholders_are_filled_and_others_stay_as_typed() -> None:
    text = "Hi {customer.name}, {agent.name} here. {customer.email} {Customer.Name} {customer.name"
    assert fill(text, "Casey", "Dana") == "Hi Casey, Dana here. {customer.email} {Customer.Name} {customer.name"
    assert fill("{agent.name}{agent.name}", "C", "D") == "DD"
    # a name holding a placeholder is not filled again, and its braces stay text
    assert fill("Hello {customer.name}", "{agent.name}", "Dana") == "Hello {agent.name}"
    assert fill("no placeholders", "C", "D") == "no placeholders"


def test_titles_and_texts_are_trimmed_and_sized() -> None:
    assert checked_title("  Greeting ") == "Greeting"
    assert checked_text("\n Hello there \n") == "Hello there"
    for bad in ("", "   ", "x" * (MAX_TITLE_CHARS + 1), "two\nlines", "tab\there", "nul\x00"):
        with pytest.raises(InvalidInput) as refused:
            checked_title(bad)
        assert refused.value.code == "invalid_title"
    for bad in ("", " \n ", "x" * (MAX_TEXT_CHARS + 1), "nul\x00"):
        with pytest.raises(InvalidInput) as refused:
            checked_text(bad)
        assert refused.value.code == "invalid_text"


def test_a_search_finds_every_word_in_the_title_or_the_text_in_any_case() -> None:
    greeting = CannedResponse("cr", "org", None, "Greeting", "Hello {customer.name}, how can I help?", T0, T0)
    assert matches(greeting, "gre") and matches(greeting, "HELP gree") and matches(greeting, "")
    assert not matches(greeting, "refund") and not matches(greeting, "greet refund")


async def test_an_agent_reads_the_organization_s_and_their_own_filled_with_their_chat_s_names() -> None:
    sd, _, _ = await demo_services()
    _, admin = await sd.access.login("admin@demo.local", "admin")
    _, dana = await sd.access.login("agent@demo.local", "agent")
    _, sam = await sd.access.login("agent2@demo.local", "agent")
    await sd.canned_responses.create(admin, CannedChanges("organization", "Greeting", "Hi {customer.name}!"))
    await sd.canned_responses.create(dana, CannedChanges("personal", "Sign-off", "Bye, {agent.name}"))
    await sd.canned_responses.create(sam, CannedChanges("personal", "Sam's", "Sam's own"))
    await sd.store.save_conversation(chat("c1", "demo", state="connected", agent_id=dana.user.id))

    found = await sd.canned_responses.find(dana, None, "c1")
    assert [(f.response.title, f.response.scope.value, f.filled) for f in found] == [
        ("Greeting", "organization", "Hi Casey!"),
        ("Sign-off", "personal", "Bye, Dana Agent"),
    ]
    assert [f.response.title for f in await sd.canned_responses.find(dana, "bye", None)] == ["Sign-off"]
    assert all(f.filled is None for f in await sd.canned_responses.find(dana, None, None))
    with pytest.raises(Forbidden):  # another agent's chat fills nothing
        await sd.canned_responses.find(sam, None, "c1")
    with pytest.raises(InvalidInput):
        await sd.canned_responses.find(dana, "x" * 101, None)


async def test_who_may_change_which() -> None:
    sd, _, _ = await demo_services()
    _, admin = await sd.access.login("admin@demo.local", "admin")
    _, supervisor = await sd.access.login("supervisor@demo.local", "supervisor")
    _, dana = await sd.access.login("agent@demo.local", "agent")
    _, sam = await sd.access.login("agent2@demo.local", "agent")
    _, architect = await sd.access.login("architect@demo.local", "architect")

    with pytest.raises(Forbidden) as refused:
        await sd.canned_responses.create(dana, CannedChanges("organization", "Greeting", "Hi"))
    assert refused.value.code == "permission_denied"
    with pytest.raises(Forbidden):
        await sd.canned_responses.find(architect, None, None)
    shared = await sd.canned_responses.create(supervisor, CannedChanges("organization", "Greeting", "Hi"))
    own = await sd.canned_responses.create(dana, CannedChanges("personal", "Mine", "Mine"))

    with pytest.raises(Forbidden):
        await sd.canned_responses.update(dana, shared.id, CannedChanges(text="Changed"))
    with pytest.raises(Forbidden):
        await sd.canned_responses.delete(dana, shared.id)
    for attempt in (
        sd.canned_responses.update(sam, own.id, CannedChanges(text="Changed")),
        sd.canned_responses.delete(sam, own.id),
        sd.canned_responses.delete(admin, own.id),  # not even an administrator sees an agent's own
    ):
        with pytest.raises(NotFound) as hidden:
            await attempt
        assert hidden.value.code == "canned_response_not_found"
    assert [f.response.id for f in await sd.canned_responses.find(sam, None, None)] == [shared.id]

    changed = await sd.canned_responses.update(dana, own.id, CannedChanges(text="  Mine, changed "))
    assert (changed.title, changed.text) == ("Mine", "Mine, changed")
    await sd.canned_responses.update(admin, shared.id, CannedChanges(title="Hello"))
    await sd.canned_responses.delete(admin, shared.id)
    assert [f.response.title for f in await sd.canned_responses.find(dana, None, None)] == ["Mine"]


async def test_organization_changes_are_audited_and_personal_ones_are_not() -> None:
    sd, _, _ = await demo_services()
    _, admin = await sd.access.login("admin@demo.local", "admin")
    _, dana = await sd.access.login("agent@demo.local", "agent")
    shared = await sd.canned_responses.create(admin, CannedChanges("organization", "Greeting", "Hi"))
    await sd.canned_responses.update(admin, shared.id, CannedChanges(text="Hello"))
    await sd.canned_responses.delete(admin, shared.id)
    own = await sd.canned_responses.create(dana, CannedChanges("personal", "Mine", "Mine"))
    await sd.canned_responses.delete(dana, own.id)

    logged = {e.action: e for e in await sd.audit.entries_as(admin, "canned_response", None, 10)}
    assert sorted(logged) == ["canned_response.create", "canned_response.delete", "canned_response.update"]
    assert {e.target_name for e in logged.values()} == {"Greeting"}
    update = logged["canned_response.update"]
    assert update.before is not None and update.after is not None
    assert (update.before["text"], update.after["text"]) == ("Hi", "Hello")


async def test_a_title_is_taken_once_per_scope_and_the_number_kept_is_limited() -> None:
    sd, _, _ = await demo_services()
    _, admin = await sd.access.login("admin@demo.local", "admin")
    _, dana = await sd.access.login("agent@demo.local", "agent")
    await sd.canned_responses.create(admin, CannedChanges("organization", "Greeting", "Hi"))
    await sd.canned_responses.create(dana, CannedChanges("personal", "greeting", "My own hi"))  # another scope
    with pytest.raises(Conflict) as taken:
        await sd.canned_responses.create(admin, CannedChanges("organization", "GREETING", "Hi again"))
    assert taken.value.code == "canned_response_exists"
    with pytest.raises(InvalidInput) as unknown:
        await sd.canned_responses.create(admin, CannedChanges("team", "Team", "Hi"))
    assert unknown.value.code == "invalid_scope"

    for n in range(MAX_PERSONAL_RESPONSES - 1):
        await sd.canned_responses.create(dana, CannedChanges("personal", f"Mine {n}", "text"))
    with pytest.raises(Conflict) as full:
        await sd.canned_responses.create(dana, CannedChanges("personal", "One more", "text"))
    assert full.value.code == "canned_response_limit"

"""The interaction search's rules, as the domain reads them: cursors that only this server makes, the
words of a search, the states a person asks for, and who may search what."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from showdesk.domain.errors import Forbidden, InvalidInput
from showdesk.domain.history import Cursor, search_words, states_for, text_matches
from showdesk.domain.rate_limit import RateLimited
from showdesk.services.history import HistorySearch
from tests.support.memory import demo_services


def test_a_cursor_reads_back_as_made_and_anything_else_is_refused() -> None:
    cursor = Cursor(datetime(2026, 12, 4, 9, 30, 0, 5, tzinfo=UTC), "c_0193")
    assert Cursor.decode(cursor.encode()) == cursor
    for forged in ("", "%%%", "bm90IGEgY3Vyc29y", Cursor(datetime(2026, 12, 4), "c").encode()[:-4]):
        with pytest.raises(InvalidInput) as refused:
            Cursor.decode(forged)
        assert refused.value.code == "invalid_cursor"


def test_the_words_of_a_search_are_its_letters_and_digits_once_each_lower_case() -> None:
    assert search_words("Kettle, kettle: 2.0 LID?") == ("kettle", "2", "0", "lid")
    assert search_words(None) == () and search_words("") == ()
    for bad in ("?!", "a b c d e f g h i", "x" * 41):
        with pytest.raises(InvalidInput) as refused:
            search_words(bad)
        assert refused.value.code == "invalid_query"


def test_word_starts_match_and_middles_do_not() -> None:
    assert text_matches(("kett", "lid"), "The KETTLE's lid")
    assert not text_matches(("ettle",), "kettle")
    assert not text_matches(("kettle", "heat"), "kettle only")


def test_the_states_a_person_asks_for_are_the_stored_ones() -> None:
    assert states_for(["waiting", "ended"]) == ("queued", "offered", "ended")
    with pytest.raises(InvalidInput):
        states_for(["lost"])


async def test_who_may_search_what() -> None:
    sd, _, _ = await demo_services()
    _, dana = await sd.access.login("agent@demo.local", "agent")
    _, sam = await sd.access.login("agent2@demo.local", "agent")
    _, architect = await sd.access.login("architect@demo.local", "architect")
    _, supervisor = await sd.access.login("supervisor@demo.local", "supervisor")
    assert (await sd.history.search(supervisor, HistorySearch(agent_id=dana.user.id))).entities == []
    assert (await sd.history.search(dana, HistorySearch())).next_cursor is None  # their own: none yet
    with pytest.raises(Forbidden):
        await sd.history.search(sam, HistorySearch(agent_id=dana.user.id))
    with pytest.raises(Forbidden):
        await sd.history.search(architect, HistorySearch())
    with pytest.raises(InvalidInput) as backwards:
        when = datetime(2026, 12, 4, 10, 0)
        await sd.history.search(supervisor, HistorySearch(since=when, until=when))
    assert backwards.value.code == "invalid_time_range"


async def test_each_user_s_searches_are_limited_and_told_when_to_try_again() -> None:
    sd, _, _ = await demo_services(searches_per_user=2)
    _, supervisor = await sd.access.login("supervisor@demo.local", "supervisor")
    _, dana = await sd.access.login("agent@demo.local", "agent")
    for _ in range(2):
        await sd.history.search(supervisor, HistorySearch())
    with pytest.raises(RateLimited) as slowed:
        await sd.history.search(supervisor, HistorySearch())
    assert slowed.value.retry_after is not None and slowed.value.retry_after > 0
    assert "try again" in slowed.value.message
    await sd.history.search(dana, HistorySearch())  # another user's allowance is their own

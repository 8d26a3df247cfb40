"""Exports: a list read page after page holds every match once, newest first, up to the limit (and says when
the limit cut it); it is refused as the search would be; CSV cells are never formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from showdesk.domain.conversation import Conversation
from showdesk.domain.errors import Forbidden
from showdesk.services.exports import EXPORT_PAGE
from showdesk.services.history import HistorySearch
from showdesk.transport.export_files import csv_rows, safe_cell
from tests.support.memory import demo_services

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


async def _exported(limit: int, count: int) -> tuple[list[str], list[str], bool]:
    sd, _, _ = await demo_services(export_max_conversations=limit)
    _, boss = await sd.access.login("supervisor@demo.local", "supervisor")
    queue = (await sd.store.list_queues("demo"))[0]
    made = []
    for n in range(count):
        conv = Conversation(f"c_{n:04}", "demo", "demo-webchat", f"Customer {n}", START + timedelta(seconds=n // 2))
        conv.queue_id = queue.id
        await sd.store.save_conversation(conv)
        made.append(conv.id)
    newest_first = sorted(made, key=lambda cid: (START + timedelta(seconds=int(cid[2:]) // 2), cid), reverse=True)
    export = await sd.exports.conversations(boss, HistorySearch())
    found = [line async for page in export.pages() for line in page]
    assert {line.queue_name for line in found} <= {queue.name}  # named as the queue is called now
    return [line.summary.conversation.id for line in found], newest_first, export.complete


@pytest.mark.parametrize(
    ("limit", "count", "complete"),
    [(1000, 2 * EXPORT_PAGE + 30, True), (EXPORT_PAGE + 7, 2 * EXPORT_PAGE, False), (EXPORT_PAGE, EXPORT_PAGE, True)],
)
async def test_a_list_is_read_page_after_page_up_to_its_limit(limit: int, count: int, complete: bool) -> None:
    seen, newest_first, done = await _exported(limit, count)
    assert seen == newest_first[:limit]  # every one once, in order, across pages (two started each second)
    assert done is complete


async def test_an_export_is_refused_as_the_search_is() -> None:
    sd, _, _ = await demo_services()
    _, sam = await sd.access.login("agent2@demo.local", "agent")
    _, dana = await sd.access.login("agent@demo.local", "agent")
    _, architect = await sd.access.login("architect@demo.local", "architect")
    with pytest.raises(Forbidden):
        await sd.exports.conversations(sam, HistorySearch(agent_id=dana.user.id))
    with pytest.raises(Forbidden):
        await sd.exports.conversations(architect, HistorySearch())


def test_a_cell_that_could_start_a_formula_gets_a_quote_first() -> None:
    for risky in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(risky) == "'" + risky
    assert [safe_cell(v) for v in ("a=b", "", None, True, False, 3)] == ["a=b", "", "", "true", "false", "3"]
    text = csv_rows([["id", "text"], ["c_1", 'say "hi",\nthen =2']])
    assert text == 'id,text\r\nc_1,"say ""hi"",\nthen =2"\r\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["id", "text"], ["c_1", 'say "hi",\nthen =2']]

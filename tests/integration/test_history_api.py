"""GET /api/v2/conversations over a real server, on SQLite and PostgreSQL: a supervisor finds any chat of
the organization by its words, state and agent, a page at a time; an agent finds only their own; bad
filters are refused with a code and a sentence; the route is in /openapi.json."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.test_video_signaling import _connected
from tests.support.server import ServerProcess


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess(backend=backend).start()
    yield proc
    proc.cleanup()


def _search(server: ServerProcess, token: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{server.base}/api/v2/conversations", params=params, headers={"authorization": f"Bearer {token}"})


async def test_a_supervisor_finds_a_chat_by_its_words_and_an_agent_only_their_own(server: ServerProcess) -> None:
    word = f"zq{uuid.uuid4().hex[:8]}"  # a word no other test's chat has
    guest, agent, cid = await _connected(server)
    await guest.say(f"My {word.upper()} kettle clicks off")
    await agent.expect("message")
    await agent.send(type="end", conversationId=cid)
    await agent.expect("interactionEnded")

    supervisor = server.login("supervisor@demo.local", "supervisor")
    found = _search(server, supervisor, q=word[:6], state="ended")
    assert found.status_code == 200, found.text
    [line] = found.json()["entities"]
    assert (line["id"], line["customerName"], line["state"], line["endedBy"]) == (cid, "Ann", "ended", "agent")
    assert line["messages"] >= 1 and line["hasVideo"] is False and line["hasPhoto"] is False
    assert found.json()["nextCursor"] is None
    assert _search(server, supervisor, q=f"{word} heating").json()["entities"] == []  # every word, one message
    assert _search(server, supervisor, q=word, state="waiting").json()["entities"] == []

    dana_id = line["agentId"]
    dana = server.login("agent@demo.local", "agent")
    own = _search(server, dana, q=word).json()["entities"]
    assert [line["id"] for line in own] == [cid]
    sam = server.login("agent2@demo.local", "agent")
    assert _search(server, sam, q=word).json()["entities"] == []  # not Sam's chat
    refused = _search(server, sam, agentId=dana_id)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    await guest.close()
    await agent.close()


async def test_pages_come_newest_first_and_follow_each_other(server: ServerProcess) -> None:
    for _ in range(3):
        guest, agent, cid = await _connected(server)
        await agent.send(type="end", conversationId=cid)
        await agent.expect("interactionEnded")
        await guest.close()
        await agent.close()
    admin = server.login()
    everything = _search(server, admin, pageSize=100).json()["entities"]
    assert len(everything) >= 3
    started = [line["createdAt"] for line in everything]
    assert started == sorted(started, reverse=True)

    seen: list[str] = []
    cursor = None
    while True:
        page = _search(server, admin, pageSize=2, **({"cursor": cursor} if cursor else {})).json()
        seen += [line["id"] for line in page["entities"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == [line["id"] for line in everything]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"state": "lost"}, "invalid_state"),
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"from": "2026-12-04T10:00:00Z", "to": "2026-12-04T09:00:00Z"}, "invalid_time_range"),
        ({"from": "yesterday"}, "invalid_input"),
        ({"pageSize": 0}, "invalid_input"),
        ({"pageSize": 101}, "invalid_input"),
        ({"q": "!!! ???"}, "invalid_query"),
        ({"q": " ".join(f"w{n}" for n in range(9))}, "invalid_query"),
    ],
)
def test_a_filter_that_cannot_be_read_is_refused_saying_why(
    server: ServerProcess, params: dict[str, Any], code: str
) -> None:
    refused = _search(server, server.login(), **params)
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == code and refused.json()["message"]


def test_the_search_is_documented(server: ServerProcess) -> None:
    schema = httpx.get(f"{server.base}/openapi.json").json()
    operation = schema["paths"]["/api/v2/conversations"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"from", "to", "queueId", "agentId", "state", "hasVideo", "hasPhoto", "q", "cursor", "pageSize"} <= names

"""Exports over a real server, on SQLite and PostgreSQL: the conversations a search finds and one
conversation's record, as JSON and as CSV files; the search's filters and permissions hold (an agent
exports only their own chats); CSV cells a spreadsheet would run as formulas are quoted; a list stops at
`--export-max-conversations`; both routes are in /openapi.json."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent, Guest

LIMIT = 4
LINE_COLUMNS = [
    "id", "customerName", "state", "queueId", "agentId", "createdAt", "connectedAt", "endedAt", "endedBy",
    "messages", "hasVideo", "hasPhoto", "queueName", "agentName",
]  # fmt: skip
TRANSCRIPT_COLUMNS = [
    "seq", "at", "from", "displayName", "text", "notice", "photoId", "photoKind", "annotates", "photoUrl", "id",
]  # fmt: skip


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess("--export-max-conversations", str(LIMIT), "--guest-message-rate", "0", backend=backend).start()
    yield proc
    proc.cleanup()


def _get(server: ServerProcess, path: str, token: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{server.base}{path}", params=params, headers={"authorization": f"Bearer {token}"})


def _rows(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(answer.text, newline="")))


async def _ended_chat(server: ServerProcess, *lines: str, name: str = "Ann") -> str:
    """A chat Dana (agent@demo.local) took and ended, in which the customer `name` said `lines`."""
    agent = await Agent.connect(server.ws_base, server.login())
    for left_over in agent.ready["interactions"]:  # type: ignore[attr-defined]  # earlier tests' chats
        await agent.send(type="end", conversationId=left_over["conversationId"])
        await agent.expect("interactionEnded", conversationId=left_over["conversationId"])
    await agent.on_queue()
    guest = await Guest.connect(server.ws_base, server.base)
    await guest.start(name)
    cid = await agent.take_next()
    await guest.expect("agentJoined")
    for line in lines:
        await guest.say(line)
        await agent.expect("message", text=line)
    await agent.say(cid, "Thanks, all sorted")
    await agent.send(type="end", conversationId=cid)
    await agent.expect("interactionEnded")
    await guest.close()
    await agent.close()
    return cid


async def test_a_supervisor_exports_what_the_search_finds_as_json_and_csv(server: ServerProcess) -> None:
    word = f"zq{uuid.uuid4().hex[:8]}"
    cid = await _ended_chat(server, f"My {word} kettle clicks off", name="=HYPERLINK(1)")
    boss = server.login("supervisor@demo.local", "supervisor")

    as_json = _get(server, "/api/v2/conversations/export", boss, q=word)
    assert as_json.status_code == 200, as_json.text
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.headers["content-disposition"].startswith('attachment; filename="showdesk-conversations-')
    assert as_json.headers["content-disposition"].endswith('.json"')
    assert as_json.headers["cache-control"] == "no-store"
    exported = as_json.json()
    [line] = exported["entities"]
    searched = _get(server, "/api/v2/conversations", boss, q=word).json()["entities"]
    assert {k: line[k] for k in searched[0]} == searched[0]  # the search's line, and the names
    assert (line["id"], line["customerName"], line["state"]) == (cid, "=HYPERLINK(1)", "ended")
    assert (line["queueName"], line["agentName"]) == ("Video Troubleshooting", "Dana Agent")
    assert exported["complete"] is True and exported["limit"] == LIMIT and exported["exportedAt"]

    as_csv = _get(server, "/api/v2/conversations/export", boss, q=word, format="csv")
    assert as_csv.headers["content-disposition"].endswith('.csv"')
    header = as_csv.text.splitlines()[0].split(",")
    assert [column for column in header if column in LINE_COLUMNS] == LINE_COLUMNS  # (and any the search adds)
    assert header[-2:] == ["queueName", "agentName"]
    [row] = _rows(as_csv)
    assert row["id"] == cid and row["customerName"] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet
    assert (row["state"], row["hasVideo"], row["agentName"], row["messages"]) == (
        "ended", "false", "Dana Agent", str(line["messages"]),
    )  # fmt: skip

    # The search's filters hold.
    assert _rows(_get(server, "/api/v2/conversations/export", boss, q=word, state="waiting", format="csv")) == []
    assert _rows(_get(server, "/api/v2/conversations/export", boss, q=word, hasVideo="true", format="csv")) == []
    later = {"from": line["createdAt"].replace("Z", "+00:00"), "q": word, "format": "csv"}
    assert [r["id"] for r in _rows(_get(server, "/api/v2/conversations/export", boss, **later))] == [cid]
    later["to"] = later["from"]
    refused = _get(server, "/api/v2/conversations/export", boss, **later)
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_time_range"
    refused = _get(server, "/api/v2/conversations/export", boss, format="xlsx")
    assert refused.status_code == 400 and refused.json()["message"]


async def test_a_conversation_exports_its_record_and_transcript(server: ServerProcess) -> None:
    risky = ['=cmd|" /C calc"!A0', "+1 555 0100", "-2", "@SUM(A1)", "\ttabbed", 'a "quoted", two-line\nanswer']
    cid = await _ended_chat(server, *risky)
    boss = server.login("supervisor@demo.local", "supervisor")
    path = f"/api/v2/conversations/{cid}/export"

    record = _get(server, path, boss)
    assert record.status_code == 200, record.text
    assert record.headers["content-disposition"] == f'attachment; filename="showdesk-conversation-{cid}.json"'
    body = record.json()
    assert body["conversation"] == _get(server, f"/api/v2/conversations/{cid}", boss).json()
    assert body["messages"] == _get(server, f"/api/v2/conversations/{cid}/messages", boss).json()
    said = [m["text"] for m in body["messages"] if m["from"] == "customer"]
    assert said == risky

    as_csv = _get(server, path, boss, format="csv")
    assert as_csv.headers["content-disposition"] == f'attachment; filename="showdesk-conversation-{cid}.csv"'
    assert as_csv.text.splitlines()[0] == ",".join(TRANSCRIPT_COLUMNS)
    rows = _rows(as_csv)
    assert [r["seq"] for r in rows] == [str(m["seq"]) for m in body["messages"]]
    customer = [r["text"] for r in rows if r["from"] == "customer"]
    assert customer == [f"'{text}" for text in risky[:5]] + [risky[5]]  # a formula's start quoted, nothing else
    assert '"a ""quoted"", two-line\nanswer"' in as_csv.text  # RFC 4180: quoted, quotes doubled
    assert [r["notice"] for r in rows if r["from"] == "system"][-1] == "chat_ended"
    assert {r["displayName"] for r in rows if r["from"] == "agent"} == {"Dana Agent"}


async def test_an_agent_exports_only_their_own_chats(server: ServerProcess) -> None:
    word = f"zq{uuid.uuid4().hex[:8]}"
    cid = await _ended_chat(server, f"{word} is broken")
    dana = server.login("agent@demo.local", "agent")
    sam = server.login("agent2@demo.local", "agent")
    dana_id = _get(server, "/api/v2/users/me", dana).json()["id"]

    own = _get(server, "/api/v2/conversations/export", dana, format="csv")
    assert {r["agentId"] for r in _rows(own)} == {dana_id} and cid in {r["id"] for r in _rows(own)}
    assert _get(server, f"/api/v2/conversations/{cid}/export", dana, format="csv").status_code == 200

    assert _get(server, "/api/v2/conversations/export", sam, q=word).json()["entities"] == []  # not Sam's
    for path, params in (
        ("/api/v2/conversations/export", {"agentId": dana_id}),
        ("/api/v2/conversations/export", {"agentId": dana_id, "format": "csv"}),
        (f"/api/v2/conversations/{cid}/export", {}),
        (f"/api/v2/conversations/{cid}/export", {"format": "csv"}),
    ):
        refused = _get(server, path, sam, **params)
        assert refused.status_code == 403, (path, params, refused.text)
        assert refused.json()["code"] == "permission_denied" and refused.json()["message"]
    missing = _get(server, "/api/v2/conversations/c_nobody/export", server.login("supervisor@demo.local", "supervisor"))
    assert missing.status_code == 404 and missing.json()["code"] == "conversation_not_found"


async def test_a_list_stops_at_the_export_limit_and_says_so(server: ServerProcess) -> None:
    word = f"zq{uuid.uuid4().hex[:8]}"
    made = [await _ended_chat(server, f"{word} number {n}") for n in range(LIMIT + 1)]
    admin = server.login("admin@demo.local", "admin")
    exported = _get(server, "/api/v2/conversations/export", admin, q=word).json()
    assert [line["id"] for line in exported["entities"]] == made[::-1][:LIMIT]  # newest first
    assert exported["complete"] is False
    rows = _rows(_get(server, "/api/v2/conversations/export", admin, q=word, format="csv"))
    assert [r["id"] for r in rows] == made[::-1][:LIMIT]
    exactly = _get(server, "/api/v2/conversations/export", admin, q=f"{word} number {LIMIT}").json()
    assert [line["id"] for line in exactly["entities"]] == [made[-1]] and exactly["complete"] is True


def test_both_exports_are_documented(server: ServerProcess) -> None:
    schema = httpx.get(f"{server.base}/openapi.json").json()
    listed = schema["paths"]["/api/v2/conversations/export"]["get"]
    names = {p["name"] for p in listed["parameters"]}
    assert {"format", "from", "to", "queueId", "agentId", "state", "hasVideo", "hasPhoto", "q"} <= names
    assert set(listed["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    one = schema["paths"]["/api/v2/conversations/{conversation_id}/export"]["get"]
    assert set(one["responses"]["200"]["content"]) == {"application/json", "text/csv"}

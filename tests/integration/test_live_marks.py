"""Pointing at the product over the real sockets: the agent's marks reach the customer's page while the
video is on, checked (shape, size, colour) and bounded (`--mark-rate`); either side's Clear reaches both;
nobody else draws; a marked frame saved by the agent is a photo in the transcript."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.integration.test_video_recovery import _accepted, _leave
from tests.support.images import encoded
from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent

ARROW = {"id": "mk-1", "kind": "arrow", "points": [[0.2, 0.3], [0.5, 0.55]]}


@pytest.fixture(scope="module")
def marks_server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess("--mark-rate", "5", backend=backend).start()
    yield proc
    proc.cleanup()


async def test_the_agent_s_marks_reach_the_customer_at_the_same_spot_of_the_picture(
    marks_server: ServerProcess,
) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(marks_server)
    await agent.send(type="videoMark", conversationId=cid, mark=ARROW)
    assert (await agent.expect("error"))["code"] == "video_state"  # not before the picture is there
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")

    await agent.send(type="videoMark", conversationId=cid, mark=ARROW)
    drawn = await guest.expect("videoMark")
    assert drawn["mark"] == {**ARROW, "color": "red"}
    assert drawn["conversationId"] == cid and drawn["video"]["id"] == session_id
    assert (await agent.expect("videoMark"))["mark"]["id"] == "mk-1"  # the agent's other desktops see it too

    label = {"id": "mk-2", "kind": "text", "points": [[0.6, 0.1]], "text": "  this screw ", "color": "yellow"}
    await agent.send(type="videoMark", conversationId=cid, mark=label)
    assert (await guest.expect("videoMark"))["mark"]["text"] == "this screw"

    await guest.send(type="videoMarksClear")
    for side in (guest, agent):
        assert (await side.expect("videoMarksCleared"))["by"] == "customer"
    await agent.send(type="videoMarksClear", conversationId=cid)
    for side in (guest, agent):
        assert (await side.expect("videoMarksCleared"))["by"] == "agent"
    await _leave(guest, agent)


@pytest.mark.parametrize(
    ("mark", "says"),
    [
        ("an arrow", "object"),
        ({"id": "x", "kind": "laser", "points": [[0, 0]]}, "kind is one of"),
        ({"id": "x", "kind": "arrow", "points": [[0.1, 0.1]]}, "has 2 points"),
        ({"id": "x", "kind": "arrow", "points": [[0.1, 0.1], [1.2, 0.5]]}, "from 0 to 1"),
        ({"id": "x", "kind": "arrow", "points": [[0.1, 0.1], [True, 0.5]]}, "from 0 to 1"),
        ({"id": "x", "kind": "pen", "points": [[0.5, 0.5]] * 401}, "2 to 400 points"),
        ({"id": "x", "kind": "text", "points": [[0.5, 0.5]], "text": "x" * 81}, "1 to 80 characters"),
        ({"id": "x", "kind": "circle", "points": [[0.5, 0.5], [0.6, 0.5]], "color": "#f00"}, "color is one of"),
        ({"id": "", "kind": "arrow", "points": [[0, 0], [1, 1]]}, "id is a string"),
    ],
)
async def test_a_mark_that_cannot_be_drawn_is_refused_saying_why(
    marks_server: ServerProcess, mark: object, says: str
) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(marks_server)
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")
    await agent.send(type="videoMark", conversationId=cid, mark=mark)
    refused = await agent.expect("error")
    assert refused["code"] == "invalid_mark" and says in refused["message"], refused
    await _leave(guest, agent)


async def test_marks_are_bounded_and_only_the_chat_s_agent_draws(marks_server: ServerProcess) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(marks_server)
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")
    other = await Agent.connect(marks_server.ws_base, marks_server.login("agent2@demo.local"))
    await other.send(type="videoMark", conversationId=cid, mark=ARROW)
    assert (await other.expect("error"))["code"] == "not_your_conversation"
    await other.close()

    for i in range(40):  # --mark-rate 5: a burst of 15, then refusals
        await agent.send(type="videoMark", conversationId=cid, mark={**ARROW, "id": f"mk-{i}"})
    refused = await agent.expect("error")
    assert refused["code"] == "rate_limited" and refused["retryAfterMs"] > 0
    received = 0
    while True:
        try:
            await guest.expect("videoMark", timeout=1)
        except AssertionError:
            break
        received += 1
    assert 10 <= received <= 20, received  # the burst, and nothing of what was refused
    await _leave(guest, agent)


async def test_a_frozen_frame_with_its_marks_is_saved_into_the_transcript(marks_server: ServerProcess) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(marks_server)
    token = marks_server.login()
    url = f"{marks_server.base}/api/v2/conversations/{cid}/photos"
    headers = {"authorization": f"Bearer {token}", "content-type": "image/jpeg"}
    frame = encoded(640, 360)
    early = httpx.post(url, params={"clientId": "frame-1"}, headers=headers, content=frame)
    assert early.status_code == 409 and early.json()["code"] == "video_state"  # no picture to freeze yet
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")

    saved = httpx.post(url, params={"clientId": "frame-1"}, headers=headers, content=frame)
    assert saved.status_code == 201, saved.text
    body = saved.json()
    assert body["photo"]["width"] == 640 and body["photo"]["height"] == 360
    line = await guest.expect("message", **{"from": "agent"})
    assert line["text"] == "Here is what I pointed at on your video." and line["photo"]["id"] == body["photo"]["id"]
    again = httpx.post(url, params={"clientId": "frame-1"}, headers=headers, content=frame)
    assert again.json()["photo"]["id"] == body["photo"]["id"]  # a resend stores nothing new
    await _leave(guest, agent)

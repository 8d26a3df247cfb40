"""What a client sends never speaks with ShowDesk's voice, and no customer frame floods a chat: failure
reasons are codes worded by the server, a typed name stays out of system lines, every frame that stores or
relays something counts against the customer's limit, and every field has a size."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.test_video_recovery import _accepted, _leave
from tests.support.server import ServerProcess

FRAME_RATE = 5  # a second, bursts of 15

INJECTED = "Support says: type your card number here"


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess("--guest-frame-rate", str(FRAME_RATE), backend=backend).start()
    yield proc
    proc.cleanup()


def _transcript(server: ServerProcess, cid: str) -> list[dict[str, Any]]:
    headers = {"authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"}
    return list(httpx.get(f"{server.base}/api/v2/conversations/{cid}/messages", headers=headers).json())


async def test_failure_reasons_and_causes_are_codes_worded_by_the_server(server: ServerProcess) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(server)
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")
    await guest.send(type="videoRetry", sessionId=session_id, how="restart", reason=INJECTED)
    retrying = await agent.expect("videoRetrying")
    assert retrying["cause"] is None  # not a known cause: nothing of it travels
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="failed", reason=INJECTED)
    ended = await guest.expect("videoEnd")
    assert INJECTED not in json.dumps(ended) and INJECTED not in json.dumps(await agent.expect("videoEnd"))
    system = [m["text"] for m in _transcript(server, cid) if m["from"] == "system"]
    assert "The video stopped because of a problem on the agent's side. The chat goes on." in system
    assert not any(INJECTED in text for text in system)
    await _leave(guest, agent)


async def test_a_typed_name_never_speaks_in_system_lines(server: ServerProcess) -> None:
    from tests.integration.test_video_signaling import _connected
    from tests.support.ws_clients import Agent, Guest

    agent = await Agent.connect(server.ws_base, server.login())
    for left_over in agent.ready["interactions"]:  # type: ignore[attr-defined]
        await agent.send(type="end", conversationId=left_over["conversationId"])
        await agent.expect("interactionEnded", conversationId=left_over["conversationId"])
    await agent.close()
    del _connected
    agent = await Agent.connect(server.ws_base, server.login())
    await agent.on_queue()
    guest = await Guest.connect(server.ws_base, server.base)
    await guest.start(INJECTED[:60])
    cid = await agent.take_next()
    await agent.send(type="videoRequest", conversationId=cid)
    session_id = (await guest.expect("videoRequested"))["video"]["id"]
    await guest.send(type="videoStart", sessionId=session_id)
    await guest.expect("videoReady")
    await guest.send(type="end")
    await agent.expect("interactionEnded")
    system = [m["text"] for m in _transcript(server, cid) if m["from"] == "system"]
    assert "The customer started sharing their camera." in system and "The customer ended the chat." in system
    assert not any(INJECTED[:20] in text for text in system)
    await guest.close()
    await agent.close()


async def test_frames_that_store_or_relay_count_against_the_customer_s_limit(server: ServerProcess) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(server)
    before = len(_transcript(server, cid))
    for n in range(40):
        await guest.send(type="videoCameraResult", sessionId=session_id, action="switch", ok=True, n=n)
    answers = [await guest.expect("error", timeout=5) for _ in range(40 - 3 * FRAME_RATE - 2)]
    assert {a["code"] for a in answers} == {"rate_limited"} and all(a["retryAfterMs"] > 0 for a in answers)
    added = len(_transcript(server, cid)) - before
    # The burst (less the frame that accepted the video), and what came back meanwhile.
    assert 3 * FRAME_RATE - 2 <= added <= 3 * FRAME_RATE + 3
    await _leave(guest, agent)


async def test_every_field_has_a_size(server: ServerProcess) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(server)
    for frame in (
        {"type": "videoSignal", "sessionId": "s" * 5000, "signal": "offer", "sdp": "v=0\r\n"},
        {"type": "videoRetry", "sessionId": session_id, "how": "restart", "reason": "r" * 300},
        {"type": "videoPhotoFailed", "requestId": "q" * 100, "reason": "capture_failed"},
        {"type": "message", "clientId": "c" * 65, "text": "hello"},
    ):
        await guest.send(**frame)
        refused = await guest.expect("error")
        assert refused["code"] == "field_too_long", (frame["type"], refused)
        assert len(json.dumps(refused)) < 300  # nothing long is echoed back
    await agent.send(type="videoEnd", conversationId=cid * 100)
    assert (await agent.expect("error"))["code"] == "field_too_long"
    await _leave(guest, agent)


async def test_a_newer_socket_of_the_same_guest_replaces_the_older_one(server: ServerProcess) -> None:
    import websockets

    from tests.support.ws_clients import Guest

    older = await Guest.connect(server.ws_base, server.base)
    started = await older.start("Tab One")
    newer = await Guest.connect(server.ws_base, server.base)
    await newer.send(type="resume", token=started["token"], lastSeq=0)
    await newer.expect("resumed")
    told = await older.expect("error")
    assert told["code"] == "session_replaced" and "another window or tab" in told["message"]
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await older.ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4409
    assert (await newer.say("still here"))["type"] == "ack"  # the newer one carries the chat on
    await newer.send(type="end")
    await newer.expect("chatEnded")
    await newer.close()

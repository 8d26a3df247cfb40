"""Video escalation over the real sockets: request, consent, signaling, one-way rule, hold, end, record."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent, Guest

OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=sendonly\r\n"
ANSWER_RECV = OFFER.replace("a=sendonly", "a=recvonly")
ANSWER_SENDING = OFFER.replace("a=sendonly", "a=sendrecv")


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def video_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    stun_port = _free_udp_port()
    proc = ServerProcess("--stun-port", str(stun_port))
    proc.stun_port = stun_port  # type: ignore[attr-defined]
    proc.start()
    yield proc
    proc.stop()


async def _connected(server: ServerProcess) -> tuple[Guest, Agent, str]:
    agent = await Agent.connect(server.ws_base, server.login("agent@demo.local"))
    await agent.on_queue()
    guest = await Guest.connect(server.ws_base, server.base)
    await guest.start("Ann")
    conversation_id = await agent.take_next()
    await guest.expect("agentJoined")
    return guest, agent, conversation_id


async def test_one_way_video_from_request_to_record(video_server: ServerProcess) -> None:
    guest, agent, cid = await _connected(video_server)
    await agent.send(type="videoRequest", conversationId=cid)
    asked = await guest.expect("videoRequested")
    session_id = asked["video"]["id"]
    assert asked["video"]["mode"] == "one-way" and asked["video"]["audioSource"] == "none"
    assert "camera" in asked["text"] and "does not send video" in asked["text"]

    await guest.send(type="videoStart", sessionId=session_id)
    ready = await guest.expect("videoReady")
    stun = f"stun:127.0.0.1:{video_server.stun_port}"  # type: ignore[attr-defined]
    assert {"urls": [stun]} in ready["iceServers"]
    starting = await agent.expect("videoStarting")
    assert {"urls": [stun]} in starting["iceServers"]

    await guest.send(type="videoSignal", sessionId=session_id, signal="offer", sdp=OFFER)
    offer = await agent.expect("videoSignal", signal="offer")
    assert offer["sdp"] == OFFER and offer["sessionId"] == session_id

    await agent.send(type="videoSignal", conversationId=cid, sessionId=session_id, signal="answer", sdp=ANSWER_SENDING)
    refused = await agent.expect("error")
    assert refused["code"] == "one_way_violation" and "recvonly" in refused["message"]
    await agent.send(type="videoSignal", conversationId=cid, sessionId=session_id, signal="answer", sdp=ANSWER_RECV)
    answer = await guest.expect("videoSignal", signal="answer")
    assert answer["sdp"] == ANSWER_RECV

    host = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"
    candidate = {"candidate": host, "sdpMid": "0", "sdpMLineIndex": 0}
    await guest.send(type="videoSignal", sessionId=session_id, signal="candidate", candidate=candidate)
    assert (await agent.expect("videoSignal", signal="candidate"))["candidate"] == candidate

    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    assert (await guest.expect("videoStarted"))["video"]["state"] == "live"
    await agent.send(type="videoHold", conversationId=cid)
    assert (await guest.expect("videoHeld"))["video"]["state"] == "held"
    await agent.send(type="videoResume", conversationId=cid)
    assert (await guest.expect("videoResumed"))["video"]["state"] == "live"
    await agent.send(type="videoEnd", conversationId=cid)
    ended = await guest.expect("videoEnd")
    assert ended["video"]["outcome"] == "completed" and ended["video"]["endedBy"] == "agent"

    token = video_server.login()
    conv = httpx.get(f"{video_server.base}/api/v2/conversations/{cid}", headers={"authorization": f"Bearer {token}"})
    [record] = conv.json()["videoSessions"]
    assert record["consentBy"] == "Ann" and record["consentAt"] and record["path"] == "direct"
    assert record["state"] == "ended" and record["durationSeconds"] is not None and record["mode"] == "one-way"

    # The chat goes on after the video.
    ack = await guest.say("still here")
    assert (await agent.expect("message", id=ack["id"]))["text"] == "still here"
    await guest.close()
    await agent.close()


async def test_the_customer_starts_video_unasked_and_leaving_the_page_ends_it(video_server: ServerProcess) -> None:
    guest, agent, _ = await _connected(video_server)
    await guest.send(type="videoStart")
    ready = await guest.expect("videoReady")
    assert ready["video"]["requestedBy"] == "customer" and ready["video"]["state"] == "connecting"
    await agent.expect("videoStarting")
    await guest.close()
    ended = await agent.expect("videoEnd")
    assert ended["video"]["endedBy"] == "customer"
    await agent.close()


async def test_a_guest_cannot_answer_for_the_agent_nor_signal_before_consent(video_server: ServerProcess) -> None:
    guest, agent, cid = await _connected(video_server)
    await agent.send(type="videoRequest", conversationId=cid)
    session_id = (await guest.expect("videoRequested"))["video"]["id"]
    await guest.send(type="videoSignal", sessionId=session_id, signal="offer", sdp=OFFER)
    assert (await guest.expect("error"))["code"] == "video_state"
    await guest.send(type="videoStart", sessionId=session_id)
    await guest.expect("videoReady")
    await guest.send(type="videoSignal", sessionId=session_id, signal="answer", sdp=ANSWER_RECV)
    assert (await guest.expect("error"))["code"] == "invalid_signal"
    await agent.send(type="videoRequest", conversationId=cid)
    assert (await agent.expect("error"))["code"] == "video_already_open"
    await guest.send(type="videoStop")
    assert (await agent.expect("videoEnd"))["video"]["endedBy"] == "customer"
    await guest.close()
    await agent.close()

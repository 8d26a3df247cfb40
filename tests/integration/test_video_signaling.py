"""Video escalation over the real sockets: request, consent, signaling, one-way rule, hold, end, record."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

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
def video_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    stun_port = _free_udp_port()
    # A short video grace: a test here waits for a dropped socket's video to end.
    proc = ServerProcess("--stun-port", str(stun_port), "--video-grace", "5", backend=backend)
    proc.stun_port = stun_port  # type: ignore[attr-defined]
    proc.start()
    yield proc
    proc.cleanup()


async def _connected(server: ServerProcess, email: str = "agent@demo.local") -> tuple[Guest, Agent, str]:
    agent = await Agent.connect(server.ws_base, server.login(email))
    for left_over in agent.ready["interactions"]:  # type: ignore[attr-defined]  # earlier tests' chats
        await agent.send(type="end", conversationId=left_over["conversationId"])
        await agent.expect("interactionEnded", conversationId=left_over["conversationId"])
    await agent.on_queue()
    guest = await Guest.connect(server.ws_base, server.base)
    guest.started = await guest.start("Ann")  # type: ignore[attr-defined]
    conversation_id = await agent.take_next()
    joined = await guest.expect("agentJoined")
    # The Start Video block's settings reach the customer's page before any video is asked for.
    assert joined["video"] == {"mode": "one-way", "videoSource": "camera", "audioSource": "none"}
    return guest, agent, conversation_id


async def _system_line(guest: Guest, containing: str) -> str:
    """The next system line of the transcript that says `containing` (earlier ones are skipped)."""
    while True:
        text = str((await guest.expect("message", **{"from": "system"}))["text"])
        if containing in text:
            return text


@contextmanager
def _organization(server: ServerProcess, features: list[str], limit: int) -> Iterator[None]:
    """The demo organization's licence for the duration of a block, set as an administrator sets it."""
    admin = {"authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"}

    def write(live_video: bool, limit: int) -> None:
        body = {"liveVideo": live_video, "videoConcurrencyLimit": limit}
        response = httpx.put(f"{server.base}/api/v2/organization/license", headers=admin, json=body)
        assert response.status_code == 200, response.text

    write("live-video" in features, limit)
    try:
        yield
    finally:
        write(True, 10)


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
    ended = await agent.expect("videoEnd", timeout=10)  # after the 5 s video grace this server gives
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


async def test_licence_off_is_refused_and_explained_to_both_sides(video_server: ServerProcess) -> None:
    guest, agent, cid = await _connected(video_server)
    with _organization(video_server, features=[], limit=10):
        await agent.send(type="videoRequest", conversationId=cid)
        refused = await agent.expect("error")
        assert refused["code"] == "video_not_allowed" and "licence" in refused["message"]
        assert "live-video" in await _system_line(guest, "Video is not available")
        await guest.send(type="videoStart")
        assert (await guest.expect("error"))["code"] == "video_not_allowed"
    ack = await guest.say("so no video then")  # the chat goes on
    assert (await agent.expect("message", id=ack["id"]))["text"] == "so no video then"
    await guest.close()
    await agent.close()


async def test_the_concurrent_video_limit_is_refused_with_video_capacity(video_server: ServerProcess) -> None:
    first_guest, first_agent, first = await _connected(video_server, "agent@demo.local")
    await first_agent.send(type="presence", status="off_queue")  # the next chat goes to the second agent
    await first_agent.expect("presence", status="off_queue")
    second_guest, second_agent, second = await _connected(video_server, "agent2@demo.local")
    with _organization(video_server, features=["live-video"], limit=1):
        await first_agent.send(type="videoRequest", conversationId=first)
        await first_guest.expect("videoRequested")
        await second_agent.send(type="videoRequest", conversationId=second)
        refused = await second_agent.expect("error")
        assert refused["code"] == "video_capacity" and "1 concurrent" in refused["message"]
        assert "try again" in await _system_line(second_guest, "Video is not available")
        # The first video ending frees the line.
        await first_agent.send(type="videoEnd", conversationId=first)
        await first_guest.expect("videoEnd")
        await second_agent.send(type="videoRequest", conversationId=second)
        assert (await second_guest.expect("videoRequested"))["video"]["state"] == "requested"
    for client in (first_guest, first_agent, second_guest, second_agent):
        await client.close()


async def test_the_video_ends_when_the_agents_desktop_goes_away(video_server: ServerProcess) -> None:
    guest, agent, cid = await _connected(video_server)
    await agent.send(type="videoRequest", conversationId=cid)
    session_id = (await guest.expect("videoRequested"))["video"]["id"]
    await guest.send(type="videoStart", sessionId=session_id)
    await guest.expect("videoReady")
    await agent.close()
    ended = await guest.expect("videoEnd")
    assert ended["video"]["endedBy"] == "agent" and "connection dropped" in ended["text"]
    await guest.close()


async def test_a_waiting_request_survives_the_customers_reload(video_server: ServerProcess) -> None:
    guest, agent, cid = await _connected(video_server)
    await agent.send(type="videoRequest", conversationId=cid)
    session_id = (await guest.expect("videoRequested"))["video"]["id"]
    token = guest.started["token"]  # type: ignore[attr-defined]
    await guest.close()
    again = await Guest.connect(video_server.ws_base, video_server.base)
    await again.send(type="resume", token=token, lastSeq=0)
    resumed = await again.expect("resumed")
    assert resumed["videoRequest"]["id"] == session_id and resumed["video"]["mode"] == "one-way"
    await again.send(type="videoStart", sessionId=session_id)
    assert (await again.expect("videoReady"))["sessionId"] == session_id
    await again.close()
    await agent.close()


async def test_an_agent_without_video_answer_is_refused(video_server: ServerProcess) -> None:
    admin = {"authorization": f"Bearer {video_server.login('admin@demo.local', 'admin')}"}
    users = httpx.get(f"{video_server.base}/api/v2/users", headers=admin).json()
    sam = next(u for u in users if u["email"] == "agent2@demo.local")
    url = f"{video_server.base}/api/v2/users/{sam['id']}/roles"
    assert httpx.put(url, json={"roles": ["Chat Agent"]}, headers=admin).status_code == 200
    try:
        guest, agent, cid = await _connected(video_server, "agent2@demo.local")
        assert "video:answer" not in agent.ready["agent"]["permissions"]  # type: ignore[attr-defined]
        await agent.send(type="videoRequest", conversationId=cid)
        refused = await agent.expect("error")
        assert refused["code"] == "permission_denied" and "video:answer" in refused["message"]
        await guest.send(type="videoStart")  # nor can the customer push video onto this agent
        assert (await guest.expect("error"))["code"] == "no_agent_video"
        await guest.close()
        await agent.close()
    finally:
        httpx.put(url, json={"roles": ["Agent"]}, headers=admin)

"""When the network fights back, over the real sockets: relay credentials per session, the relay retry,
ICE restarts, picture problems reported by the agent desktop, and what the record and /metrics keep."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.test_video_signaling import OFFER, _connected, _system_line
from tests.support.server import ServerProcess
from tests.support.waiting import eventually
from tests.support.ws_clients import Agent, Guest

SECRET = "relay-shared-secret-0123456789"
TURN_URL = "turn:198.51.100.7:3478"


@pytest.fixture(scope="module")
def relay_server(backend: str) -> Iterator[ServerProcess]:
    # A short grace: the test of a page really gone waits for it.
    proc = ServerProcess("--turn-url", TURN_URL, "--turn-secret", SECRET, "--video-grace", "5", backend=backend).start()
    yield proc
    proc.cleanup()


@pytest.fixture(scope="module")
def bare_server(backend: str) -> Iterator[ServerProcess]:
    """No relay anywhere: neither `serve` flags nor a TURN server in the console."""
    proc = ServerProcess(backend=backend).start()
    yield proc
    proc.cleanup()


def _turn_entries(ice_servers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in ice_servers if any(u.startswith("turn") for u in s["urls"])]


def _check_ephemeral(entry: dict[str, Any], session_id: str, secret: str = SECRET) -> int:
    """The TURN REST API credential coturn recomputes: HMAC-SHA1 of `expiry:session`; returns seconds left."""
    expiry, _, session = entry["username"].partition(":")
    assert session == session_id
    expected = base64.b64encode(hmac.new(secret.encode(), entry["username"].encode(), hashlib.sha1).digest()).decode()
    assert entry["credential"] == expected
    return int(expiry) - int(time.time())


async def _accepted(server: ServerProcess) -> tuple[Guest, Agent, str, str, dict[str, Any], dict[str, Any]]:
    guest, agent, cid = await _connected(server)
    await agent.send(type="videoRequest", conversationId=cid)
    asked = await guest.expect("videoRequested")
    assert "iceServers" not in asked  # nothing to relay through before the customer says yes
    session_id = asked["video"]["id"]
    await guest.send(type="videoStart", sessionId=session_id)
    ready = await guest.expect("videoReady")
    starting = await agent.expect("videoStarting")
    return guest, agent, cid, session_id, ready, starting


async def _leave(guest: Guest, agent: Agent) -> None:
    """End the chat (a closed socket alone would leave it for the next test's agent) and close both."""
    await guest.send(type="end")
    await agent.expect("interactionEnded")
    await guest.close()
    await agent.close()


def _metric(server: ServerProcess, name: str, **labels: str) -> float:
    text = server.metrics()
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    match = re.search(rf"^{name}\{{{re.escape(wanted)}\}} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def _record(server: ServerProcess, cid: str) -> dict[str, Any]:
    token = server.login()
    conv = httpx.get(f"{server.base}/api/v2/conversations/{cid}", headers={"authorization": f"Bearer {token}"})
    return dict(conv.json()["videoSessions"][-1])


async def test_relay_credentials_are_minted_per_active_session_for_minutes(relay_server: ServerProcess) -> None:
    guest, agent, cid, session_id, ready, starting = await _accepted(relay_server)
    [customer_turn] = _turn_entries(ready["iceServers"])
    [agent_turn] = _turn_entries(starting["iceServers"])
    for entry in (customer_turn, agent_turn):
        assert entry["urls"] == [TURN_URL]
        assert 9 * 60 <= _check_ephemeral(entry, session_id) <= 10 * 60
    await agent.send(type="videoEnd", conversationId=cid)
    await guest.expect("videoEnd")
    # Over: asking to try again gets no new credentials, only a refusal.
    await guest.send(type="videoRetry", sessionId=session_id, how="relay")
    refused = await guest.expect("error")
    assert refused["code"] == "video_state" and refused["ref"] == "videoRetry"
    await _leave(guest, agent)


async def test_a_plain_chat_gets_no_relay_credentials(relay_server: ServerProcess) -> None:
    guest, agent, _cid = await _connected(relay_server)
    ack = await guest.say("just chatting")
    await agent.expect("message", id=ack["id"])
    frames = guest.seen + agent.seen
    assert not any("iceServers" in f for f in frames)
    assert SECRET not in str(frames)
    await _leave(guest, agent)


async def test_relay_retry_gives_both_sides_fresh_credentials_once(relay_server: ServerProcess) -> None:
    guest, agent, cid, session_id, _ready, _ = await _accepted(relay_server)
    await guest.send(type="videoSignal", sessionId=session_id, signal="offer", sdp=OFFER, attempt=0)
    assert (await agent.expect("videoSignal", signal="offer"))["attempt"] == 0
    before = _metric(relay_server, "showdesk_video_retries_total", how="relay")

    await guest.send(type="videoRetry", sessionId=session_id, how="relay", reason="checking_timeout")
    for side in (guest, agent):
        retrying = await side.expect("videoRetrying")
        assert retrying["how"] == "relay" and "relay" in retrying["text"]
        assert retrying["video"]["relayRetries"] == 1
        [entry] = _turn_entries(retrying["iceServers"])
        _check_ephemeral(entry, session_id)
    assert "blocks direct video" in await _system_line(guest, "relay")
    # The new attempt's signals carry its number, so stale ones from the first can be told apart.
    await guest.send(type="videoSignal", sessionId=session_id, signal="offer", sdp=OFFER, attempt=1)
    assert (await agent.expect("videoSignal", signal="offer", attempt=1))["sdp"] == OFFER
    await guest.send(type="videoSignal", sessionId=session_id, signal="offer", sdp=OFFER, attempt="two")
    assert (await guest.expect("error"))["code"] == "invalid_signal"

    await guest.send(type="videoRetry", sessionId=session_id, how="relay")
    assert (await guest.expect("error"))["code"] == "relay_already_tried"
    assert _metric(relay_server, "showdesk_video_retries_total", how="relay") == before + 1

    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="relay")
    await guest.expect("videoStarted")
    record = _record(relay_server, cid)
    assert record["path"] == "relay" and record["relayRetries"] == 1
    # the chat goes on
    ack = await guest.say("I can see it now")
    assert (await agent.expect("message", id=ack["id"]))["text"] == "I can see it now"
    await _leave(guest, agent)


async def test_relay_retry_without_any_relay_fails_at_once_in_words(bare_server: ServerProcess) -> None:
    guest, agent, _cid, session_id, ready, _ = await _accepted(bare_server)
    assert _turn_entries(ready["iceServers"]) == []
    before = _metric(bare_server, "showdesk_video_failures_total", reason="no_relay")
    await guest.send(type="videoRetry", sessionId=session_id, how="relay", reason="ice_failed")
    for side in (guest, agent):
        ended = await side.expect("videoEnd")
        assert ended["video"]["outcome"] == "failed" and ended["video"]["failureReason"] == "no_relay"
        assert "no relay (TURN) server" in ended["text"] and "The chat goes on" in ended["text"]
    assert _metric(bare_server, "showdesk_video_failures_total", reason="no_relay") == before + 1
    ack = await guest.say("ok, let me describe it")
    assert (await agent.expect("message", id=ack["id"]))["text"] == "ok, let me describe it"
    await _leave(guest, agent)


async def test_ice_restart_only_for_live_video_and_a_few_times(relay_server: ServerProcess) -> None:
    guest, agent, cid, session_id, ready, _ = await _accepted(relay_server)
    assert ready["maxIceRestarts"] == 3  # the SDK asks for no more than the customer is told here
    await guest.send(type="videoRetry", sessionId=session_id, how="restart")
    assert (await guest.expect("error"))["code"] == "video_state"
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")
    for n in range(1, ready["maxIceRestarts"] + 1):
        await guest.send(type="videoRetry", sessionId=session_id, how="restart", reason="network_change")
        retrying = await agent.expect("videoRetrying")
        assert retrying["how"] == "restart" and retrying["video"]["iceRestarts"] == n
        assert retrying["text"] == "The customer's network changed; reconnecting the video."
        assert _turn_entries((await guest.expect("videoRetrying"))["iceServers"])
    await guest.send(type="videoRetry", sessionId=session_id, how="restart")
    assert (await guest.expect("error"))["code"] == "too_many_restarts"
    await guest.send(type="videoRetry", sessionId=session_id, how="sideways")
    assert (await guest.expect("error"))["code"] == "invalid_retry"
    # after a restart the desktop reports the path again: the record follows
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="relay")
    await eventually(lambda: _record(relay_server, cid)["path"] == "relay", timeout=5, every=0.05)
    await guest.send(type="videoStop")
    await agent.expect("videoEnd")
    record = _record(relay_server, cid)
    assert record["iceRestarts"] == 3 and record["path"] == "relay" and record["outcome"] == "completed"
    await _leave(guest, agent)


async def test_picture_problems_are_said_once_to_both_sides_and_recorded(relay_server: ServerProcess) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(relay_server)
    before = _metric(relay_server, "showdesk_video_picture_problems_total", cause="black_frames")
    status = {"type": "videoStatus", "conversationId": cid, "sessionId": session_id}
    await agent.send(**status, state="problem", cause="black_frames")
    problem = await agent.expect("videoProblem")
    assert problem["cause"] == "black_frames" and "black picture" in problem["text"]
    assert "camera may be covered" in await _system_line(guest, "black picture")
    await agent.send(**status, state="problem", cause="black_frames")  # seen again: no second message
    await agent.send(**status, state="problem", cause="sunspots")
    assert (await agent.expect("error"))["code"] == "invalid_video_status"
    await agent.send(**status, state="failed", reason="no_frames")
    ended = await guest.expect("videoEnd")
    assert ended["video"]["failureReason"] == "no_frames" and "no picture ever reached" in ended["text"]
    record = _record(relay_server, cid)
    assert record["problems"] == ["black_frames"] and record["outcome"] == "failed"
    assert _metric(relay_server, "showdesk_video_picture_problems_total", cause="black_frames") == before + 1
    system_lines = [f["text"] for f in guest.seen if f["type"] == "message" and f["from"] == "system"]
    assert sum("black picture" in t for t in system_lines) == 1
    await _leave(guest, agent)


async def test_console_turn_servers_reach_the_browsers(bare_server: ServerProcess) -> None:
    admin = {"authorization": f"Bearer {bare_server.login('admin@demo.local', 'admin')}"}
    route = f"{bare_server.base}/api/v2/telephony/turn-servers"
    console_secret = "console-secret-abcdefghijkl"
    made = [
        httpx.post(route, headers=admin, json=body).json()
        for body in (
            {"name": "Shared", "urls": ["turn:203.0.113.5:3478"], "secret": console_secret},
            {
                "name": "Static",
                "urls": ["turns:203.0.113.6:5349?transport=tcp"],
                "authentication": "static",
                "username": "shop",
                "credential": "fixed-pass",
            },
            {"name": "Off", "urls": ["turn:203.0.113.7:3478"], "secret": console_secret, "active": False},
        )
    ]
    try:
        guest, agent, _cid, session_id, ready, starting = await _accepted(bare_server)
        for ice in (ready["iceServers"], starting["iceServers"]):
            shared, static = _turn_entries(ice)
            assert shared["urls"] == ["turn:203.0.113.5:3478"]
            _check_ephemeral(shared, session_id, console_secret)
            assert static == {
                "urls": ["turns:203.0.113.6:5349?transport=tcp"],
                "username": "shop",
                "credential": "fixed-pass",
            }
        await _leave(guest, agent)
    finally:
        for server in made:
            httpx.delete(f"{route}/{server['id']}", headers=admin)


async def test_a_static_relay_credential_from_serve_flags_is_handed_out_as_it_is() -> None:
    static = ServerProcess(
        "--turn-url", "turn:198.51.100.9:3478", "--turn-username", "shop", "--turn-credential", "fixed-pass"
    ).start()
    try:
        _, _, _, _, ready, starting = await _accepted(static)
        expected = {"urls": ["turn:198.51.100.9:3478"], "username": "shop", "credential": "fixed-pass"}
        assert _turn_entries(ready["iceServers"]) == [expected] == _turn_entries(starting["iceServers"])
    finally:
        static.cleanup()


def _graces_over(server: ServerProcess, back: int) -> bool:
    """No dropped socket's grace counts down on `server` any more, and at least `back` ended with the customer
    back (none of the others: another test's sockets may have dropped just before)."""
    counting, came_back, _ = server.grace_outcomes()
    return counting == 0 and came_back >= back


async def test_a_dropped_customer_socket_keeps_the_video_when_the_page_comes_back_in_time(
    relay_server: ServerProcess,
) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(relay_server)
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")
    token = guest.started["token"]  # type: ignore[attr-defined]
    _, back_before, _ = relay_server.grace_outcomes()
    await guest.close()  # a network change: the socket drops, the page does not say it left
    again = await Guest.connect(relay_server.ws_base, relay_server.base)
    await again.send(type="resume", token=token, lastSeq=0)
    await again.expect("resumed")
    await eventually(lambda: _graces_over(relay_server, back_before + 1), timeout=12, what="the grace over", every=0.1)
    assert _record(relay_server, cid)["state"] == "live"
    assert not any(f["type"] == "videoEnd" for f in agent.seen)

    # The connection really is gone this time: after the grace the video ends, in words.
    await again.close()
    ended = await agent.expect("videoEnd", timeout=10)
    assert ended["video"]["state"] == "ended" and "did not come back in time" in ended["text"]
    await agent.close()


async def test_a_relay_retry_for_live_video_is_refused_and_changes_nothing(bare_server: ServerProcess) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(bare_server)
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")
    await guest.send(type="videoRetry", sessionId=session_id, how="relay")
    assert (await guest.expect("error"))["code"] == "video_state"
    record = _record(bare_server, cid)
    assert record["state"] == "live" and record["relayRetries"] == 0 and record["failureReason"] is None
    await guest.send(type="videoStop")
    await agent.expect("videoEnd")
    await _leave(guest, agent)


async def test_quality_samples_are_checked_and_summarized_in_the_record(relay_server: ServerProcess) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(relay_server)
    status = {"type": "videoStatus", "conversationId": cid, "sessionId": session_id}
    await agent.send(**status, state="live", path="direct")
    await guest.expect("videoStarted")
    sample = {"width": 640, "height": 480, "fps": 30, "kbps": 800, "lossPercent": 0, "rttMs": 12, "path": "direct"}
    await agent.send(**status, state="quality", quality={**sample, "fps": "fast"})
    refused = await agent.expect("error")
    assert refused["code"] == "invalid_quality" and "quality.fps" in refused["message"]
    await agent.send(**status, state="quality", quality=sample)
    await agent.send(**status, state="quality", quality={**sample, "fps": 20, "kbps": 400, "lossPercent": 2.5})
    await agent.send(type="videoEnd", conversationId=cid)
    ended = await guest.expect("videoEnd")
    assert ended["video"]["quality"]["samples"] == 2
    summary = _record(relay_server, cid)["quality"]
    assert summary["fpsAverage"] == 25 and summary["kbpsMin"] == 400 and summary["lossMaxPercent"] == 2.5
    assert summary["resolution"] == "640x480" and summary["rttAverageMs"] == 12
    await _leave(guest, agent)


async def test_the_agent_switches_between_detail_and_smooth(relay_server: ServerProcess) -> None:
    guest, agent, cid, _, ready, _ = await _accepted(relay_server)
    assert ready["video"]["preference"] == "detail"  # the default: a model number must stay readable
    await agent.send(type="videoPreference", conversationId=cid, preference="smooth")
    for side in (guest, agent):
        changed = await side.expect("videoPreference")
        assert changed["video"]["preference"] == "smooth" and "smooth motion" in changed["text"]
    await agent.send(type="videoPreference", conversationId=cid, preference="sharpest")
    assert (await agent.expect("error"))["code"] == "invalid_preference"
    await guest.send(type="videoPreference", conversationId=cid, preference="detail")  # not the customer's call
    assert (await guest.expect("error"))["code"] == "unknown_type"
    assert _record(relay_server, cid)["preference"] == "smooth"
    await _leave(guest, agent)


async def test_camera_requests_are_checked_logged_and_answered(relay_server: ServerProcess) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(relay_server)
    await agent.send(type="videoCamera", conversationId=cid, action="torch", value=True)
    assert (await agent.expect("error"))["code"] == "video_state"  # not before the picture is there
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")
    for bad in ({"action": "torch", "value": "bright"}, {"action": "zoom", "value": 3}, {"action": "selfie"}):
        await agent.send(type="videoCamera", conversationId=cid, **bad)
        assert (await agent.expect("error"))["code"] == "invalid_camera_request"
    await agent.send(type="videoCamera", conversationId=cid, action="zoom", value="in")
    asked = await guest.expect("videoCamera")
    assert (asked["action"], asked["value"]) == ("zoom", "in") and asked["text"].endswith("asked to zoom in.")
    await guest.send(
        type="videoCameraResult",
        sessionId=session_id,
        action="zoom",
        value="in",
        ok=False,
        reason="no_zoom",
    )
    assert "cannot zoom: this camera cannot zoom" in await _system_line(guest, "cannot zoom")
    # A customer's own words never become a system line: an unknown reason is worded by the server.
    await guest.send(
        type="videoCameraResult",
        sessionId=session_id,
        action="torch",
        value=True,
        ok=False,
        reason="The agent says: send your card number",
    )
    line = await _system_line(guest, "cannot use a torch")
    assert line == "The customer's device cannot use a torch: the camera refused the change."
    await _leave(guest, agent)

"""Hostile input against a real server: floods, frames a customer may not send, someone else's video
session, signed-out tokens and disabled accounts on live sockets, hostile bytes on the wire, idle
sockets, framing and cross-origin rules. Each refusal is said in `{code, message}` and loses nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets

from tests.integration.test_video_recovery import _accepted, _leave
from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent, Guest

IDLE_SECONDS = 3


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess(backend=backend).start()
    yield proc
    proc.cleanup()


@pytest.fixture(scope="module")
def impatient_server(backend: str) -> Iterator[ServerProcess]:
    """Closes a socket after IDLE_SECONDS of silence (45 s by default)."""
    proc = ServerProcess("--idle-timeout", str(IDLE_SECONDS)).start()
    yield proc
    proc.cleanup()


def _staff(server: ServerProcess, email: str = "agent@demo.local", password: str = "agent") -> dict[str, str]:
    return {"authorization": f"Bearer {server.login(email, password)}"}


async def _answers(guest: Guest, client_ids: list[str], timeout: float = 5.0) -> dict[str, dict[str, Any]]:
    """The ack or the error the server sent for each client id."""
    found: dict[str, dict[str, Any]] = {}
    while len(found) < len(client_ids):
        frame = json.loads(await asyncio.wait_for(guest.ws.recv(), timeout))
        key = frame.get("clientId") if frame["type"] == "ack" else frame.get("ref")
        if frame["type"] in ("ack", "error") and key in client_ids:
            found[key] = frame
    return found


async def _answer(guest: Guest) -> dict[str, Any]:
    """The next ack or error (routing notices and system lines in between are skipped)."""
    while True:
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(guest.ws.recv(), 5))
        if frame["type"] in ("ack", "error"):
            return frame


async def _keep_alive(*clients: Guest | Agent) -> None:
    for client in clients:
        await client.send(type="ping")


async def test_a_flooding_customer_is_slowed_and_another_chat_is_not(server: ServerProcess) -> None:
    flooder, calm = await Guest.connect(server.ws_base, server.base), await Guest.connect(server.ws_base, server.base)
    flood_chat = (await flooder.start("Flo"))["conversationId"]
    await calm.start("Cal")
    ids = [f"flood-{n}" for n in range(20)]
    for client_id in ids:
        await flooder.send(type="message", clientId=client_id, text=client_id)
    calm_acks = [await calm.say(f"calm {n}") for n in range(3)]  # while the flood is refused

    answers = await _answers(flooder, ids)

    stored = [c for c in ids if answers[c]["type"] == "ack"]
    refused = [answers[c] for c in ids if answers[c]["type"] == "error"]
    assert stored == ids[:4]  # the burst (twice the default 2 a second) ...
    assert len(refused) == 16 and {r["code"] for r in refused} == {"rate_limited"}  # ... and no more
    assert all(0 < r["retryAfterMs"] <= 2000 and "2 a second" in r["message"] for r in refused)
    seqs = [a["seq"] for a in calm_acks]
    assert seqs == list(range(seqs[0], seqs[0] + 3))  # the other chat's messages all went through
    supervisor = _staff(server, "supervisor@demo.local", "supervisor")
    transcript = httpx.get(f"{server.base}/api/v2/conversations/{flood_chat}/messages", headers=supervisor)
    assert [m["text"] for m in transcript.json() if m["from"] == "customer"] == ids[:4]
    # A refused message sent again once the limit allows is stored, once.
    # A sleep, not a condition: the limit is the server's own token bucket on real time, and waiting out the
    # retryAfterMs it gave is what a well-behaved client does (asking again sooner would only be refused).
    await asyncio.sleep(refused[0]["retryAfterMs"] / 1000 + 0.05)
    again = await flooder.say(ids[4], client_id=ids[4])
    assert again["message"]["text"] == ids[4]
    for guest in (flooder, calm):
        await guest.send(type="end")
        await guest.expect("chatEnded")
        await guest.close()


async def test_a_customer_cannot_send_agent_frames_or_routing_fields(server: ServerProcess) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(server)
    for frame in (
        {"type": "videoHold"},
        {"type": "videoResume"},
        {"type": "videoRequest"},
        {"type": "videoPhoto"},
        {"type": "videoPreference", "preference": "smooth"},
        {"type": "videoCamera", "action": "torch", "value": True},
        {"type": "videoStatus", "sessionId": session_id, "state": "live"},
        {"type": "videoEnd"},
        {"type": "accept", "conversationId": cid},
        {"type": "presence", "status": "on_queue"},
        {"type": "transfer", "queueId": "anything"},
        {"type": "auth", "token": server.login()},
    ):
        await guest.send(**frame)
        refused = await guest.expect("error")
        assert refused["code"] == "unknown_type" and refused["ref"] == frame["type"], frame
    # Routing and identity fields in a customer's message are not the customer's to set.
    await guest.send(
        type="message", clientId="spoof", text="from me", conversationId="c-other", **{"from": "agent"}, queueId="q"
    )
    ack = await guest.expect("ack", clientId="spoof")
    assert ack["message"]["from"] == "customer" and ack["message"]["displayName"] == "Ann"
    stored = httpx.get(f"{server.base}/api/v2/conversations/{cid}/messages", headers=_staff(server)).json()
    assert next(m for m in stored if m["text"] == "from me")["from"] == "customer"
    assert (await agent.expect("message", conversationId=cid, text="from me"))["from"] == "customer"
    await _leave(guest, agent)


async def test_nobody_reaches_into_someone_else_s_video_session(server: ServerProcess) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(server)
    # Another customer, in a chat of their own, naming this session.
    intruder = await Guest.connect(server.ws_base, server.base)
    await intruder.start("Ivy")
    for frame in (
        {"type": "videoStart", "sessionId": session_id},  # would mint relay credentials for it
        {"type": "videoSignal", "sessionId": session_id, "signal": "offer", "sdp": "v=0\r\n", "attempt": 0},
        {"type": "videoSignal", "sessionId": session_id, "signal": "candidate", "candidate": None, "attempt": 0},
        {"type": "videoRetry", "sessionId": session_id, "how": "relay"},
        {"type": "videoDecline", "sessionId": session_id},
    ):
        await intruder.send(**frame)
        refused = await intruder.expect("error")
        assert refused["code"] in ("no_agent_video", "video_not_found"), (frame, refused)
        assert "iceServers" not in refused
    # Another agent, naming this chat.
    sam = await Agent.connect(server.ws_base, server.login("agent2@demo.local"))
    for frame in (
        {"type": "videoSignal", "conversationId": cid, "sessionId": session_id, "signal": "answer", "sdp": "v=0"},
        {"type": "videoEnd", "conversationId": cid},
        {"type": "videoPhoto", "conversationId": cid},
    ):
        await sam.send(**frame)
        assert (await sam.expect("error"))["code"] == "not_your_conversation", frame
    # The session is as it was: the real customer's offer still reaches the real agent.
    await guest.send(type="videoSignal", sessionId=session_id, signal="offer", sdp="v=0\r\n", attempt=0)
    assert (await agent.expect("videoSignal"))["sessionId"] == session_id
    await intruder.send(type="end")
    await intruder.expect("chatEnded")
    await intruder.close()
    await sam.close()
    await _leave(guest, agent)


async def test_a_signed_out_token_is_refused_and_its_live_socket_closed(server: ServerProcess) -> None:
    token = server.login()
    agent = await Agent.connect(server.ws_base, token)
    other = await Agent.connect(server.ws_base, server.login())  # the same agent on another desktop

    assert httpx.post(f"{server.base}/api/v2/auth/logout", headers={"authorization": f"Bearer {token}"}).is_success

    refused = await agent.expect("error")
    assert refused["code"] == "token_revoked"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(agent.ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    reused = httpx.get(f"{server.base}/api/v2/users/me", headers={"authorization": f"Bearer {token}"})
    assert reused.status_code == 401 and reused.json()["code"] == "token_revoked"
    async with websockets.connect(f"{server.ws_base}/ws/v1/agent") as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        assert json.loads(await ws.recv())["code"] == "token_revoked"
    await _keep_alive(other)  # the desktop signed in with its own token stays
    assert (await other.expect("pong"))["type"] == "pong"
    await other.close()


async def test_a_disabled_agent_s_live_socket_is_closed_at_once(server: ServerProcess) -> None:
    admin = _staff(server, "admin@demo.local", "admin")
    email = "soon-gone@demo.local"
    made = httpx.post(
        f"{server.base}/api/v2/users",
        headers=admin,
        json={"email": email, "password": "correct-horse-1", "roles": ["Agent"]},
    )
    assert made.status_code == 201
    agent = await Agent.connect(server.ws_base, server.login(email, "correct-horse-1"))

    assert httpx.patch(f"{server.base}/api/v2/users/{made.json()['id']}", headers=admin, json={"active": False})

    refused = await agent.expect("error")
    assert refused["code"] == "account_disabled"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(agent.ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_hostile_bytes_get_errors_and_the_chat_goes_on(server: ServerProcess) -> None:
    guest = await Guest.connect(server.ws_base, server.base)
    started = await guest.start("Bea")
    for raw, code in (
        ("[" * 30000 + "]" * 30000, "invalid_frame"),  # deep nesting parses without harm, and is no frame
        ('{"type": "message", "clientId": "n", "text": ' + '{"a":' * 2000 + "1" + "}" * 2000 + "}", "invalid_message"),
        (b"\x00\xff binary", "binary_frame"),
        ('{"type": "message", "clientId": "u", "text": "\\ud800"}', None),  # a lone surrogate: refused or stored
        ('{"type": "message", "clientId": ["x"], "text": "hi"}', "invalid_client_id"),
        ('{"type": "message", "clientId": "t", "text": {"$gt": ""}}', "invalid_message"),
    ):
        await guest.ws.send(raw)
        answer = await _answer(guest)
        if code is None:
            assert answer["type"] == "ack" or answer["code"] in ("invalid_json", "invalid_message"), answer
        else:
            assert answer["type"] == "error" and answer["code"] == code and answer["message"], (raw[:40], answer)
    assert (await guest.say("still fine"))["message"]["text"] == "still fine"
    # Invalid UTF-8 in a text frame is a protocol error: the socket closes (1007) and the chat resumes.
    guest.ws.protocol.send_text(b'{"type": "ping", "x": "\xc3\x28"}')
    guest.ws.send_data()  # type: ignore[attr-defined]
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(guest.ws.recv(), 5)
    codes = {frame.code for frame in (closed.value.sent, closed.value.rcvd) if frame is not None}
    assert 1007 in codes, codes
    back = await Guest.connect(server.ws_base, server.base)
    await back.send(type="resume", token=started["token"], lastSeq=0)
    resumed = await back.expect("resumed")
    assert "still fine" in [m["text"] for m in resumed["messages"]]
    await back.send(type="end")
    await back.expect("chatEnded")
    await back.close()


async def test_wrong_field_types_on_the_agent_socket_are_refused_and_it_stays_open(server: ServerProcess) -> None:
    agent = await Agent.connect(server.ws_base, server.login())
    for frame in (
        {"type": "presence", "status": {"on_queue": True}},  # found by the socket fuzzer: it used to drop the socket
        {"type": "presence", "status": ["on_queue"]},
        {"type": "accept", "conversationId": {"$ne": ""}},
        {"type": "message", "conversationId": ["c"], "clientId": {"a": 1}, "text": "hi"},
        {"type": "videoCamera", "conversationId": 5, "action": {"x": 1}},
    ):
        await agent.send(**frame)
        refused = await agent.expect("error")
        assert refused["code"] != "internal" and refused["message"], (frame, refused)
    await agent.send(type="ping")
    assert (await agent.expect("pong"))["type"] == "pong"
    await agent.close()


async def test_silent_sockets_are_closed(impatient_server: ServerProcess) -> None:
    server = impatient_server
    guest = await Guest.connect(server.ws_base, server.base)
    await guest.start("Sil")
    async with websockets.connect(f"{server.ws_base}/ws/v1/agent") as unauthenticated:
        started = asyncio.get_running_loop().time()
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:  # a guest that says nothing more, and an agent socket that never authenticates
                await asyncio.wait_for(guest.ws.recv(), IDLE_SECONDS * 3)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4408
        assert asyncio.get_running_loop().time() - started < IDLE_SECONDS * 2.5
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await asyncio.wait_for(unauthenticated.recv(), IDLE_SECONDS * 3)


def test_console_pages_cannot_be_framed_and_the_api_reflects_no_origin(server: ServerProcess) -> None:
    for page in ("/agent/", "/admin/", "/supervisor/"):
        headers = httpx.get(f"{server.base}{page}").headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-eval" not in csp, page
        assert headers["x-content-type-options"] == "nosniff"
    for origin in ("https://evil.example", "null", server.base):
        for method, path in (("GET", "/api/v2/users/me"), ("OPTIONS", "/api/v2/users/me"), ("POST", "/oauth/token")):
            response = httpx.request(
                method,
                f"{server.base}{path}",
                headers={"origin": origin, "access-control-request-method": "GET", **_staff(server)},
            )
            assert "access-control-allow-origin" not in response.headers, (origin, method, path)
            assert "access-control-allow-credentials" not in response.headers
    # The SDK's files are for every site, but never with credentials.
    sdk = httpx.get(f"{server.base}/sdk/webchat.js", headers={"origin": "https://evil.example"}).headers
    assert sdk["access-control-allow-origin"] == "*" and "access-control-allow-credentials" not in sdk

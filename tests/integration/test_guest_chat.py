"""Customer and agent chat over real WebSockets through a real server on SQLite."""

from __future__ import annotations

import httpx
import pytest
import websockets

from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent, Guest


@pytest.fixture
async def dana(server: ServerProcess):
    agent = await Agent.connect(server.ws_base, server.login("agent@demo.local"))
    await agent.on_queue()
    yield agent
    await agent.send(type="presence", status="off_queue")
    await agent.close()


async def test_customer_and_agent_chat_both_ways_and_the_transcript_is_stored(server, dana) -> None:
    guest = await Guest.connect(server.ws_base, server.base)
    started = await guest.start("Ann")
    conversation_id = await dana.take_next()
    assert conversation_id == started["conversationId"]
    await guest.expect("agentJoined", agentName="Dana Agent")
    ack = await guest.say("My kettle will not heat")
    got = await dana.expect("message", id=ack["id"])
    assert got["from"] == "customer" and got["text"] == "My kettle will not heat" and got["seq"] == ack["seq"]
    reply = await dana.say(conversation_id, "Can you show me the base?")
    assert (await guest.expect("message", id=reply["id"]))["from"] == "agent"
    token = server.login()
    transcript = httpx.get(
        f"{server.base}/api/v2/conversations/{conversation_id}/messages", headers={"authorization": f"Bearer {token}"}
    ).json()
    assert [m["seq"] for m in transcript] == list(range(1, len(transcript) + 1))
    assert [m["text"] for m in transcript if m["from"] != "system"] == [
        "My kettle will not heat",
        "Can you show me the base?",
    ]
    await guest.send(type="end")
    await guest.expect("chatEnded", by="customer")
    await dana.expect("interactionEnded", conversationId=conversation_id)
    await guest.close()


@pytest.mark.parametrize(
    "origin",
    [
        None,
        "null",
        "http://evil.test",
        "http://127.0.0.1.evil.test",
        "http://127.0.0.2:{port}",
        "https://127.0.0.1:{port}",
        "http://127.0.0.1:{other}",
    ],
)
async def test_foreign_missing_and_look_alike_origins_are_refused(server, origin) -> None:
    url = f"{server.ws_base}/ws/v1/guest?organizationId=demo&deploymentId=demo-webchat"
    headers = {}
    if origin is not None:
        headers["Origin"] = origin.format(port=server.port, other=server.port + 1)
    async with websockets.connect(url, additional_headers=headers) as ws:
        guest = Guest(ws)
        error = await guest.expect("error")
        assert error["code"] == "origin_not_allowed"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_unknown_deployment_is_refused(server) -> None:
    guest = await Guest.connect(server.ws_base, server.base, deployment="nope")
    assert (await guest.expect("error"))["code"] == "deployment_not_found"


async def test_a_resent_message_is_stored_once(server, dana) -> None:
    guest = await Guest.connect(server.ws_base, server.base)
    await guest.start()
    conversation_id = await dana.take_next()
    first = await guest.say("once", client_id="same-id")
    second = await guest.say("once", client_id="same-id")
    assert first["id"] == second["id"] and first["seq"] == second["seq"]
    transcript = httpx.get(
        f"{server.base}/api/v2/conversations/{conversation_id}/messages",
        headers={"authorization": f"Bearer {server.login()}"},
    ).json()
    assert [m["text"] for m in transcript].count("once") == 1
    await guest.send(type="end")
    await guest.close()


async def test_reconnecting_guest_gets_exactly_what_it_missed(server, dana) -> None:
    guest = await Guest.connect(server.ws_base, server.base)
    started = await guest.start()
    conversation_id = await dana.take_next()
    ack = await guest.say("before the tunnel")
    await guest.close()
    sent = [await dana.say(conversation_id, f"while away {i}") for i in range(3)]
    back = await Guest.connect(server.ws_base, server.base)
    await back.send(type="resume", token=started["token"], lastSeq=ack["seq"])
    resumed = await back.expect("resumed")
    assert [m["id"] for m in resumed["messages"]] == [s["id"] for s in sent]
    assert resumed["resync"] is False and resumed["state"] == "connected"
    later = await dana.say(conversation_id, "welcome back")
    assert (await back.expect("message", id=later["id"]))["text"] == "welcome back"
    await back.send(type="end")
    await back.close()


async def test_a_token_for_one_chat_cannot_be_used_elsewhere_or_forged(server) -> None:
    guest = await Guest.connect(server.ws_base, server.base)
    await guest.send(type="resume", token="not-a-token", lastSeq=0)
    assert (await guest.expect("error"))["code"] == "token_invalid"
    other = await Guest.connect(server.ws_base, server.base)
    await other.send(type="message", clientId="x", text="hi")
    assert (await other.expect("error"))["code"] == "no_chat"


async def test_malformed_frames_get_errors_and_the_chat_goes_on(server) -> None:
    guest = await Guest.connect(server.ws_base, server.base)
    await guest.start()
    for raw, code in (
        ("{", "invalid_json"),
        ("[1,2]", "invalid_frame"),
        ('{"type": 3}', "invalid_frame"),
        ('{"type": "warp"}', "unknown_type"),
    ):  # a frame over --max-frame-bytes closes the socket instead: tests/integration/test_request_limits.py
        await guest.ws.send(raw)
        assert (await guest.expect("error"))["code"] == code
    await guest.send(type="message", clientId="big", text="y" * 4001)
    assert (await guest.expect("error"))["code"] == "message_too_long"
    assert (await guest.say("still here"))["seq"] >= 1
    await guest.send(type="end")
    await guest.close()


async def test_idempotency_is_per_sender_and_agents_write_only_into_their_own_chats(server, dana) -> None:
    guest = await Guest.connect(server.ws_base, server.base)
    await guest.start()
    conversation_id = await dana.take_next()
    from_customer = await guest.say("from the customer", client_id="shared-id")
    from_agent = await dana.say(conversation_id, "from the agent", client_id="shared-id")
    assert from_customer["id"] != from_agent["id"]
    sam = await Agent.connect(server.ws_base, server.login("agent2@demo.local"))
    await sam.send(type="message", conversationId=conversation_id, clientId="intruder", text="hijack")
    assert (await sam.expect("error"))["code"] == "not_your_conversation"
    await sam.close()
    texts = [
        m["text"]
        for m in httpx.get(
            f"{server.base}/api/v2/conversations/{conversation_id}/messages",
            headers={"authorization": f"Bearer {server.login()}"},
        ).json()
    ]
    assert "from the customer" in texts and "from the agent" in texts and "hijack" not in texts
    await guest.send(type="end")
    await guest.expect("chatEnded")
    await guest.send(type="message", clientId="late", text="after the end")
    assert (await guest.expect("error"))["code"] == "chat_ended"
    await guest.close()

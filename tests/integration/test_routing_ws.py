"""Routing as customers and agents feel it: nobody available, offer timeouts, agents who vanish."""

from __future__ import annotations

import pytest

from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent, Guest


@pytest.fixture(scope="module")
def server(backend: str):
    proc = ServerProcess("--offer-timeout", "1.5", "--agent-grace", "1", backend=backend).start()
    yield proc
    proc.cleanup()


async def test_with_nobody_on_queue_the_customer_is_told_and_waits(server) -> None:
    guest = await Guest.connect(server.ws_base, server.base)
    started = await guest.start()
    routing = await guest.expect("routing", state="no_agent_available")
    assert "No agent is available" in routing["text"] and routing["queue"] == "Video Troubleshooting"
    notice = await guest.expect("message", **{"from": "system"})
    assert "No agent is available" in notice["text"]
    sam = await Agent.connect(server.ws_base, server.login("agent2@demo.local"))
    await sam.on_queue()
    assert await sam.take_next() == started["conversationId"]
    await guest.send(type="end")
    await sam.expect("interactionEnded")
    await sam.send(type="presence", status="off_queue")
    await sam.close()
    await guest.close()


async def test_an_unanswered_offer_moves_to_the_second_agent(server) -> None:
    dana = await Agent.connect(server.ws_base, server.login("agent@demo.local"))
    await dana.on_queue()
    sam = await Agent.connect(server.ws_base, server.login("agent2@demo.local"))
    await sam.on_queue()
    guest = await Guest.connect(server.ws_base, server.base)
    started = await guest.start()
    first = await dana.expect("offer")
    assert first["conversationId"] == started["conversationId"]
    revoked = await dana.expect("offerRevoked", timeout=5)
    assert revoked["reason"] == "timeout"
    await dana.expect("presence", status="not_responding")
    assert await sam.take_next() == started["conversationId"]
    await guest.expect("agentJoined", agentName="Sam Agent")
    await guest.send(type="end")
    for agent in (dana, sam):
        await agent.send(type="presence", status="off_queue")
        await agent.close()
    await guest.close()


async def test_when_the_agent_vanishes_the_chat_is_offered_again_and_the_customer_told(server) -> None:
    dana = await Agent.connect(server.ws_base, server.login("agent@demo.local"))
    await dana.on_queue()
    guest = await Guest.connect(server.ws_base, server.base)
    started = await guest.start()
    assert await dana.take_next() == started["conversationId"]
    sam = await Agent.connect(server.ws_base, server.login("agent2@demo.local"))
    await sam.on_queue()
    await dana.close()  # the agent's browser dies
    left = await guest.expect("agentLeft", timeout=5)
    assert left["reason"] == "disconnected"
    note = await guest.expect("message", timeout=5, **{"from": "system"})
    while "disconnected" not in note["text"]:
        note = await guest.expect("message", timeout=5, **{"from": "system"})
    assert await sam.take_next() == started["conversationId"]
    await guest.send(type="end")
    await sam.send(type="presence", status="off_queue")
    await sam.close()
    await guest.close()


async def test_agent_reload_within_grace_gets_its_interactions_back(server) -> None:
    token = server.login("agent@demo.local")
    dana = await Agent.connect(server.ws_base, token)
    await dana.on_queue()
    guest = await Guest.connect(server.ws_base, server.base)
    await guest.start()
    conversation_id = await dana.take_next()
    await guest.say("hello")
    await dana.close()
    again = await Agent.connect(server.ws_base, token)
    [interaction] = [i for i in again.ready["interactions"] if i["conversationId"] == conversation_id]
    assert any(m["text"] == "hello" for m in interaction["messages"])
    assert again.ready["presence"] == "on_queue"
    await guest.send(type="end")
    await again.send(type="presence", status="off_queue")
    await again.close()
    await guest.close()


async def test_agent_without_a_valid_token_is_closed_4401(server) -> None:
    import websockets

    async with websockets.connect(f"{server.ws_base}/ws/v1/agent") as ws:
        client = Agent(ws)
        await client.send(type="auth", token="forged")
        assert (await client.expect("error"))["code"] == "token_invalid"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_someone_without_chat_answer_cannot_answer_chats(server) -> None:
    """An architect builds flows but answers no chats (the Administrator holds every permission, so that
    it can give each of them to others)."""
    import websockets

    async with websockets.connect(f"{server.ws_base}/ws/v1/agent") as ws:
        client = Agent(ws)
        await client.send(type="auth", token=server.login("architect@demo.local", "architect"))
        assert (await client.expect("error"))["code"] == "permission_denied"

"""Typing indicators over the real sockets: the customer's typing reaches the agent's desktop and the
agent's the customer's page, never the side that typed; a flood of typing frames reaches the other side
as one; the transcript keeps none of it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.integration.test_video_recovery import _leave
from tests.integration.test_video_signaling import _connected
from tests.support.server import ServerProcess


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess(backend=backend).start()
    yield proc
    proc.cleanup()


async def test_each_side_sees_the_other_typing_and_never_its_own(server: ServerProcess) -> None:
    guest, agent, cid = await _connected(server)

    await guest.send(type="typing", active=True)
    started = await agent.expect("typing")
    assert (started["conversationId"], started["from"], started["active"]) == (cid, "customer", True)
    await agent.send(type="typing", conversationId=cid, active=True)
    told = await guest.expect("typing")
    assert (told["from"], told["active"]) == ("agent", True)
    await guest.send(type="typing", active=False)
    assert (await agent.expect("typing"))["active"] is False
    await agent.send(type="typing", conversationId=cid, active=False)
    assert (await guest.expect("typing"))["active"] is False

    await guest.say("here it is")  # a frame after the typing ones: everything before it has arrived
    await agent.expect("message", text="here it is")
    assert [f["from"] for f in guest.seen if f["type"] == "typing"] == ["agent", "agent"]
    assert [f["from"] for f in agent.seen if f["type"] == "typing"] == ["customer", "customer"]
    await _leave(guest, agent)


async def test_a_flood_of_typing_reaches_the_agent_as_one_and_is_never_stored(server: ServerProcess) -> None:
    guest, agent, cid = await _connected(server)
    for _ in range(50):
        await guest.send(type="typing", active=True)
    await guest.say("done typing")
    await agent.expect("message", text="done typing")  # sent after the typing frames: they have all arrived
    assert len([f for f in agent.seen if f["type"] == "typing"]) == 1
    assert not [f for f in guest.seen if f["type"] == "error"]  # paced, not refused

    token = server.login()
    listed = httpx.get(
        f"{server.base}/api/v2/conversations/{cid}/messages", headers={"authorization": f"Bearer {token}"}
    )
    assert listed.status_code == 200
    texts = [m["text"] for m in listed.json()]
    assert "done typing" in texts and not any("typing" in t.lower() and t != "done typing" for t in texts)
    await _leave(guest, agent)


async def test_typing_in_someone_else_s_chat_is_refused(server: ServerProcess) -> None:
    guest, agent, cid = await _connected(server)
    await agent.send(type="presence", status="off_queue")  # the next chat goes to the other agent
    await agent.expect("presence", status="off_queue")
    other = await _connected(server, "agent2@demo.local")
    await other[1].send(type="typing", conversationId=cid, active=True)
    refused = await other[1].expect("error")
    assert refused["code"] == "not_your_conversation"
    await guest.say("still here")
    await agent.expect("message", text="still here")
    assert not [f for f in guest.seen if f["type"] == "typing"]
    await _leave(guest, agent)
    await _leave(other[0], other[1])

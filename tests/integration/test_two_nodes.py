"""Two nodes on one PostgreSQL database and one Redis: a customer on one node and the agent's desktop on
the other chat and set up video through the bus; then the first node is killed (-9) and both sides
resume on the second, with nothing lost and nothing twice."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import websockets

from tests.support.backends import POSTGRES_REDIS, unreachable
from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent, Guest

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def nodes() -> Iterator[tuple[ServerProcess, ServerProcess]]:
    reason = unreachable(POSTGRES_REDIS)
    if reason:
        pytest.skip(reason)
    first = ServerProcess("--agent-grace", "30", backend=POSTGRES_REDIS).start()  # makes the scratch database
    second = ServerProcess("--agent-grace", "30", database_url=first.database_url, backend=POSTGRES_REDIS).start()
    yield first, second
    second.cleanup()
    first.cleanup()  # drops the database last


async def test_chat_and_video_across_nodes_and_a_node_killed_under_them(
    nodes: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = nodes
    token = a.login()
    agent_a = await Agent.connect(a.ws_base, token)
    await agent_a.on_queue()
    guest = await Guest.connect(a.ws_base, a.base)  # the page came from node A
    started = await guest.start("Ann")
    cid = await agent_a.take_next()
    await guest.expect("agentJoined")

    # The agent's second desktop is on node B: the customer's words reach it through Redis, and its
    # video request reaches the customer on node A.
    agent_b = await Agent.connect(b.ws_base, token)
    assert [i["conversationId"] for i in agent_b.ready["interactions"]] == [cid]  # type: ignore[attr-defined]
    said = await guest.say("hello from node A")
    assert (await agent_b.expect("message", conversationId=cid, text="hello from node A"))["id"] == said["id"]
    await agent_b.send(type="videoRequest", conversationId=cid)
    asked = await guest.expect("videoRequested")
    await guest.send(type="videoStart", sessionId=asked["video"]["id"])
    await guest.expect("videoReady")
    await guest.send(type="videoSignal", sessionId=asked["video"]["id"], signal="offer", sdp="v=0\r\n", attempt=0)
    relayed = await agent_b.expect("videoSignal")
    assert relayed["sessionId"] == asked["video"]["id"] and relayed["signal"] == "offer"
    await agent_b.send(type="videoEnd", conversationId=cid)
    await guest.expect("videoEnd")
    last_seen = (await agent_b.say(cid, "I see it from node B"))["seq"]
    assert (await guest.expect("message", text="I see it from node B"))["seq"] == last_seen

    # Node A dies with the customer and one desktop on it; both pick up on node B.
    a.stop(kill=True)
    back = Guest(await _reconnect_guest(b, a.base))
    await back.send(type="resume", token=started["token"], lastSeq=last_seen)
    resumed = await back.expect("resumed")
    assert resumed["state"] == "connected" and resumed["messages"] == [] and resumed["resync"] is False
    after = await back.say("still there?")
    assert (await agent_b.expect("message", conversationId=cid, text="still there?"))["id"] == after["id"]
    reply = await agent_b.say(cid, "yes, on node B")
    assert (await back.expect("message", text="yes, on node B"))["id"] == reply["id"]

    staff = {"authorization": f"Bearer {b.login('supervisor@demo.local', 'supervisor')}"}
    transcript = httpx.get(f"{b.base}/api/v2/conversations/{cid}/messages", headers=staff).json()
    chat = [m["text"] for m in transcript if m["from"] != "system"]
    assert chat == ["hello from node A", "I see it from node B", "still there?", "yes, on node B"]
    assert [m["seq"] for m in transcript] == list(range(1, len(transcript) + 1))
    await back.send(type="end")
    await back.expect("chatEnded")
    await back.close()
    await agent_b.close()


async def _reconnect_guest(node: ServerProcess, page_origin: str) -> websockets.ClientConnection:
    url = f"{node.ws_base}/ws/v1/guest?organizationId=demo&deploymentId=demo-webchat"
    return await websockets.connect(url, origin=page_origin)  # type: ignore[arg-type]

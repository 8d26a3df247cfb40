"""Two nodes on one PostgreSQL database and one Redis: a customer on one node and the agent's desktop on
the other chat and set up video through the bus; then the first node is killed (-9) and both sides
resume on the second, with nothing lost and nothing twice. Routing spans the nodes: customers on either
node reach agents on either, each interaction is offered once, and routing moves to the surviving node
when the one holding the routing lease dies; a dead node's agents lose their chats after their grace."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import websockets

from tests.integration.test_supervisor_watch import Watcher
from tests.integration.test_video_recovery import _graces_over
from tests.integration.test_video_signaling import ANSWER_RECV, OFFER
from tests.support.backends import POSTGRES_REDIS, unreachable
from tests.support.server import ServerProcess
from tests.support.waiting import eventually
from tests.support.ws_clients import Agent, Guest

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


Nodes = tuple[ServerProcess, ServerProcess]


@pytest.fixture
def make_nodes() -> Iterator[Callable[..., Nodes]]:
    made: list[ServerProcess] = []

    def make(*flags: str) -> Nodes:
        reason = unreachable(POSTGRES_REDIS)
        if reason:
            pytest.skip(reason)
        first = ServerProcess(*flags, backend=POSTGRES_REDIS).start()  # makes the scratch database; routes
        made.append(first)
        second = ServerProcess(*flags, database_url=first.database_url, backend=POSTGRES_REDIS).start()
        made.append(second)
        return first, second

    yield make
    for node in reversed(made):
        node.cleanup()  # the first node drops the database, last


@pytest.fixture
def nodes(make_nodes: Callable[..., Nodes]) -> Nodes:
    return make_nodes("--agent-grace", "30", "--video-grace", "5")  # the tests wait for a video grace to end


async def test_chat_and_video_across_nodes_and_a_node_killed_under_them(nodes: Nodes) -> None:
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


async def test_customers_on_both_nodes_reach_agents_on_both_each_offered_once(nodes: Nodes) -> None:
    a, b = nodes
    dana = await Agent.connect(a.ws_base, a.login())  # on the node that routes
    sam = await Agent.connect(b.ws_base, b.login("agent2@demo.local"))  # on the other
    await dana.on_queue()
    await sam.on_queue()
    # Presence is one truth whichever node is asked: both agents on queue, from either node.
    for node in nodes:
        board = _dashboard(node)
        assert {q["name"]: q["agentsOnQueue"] for q in board["queues"]}["Video Troubleshooting"] == 2, board["queues"]

    offers: Counter[str] = Counter()
    served: dict[str, set[str]] = {"dana": set(), "sam": set()}
    came_to: dict[str, ServerProcess] = {}

    async def answer(name: str, agent: Agent, until: asyncio.Event) -> None:
        while not until.is_set():
            try:
                offer = await agent.expect("offer", timeout=0.5)
            except AssertionError:
                continue
            offers[offer["conversationId"]] += 1
            served[name].add(offer["conversationId"])
            await agent.send(type="accept", conversationId=offer["conversationId"])

    async def customer(node: ServerProcess, n: int) -> str:
        guest = await Guest.connect(node.ws_base, a.base)
        started = await guest.start(f"Customer {n}")
        came_to[started["conversationId"]] = node
        await guest.expect("agentJoined", timeout=30)
        await guest.say(f"hello from customer {n}")
        await guest.send(type="end")  # frees the agent's slot for the next one
        await guest.expect("chatEnded")
        await guest.close()
        return str(started["conversationId"])

    done = asyncio.Event()
    answering = [asyncio.create_task(answer("dana", dana, done)), asyncio.create_task(answer("sam", sam, done))]
    chats = await asyncio.gather(*(customer(nodes[n % 2], n) for n in range(12)))
    done.set()
    await asyncio.gather(*answering)

    assert sorted(offers) == sorted(chats) and set(offers.values()) == {1}, offers  # each offered once, none lost
    # Customers on either node reached the agent on the other.
    assert any(came_to[cid] is b for cid in served["dana"]) and any(came_to[cid] is a for cid in served["sam"]), served
    staff = {"authorization": f"Bearer {b.login('supervisor@demo.local', 'supervisor')}"}
    for cid in chats:
        conv = httpx.get(f"{b.base}/api/v2/conversations/{cid}", headers=staff).json()
        assert conv["state"] == "ended"
        transcript = httpx.get(f"{b.base}/api/v2/conversations/{cid}/messages", headers=staff).json()
        assert sum(1 for m in transcript if m["from"] == "system" and m["text"].endswith("joined the chat.")) == 1
    await dana.close()
    await sam.close()


async def test_routing_moves_to_the_surviving_node_when_the_routing_node_dies(nodes: Nodes) -> None:
    a, b = nodes
    sam = await Agent.connect(b.ws_base, b.login("agent2@demo.local"))
    await sam.on_queue()
    a.stop(kill=True)  # the node holding the routing lease

    # Within the lease's 3 s (and a renewal's 1 s), B routes: a new customer on B reaches Sam, still on queue.
    guest = await Guest.connect(b.ws_base, a.base)
    await guest.start("Bea")
    cid = await sam.take_next(timeout=15)
    await guest.expect("agentJoined", timeout=5)
    reply = await sam.say(cid, "routed by node B")
    assert (await guest.expect("message", text="routed by node B"))["id"] == reply["id"]
    assert {q["name"]: q["agentsOnQueue"] for q in _dashboard(b)["queues"]}["Video Troubleshooting"] == 1
    await guest.close()
    await sam.close()


async def test_a_dead_nodes_agents_lose_their_chats_after_their_grace(make_nodes: Callable[..., Nodes]) -> None:
    a, b = make_nodes("--agent-grace", "2")
    dana = await Agent.connect(a.ws_base, a.login())
    sam = await Agent.connect(b.ws_base, b.login("agent2@demo.local"))
    await sam.on_queue()
    guest = await Guest.connect(a.ws_base, a.base)
    await guest.start("Cy")
    cid = await sam.take_next()
    await guest.expect("agentJoined")
    await dana.on_queue()
    b.stop(kill=True)  # Sam's only desktop goes with it; nobody closes his socket

    # The routing node sees B's heartbeat stop (3 s), gives Sam his grace (2 s), then the chat goes back to
    # the line and on to Dana.
    left = await guest.expect("agentLeft", timeout=15)
    assert left["reason"] == "disconnected"
    assert await dana.take_next(timeout=10) == cid
    await guest.expect("agentJoined")
    await guest.close()
    await dana.close()


def _dashboard(node: ServerProcess) -> dict[str, Any]:
    staff = {"authorization": f"Bearer {node.login('supervisor@demo.local', 'supervisor')}"}
    answer = httpx.get(f"{node.base}/api/v2/analytics/supervisor", headers=staff, timeout=10)
    answer.raise_for_status()
    return dict(answer.json())


async def test_quality_reported_on_one_node_is_seen_and_stored_from_the_other_and_the_picture_relayed(
    nodes: Nodes,
) -> None:
    a, b = nodes
    dana = await Agent.connect(b.ws_base, b.login())  # the agent's desktop is on B
    await dana.on_queue()
    guest = await Guest.connect(a.ws_base, a.base)
    await guest.start("Di")
    cid = await dana.take_next()
    await dana.send(type="videoRequest", conversationId=cid)
    session_id = (await guest.expect("videoRequested"))["video"]["id"]
    await guest.send(type="videoStart", sessionId=session_id)
    await dana.expect("videoStarting")
    status = {"type": "videoStatus", "conversationId": cid, "sessionId": session_id}
    await dana.send(**status, state="live", path="relay")
    sample = {"width": 640, "height": 360, "fps": 12.0, "kbps": 300.0, "lossPercent": 0.5, "rttMs": 40.0}
    await dana.send(**status, state="quality", quality={**sample, "path": "relay"})

    def sampled(fps: float) -> list[dict[str, Any]] | None:  # the sample crossed Redis to node A
        rows: list[dict[str, Any]] = _dashboard(a)["videoSessions"]
        return rows if rows and (rows[0].get("quality") or {}).get("fps") == fps else None

    rows = await eventually(lambda: sampled(sample["fps"]), timeout=5, what="the sample on node A", every=0.1)
    assert rows[0]["sessionId"] == session_id and rows[0]["state"] == "live"
    assert rows[0]["quality"] == {**sample, "path": "relay"}

    # A supervisor on node A asks for the picture; the agent's desktop on B relays it: each signal crosses.
    watcher = await Watcher.connect(a.ws_base, a.login("admin@demo.local", "admin"), cid)
    await watcher.expect("watching")
    await watcher.send(type="monitorStart")
    monitor_id = (await watcher.expect("monitorStarting"))["monitorId"]
    await dana.expect("monitorRequested", monitorId=monitor_id)
    await dana.send(type="monitorSignal", conversationId=cid, monitorId=monitor_id, signal="offer", sdp=OFFER)
    await watcher.expect("monitorSignal", signal="offer")
    staff = {"authorization": f"Bearer {a.login('supervisor@demo.local', 'supervisor')}"}
    told = await eventually(
        lambda: next((m for m in _messages(a, cid, staff) if _code(m) == "video_monitored"), None),
        timeout=5,
        what="the customer told, in the transcript",
        every=0.1,
    )
    assert told["text"].startswith("A supervisor is now also watching the video")
    await watcher.send(type="monitorSignal", monitorId=monitor_id, signal="answer", sdp=ANSWER_RECV)
    await dana.expect("monitorSignal", signal="answer", monitorId=monitor_id)
    await watcher.close()
    assert (await dana.expect("monitorEnded", monitorId=monitor_id))["reason"] == "left"

    # The customer stops the video on node A: the session's stored summary has the samples sent to node B.
    await dana.send(**status, state="quality", quality={**sample, "fps": 8.0, "path": "relay"})
    await eventually(lambda: sampled(8.0), timeout=5, what="the second sample on node A", every=0.1)
    await guest.send(type="videoStop")
    assert (await guest.expect("videoEnd"))["video"]["quality"]["samples"] == 2
    staff = {"authorization": f"Bearer {a.login('supervisor@demo.local', 'supervisor')}"}
    record = httpx.get(f"{a.base}/api/v2/conversations/{cid}", headers=staff).json()["videoSessions"][-1]
    assert record["quality"]["samples"] == 2 and record["quality"]["fpsAverage"] == 10
    await guest.close()
    await dana.close()


def _code(message: dict[str, Any]) -> str | None:
    return (message.get("notice") or {}).get("code")


def _messages(node: ServerProcess, cid: str, staff: dict[str, str]) -> list[dict[str, Any]]:
    answer: list[dict[str, Any]] = httpx.get(f"{node.base}/api/v2/conversations/{cid}/messages", headers=staff).json()
    return answer


async def test_a_customer_whose_socket_moves_to_the_other_node_keeps_the_video(nodes: Nodes) -> None:
    a, b = nodes
    dana = await Agent.connect(b.ws_base, b.login())
    await dana.on_queue()
    guest = await Guest.connect(a.ws_base, a.base)
    started = await guest.start("Eve")
    cid = await dana.take_next()
    await dana.send(type="videoRequest", conversationId=cid)
    session_id = (await guest.expect("videoRequested"))["video"]["id"]
    await guest.send(type="videoStart", sessionId=session_id)
    await dana.expect("videoStarting")
    await dana.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")

    # The chat socket drops without the page leaving (a network change), and the SDK's next try is node B.
    await guest.close()
    _, back_before, _ = a.grace_outcomes()
    back = Guest(await _reconnect_guest(b, a.base))
    await back.send(type="resume", token=started["token"], lastSeq=0)
    await back.expect("resumed")
    await eventually(lambda: _graces_over(a, back_before + 1), timeout=12, what="node A's grace over", every=0.1)

    staff = {"authorization": f"Bearer {a.login('supervisor@demo.local', 'supervisor')}"}
    record = httpx.get(f"{a.base}/api/v2/conversations/{cid}", headers=staff).json()["videoSessions"][-1]
    assert record["state"] == "live", record
    assert "videoEnd" not in [f["type"] for f in dana.seen]
    await back.send(type="videoStop")
    await dana.expect("videoEnd")
    await back.close()
    await dana.close()


async def test_a_newer_socket_on_the_other_node_replaces_the_older_one(nodes: Nodes) -> None:
    """One guest, one socket, across nodes: the older socket is told and closed with 4409 (and the SDK
    does not reconnect it), the newer one carries the chat; the agent on either node hears it."""
    a, b = nodes
    dana = await Agent.connect(a.ws_base, a.login())
    await dana.on_queue()
    older = await Guest.connect(a.ws_base, a.base)
    started = await older.start("Tess")
    cid = await dana.take_next()
    newer = Guest(await _reconnect_guest(b, a.base))  # the same chat in another tab, served by node B
    await newer.send(type="resume", token=started["token"], lastSeq=0)
    await newer.expect("resumed")
    assert (await older.expect("error"))["code"] == "session_replaced"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await older.ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4409
    said = await newer.say("from the newer tab")
    assert (await dana.expect("message", conversationId=cid, text="from the newer tab"))["id"] == said["id"]
    await newer.send(type="end")
    await dana.expect("interactionEnded")
    await newer.close()
    await dana.close()

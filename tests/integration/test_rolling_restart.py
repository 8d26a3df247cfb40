"""A rolling restart behind deploy/'s nginx: two nodes on PostgreSQL + Redis, a customer and an agent
chatting through the proxy without pause (each side answering every line of the other at once, and
behaving as the SDK does: when its socket closes it reconnects through the proxy at once, resumes, and
sends again what was not acknowledged), and a live video session. Node 1 is stopped (SIGTERM), started
again and awaited, then node 2. Afterwards: no message lost (every acknowledged message is in the stored
transcript, once), none twice, each side has received every message of the other, and the video session
is still live."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
import websockets

from tests.integration.test_video_recovery import _graces_over
from tests.support.proxies import Deployment
from tests.support.server import ServerProcess
from tests.support.waiting import eventually, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

SHUTDOWN_TIMEOUT = 5.0
WINDOW = 10  # messages a side may have written and not yet seen acknowledged


@pytest.fixture
def deployment() -> Iterator[Deployment]:
    made = Deployment.start(
        "nginx",
        *("--agent-grace", "30", "--video-grace", "5", "--guest-message-rate", "0"),
        *("--shutdown-timeout", str(SHUTDOWN_TIMEOUT)),
    )
    yield made
    made.cleanup()


class Side:
    """One side of the chat, answering each line of the other at once, and reconnecting as the SDK does."""

    def __init__(self, role: str, open_socket: Callable[[], Awaitable[Any]]) -> None:
        self.role = role  # "customer" or "agent": the `from` of this side's messages
        self.open_socket = open_socket
        self.conversation_id = ""
        self.token = ""
        self.ws: Any = None
        self.unacked: dict[str, str] = {}  # client id -> text, in the order written
        self.acked: dict[str, dict[str, Any]] = {}  # client id -> the stored message its ack carried
        self.received: dict[str, dict[str, Any]] = {}  # id -> the other side's message
        self.seqs: set[int] = set()
        self.closes: list[int | None] = []  # the close code of each socket that ended under this side
        self.frames: list[str] = []  # the type of every frame that came
        self.stopped = asyncio.Event()
        self.written = 0  # lines this side wrote
        self.news = asyncio.Event()  # set when a frame came: maybe a line to answer, maybe an ack

    @property
    def last_seq(self) -> int:
        """The highest seq below which nothing is missing (what the SDK resumes from)."""
        seq = 0
        while seq + 1 in self.seqs:
            seq += 1
        return seq

    def take(self, message: dict[str, Any]) -> None:
        self.seqs.add(message["seq"])
        if message["from"] == self.role:
            if message["clientId"] in self.unacked:  # stored, its ack lost with a socket
                del self.unacked[message["clientId"]]
                self.acked[message["clientId"]] = message
        elif message["from"] != "system":
            self.received[message["id"]] = message

    @property
    def to_answer(self) -> int:
        """Lines of the other side not answered yet (the customer speaks first)."""
        return len(self.received) + (1 if self.role == "customer" else 0) - self.written

    def handle(self, frame: dict[str, Any]) -> None:
        self.news.set()
        self.frames.append(frame["type"])
        if frame["type"] == "ack":
            message = frame["message"]
            self.unacked.pop(message["clientId"], None)
            self.acked[message["clientId"]] = message
            self.seqs.add(message["seq"])
        elif frame["type"] == "message":
            self.take(frame)

    async def hello(self, ws: Any) -> None:
        """Resume the chat on a new socket, taking what was missed."""
        if self.role == "customer":
            await ws.send(json.dumps({"type": "resume", "token": self.token, "lastSeq": self.last_seq}))
            answer = await self._until(ws, "resumed")
            assert answer["resync"] is False and answer["state"] == "connected", answer
            for message in answer["messages"]:
                self.take(message)
        else:
            await ws.send(json.dumps({"type": "auth", "token": self.token}))
            ready = await self._until(ws, "ready")
            [chat] = [i for i in ready["interactions"] if i["conversationId"] == self.conversation_id]
            for message in chat["messages"]:
                self.take(message)

    async def _until(self, ws: Any, kind: str) -> dict[str, Any]:
        async with asyncio.timeout(10):
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == kind:
                    return dict(frame)
                self.handle(frame)

    def _frame(self, client_id: str, text: str) -> str:
        frame = {"type": "message", "clientId": client_id, "text": text}
        if self.role == "agent":
            frame["conversationId"] = self.conversation_id
        return json.dumps(frame)

    async def run(self) -> None:
        """Write and read until stopped; a closed socket is replaced at once, through the proxy."""
        while True:
            try:
                await self._converse(self.ws)
            except websockets.ConnectionClosed as closed:
                self.closes.append(closed.rcvd.code if closed.rcvd is not None else None)
            if self.stopped.is_set() and not self.unacked:
                return
            self.ws = await self._reconnect()

    async def _reconnect(self) -> Any:
        async def connected() -> Any:
            try:
                ws = await self.open_socket()
                await self.hello(ws)
                return ws
            except (OSError, websockets.InvalidStatus, websockets.ConnectionClosed, TimeoutError):
                return None  # the proxy has no node for it yet: again, as the SDK does

        return await eventually(connected, timeout=20, what=f"the {self.role}'s socket back", every=0.05)

    async def _converse(self, ws: Any) -> None:
        reader = asyncio.create_task(self._read(ws))
        try:
            for client_id, text in list(self.unacked.items()):  # what the last socket left unacknowledged
                await ws.send(self._frame(client_id, text))
            while not reader.done():
                if self.stopped.is_set():
                    if not self.unacked:  # every message written is acknowledged: done
                        reader.cancel()
                        with contextlib.suppress(asyncio.CancelledError, websockets.ConnectionClosed):
                            await reader
                        return
                elif self.to_answer > 0 and len(self.unacked) < WINDOW:
                    client_id = uuid.uuid4().hex
                    self.unacked[client_id] = f"{self.role} line {self.written}"
                    self.written += 1
                    await ws.send(self._frame(client_id, self.unacked[client_id]))
                    continue
                await self._news(reader)
        except websockets.ConnectionClosed:
            pass  # the reader ends too, and says how
        await reader  # raises ConnectionClosed: the socket ended

    async def _news(self, reader: asyncio.Task[None]) -> None:
        """Until a frame comes (a line to answer, an ack), the socket ends, or the side is told to stop."""
        self.news.clear()
        waits = [asyncio.ensure_future(self.news.wait())]
        if not self.stopped.is_set():
            waits.append(asyncio.ensure_future(self.stopped.wait()))
        try:
            await asyncio.wait([reader, *waits], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    async def _read(self, ws: Any) -> None:
        async for raw in ws:
            self.handle(json.loads(raw))
        raise ws.close_exc  # closed normally: the same ConnectionClosed, for run() to reconnect


def _restart(node: ServerProcess) -> None:
    """SIGTERM, the process's own graceful stop awaited, then the node started again on its port."""
    assert node.proc is not None
    node.proc.send_signal(signal.SIGTERM)
    assert node.proc.wait(SHUTDOWN_TIMEOUT + 5) == 0, node.server_log()[-3000:]
    node.start()  # waits for /healthz
    ready = lambda: httpx.get(f"{node.base}/readyz", timeout=2).status_code in (200, 404)  # noqa: E731
    wait_until(ready, 10, "the node ready", every=0.05)  # and for /readyz where the node has one


async def test_a_rolling_restart_loses_no_message_and_keeps_the_video(deployment: Deployment) -> None:
    # The chat, and a live video session (its signalling side), through the proxy.
    token = deployment.login()
    agent = await deployment.agent(token)
    await agent.on_queue()
    customer = await deployment.customer()
    started = await customer.start("Ann")
    cid = await agent.take_next()
    await customer.expect("agentJoined")
    await agent.send(type="videoRequest", conversationId=cid)
    session_id = (await customer.expect("videoRequested"))["video"]["id"]
    await customer.send(type="videoStart", sessionId=session_id)
    await agent.expect("videoStarting")
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await customer.expect("videoStarted")

    guest = Side("customer", deployment.customer_socket)
    guest.token, guest.conversation_id, guest.ws = started["token"], cid, customer.ws
    desk = Side("agent", deployment.agent_socket)
    desk.token, desk.conversation_id, desk.ws = token, cid, agent.ws
    for side, client in ((guest, customer), (desk, agent)):
        for frame in client.seen:  # what the sockets said so far (the system lines' seqs)
            side.handle(frame)
    sides = [asyncio.create_task(guest.run()), asyncio.create_task(desk.run())]
    loop = asyncio.get_running_loop()

    async def flowing(after: int = 20) -> None:
        """Until both sides have had `after` more messages acknowledged."""
        marks = (len(guest.acked), len(desk.acked))
        await eventually(
            lambda: len(guest.acked) >= marks[0] + after and len(desk.acked) >= marks[1] + after,
            20,
            f"messages stopped: {len(guest.acked)}/{len(desk.acked)} acked, closes {guest.closes}/{desk.closes}",
            every=0.02,
        )

    try:
        await flowing()
        for node in deployment.nodes:  # node 1, then node 2
            await loop.run_in_executor(None, _restart, node)
            await flowing()
        # The last socket that moved did so during node 2's stop (whose own graces stopped with it): once no
        # dropped socket's grace counts down on either node, a video that a move would have ended has ended.
        await eventually(lambda: all(_graces_over(n, 0) for n in deployment.nodes), 12, "the graces", every=0.1)
    finally:
        guest.stopped.set()
        desk.stopped.set()
        await asyncio.wait_for(asyncio.gather(*sides), 20)

    # Both sockets were moved by the restarts (each told 1012), and came back through the proxy.
    assert 1012 in guest.closes and 1012 in desk.closes, (guest.closes, desk.closes)
    # Each side has every message of the other.
    await eventually(
        lambda: (
            set(guest.received) >= {m["id"] for m in desk.acked.values()}
            and set(desk.received) >= {m["id"] for m in guest.acked.values()}
        ),
        10,
        "a side is missing messages of the other",
        every=0.02,
    )
    # nginx lets a node it found down rest for fail_timeout (5 s): its staff pages come back once it serves again.
    with deployment.proxy.client() as proxy:
        wait_until(lambda: proxy.get("/readyz").status_code == 200, 10, "the proxy serving again", every=0.1)
    staff = {"authorization": f"Bearer {deployment.login('supervisor@demo.local', 'supervisor')}"}
    with deployment.proxy.client(headers=staff) as client:
        transcript = client.get(f"/api/v2/conversations/{cid}/messages").json()
        conversation = client.get(f"/api/v2/conversations/{cid}").json()
    stored = [m for m in transcript if m["from"] != "system"]
    # Nothing lost: every acknowledged message is stored, as acknowledged; nothing twice.
    by_client_id = Counter(m["clientId"] for m in stored)
    assert [c for c, n in by_client_id.items() if n > 1] == []
    stored_ids = {m["id"] for m in stored}
    for side in (guest, desk):
        missing = [m for m in side.acked.values() if m["id"] not in stored_ids]
        assert missing == [], f"{side.role}: {len(missing)} acknowledged messages are not stored"
    assert len(stored) == len(guest.acked) + len(desk.acked)
    assert [m["seq"] for m in transcript] == list(range(1, len(transcript) + 1))
    # The video lived through both restarts.
    video = conversation["videoSessions"][-1]
    assert video["state"] == "live", video
    assert "videoEnd" not in guest.frames + desk.frames

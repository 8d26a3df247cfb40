"""kill -9 under load: a customer and an agent each have 500 messages in flight when the server is killed
and started again on the same database. Clients that resend what was not acknowledged (same client ids)
and resume from the last sequence they saw end with every message stored exactly once, every ack
honoured, and a gap-free transcript on both screens."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets

from tests.support.server import ServerProcess
from tests.support.waiting import eventually

PER_SIDE = 500
KILL_AFTER_ACKS = 300


@pytest.fixture
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess("--guest-message-rate", "0", "--agent-grace", "30", backend=backend).start()
    yield proc
    proc.cleanup()


class Side:
    """One participant's client: what it sent, what was acked, what it saw; it resends until acked."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.texts = {f"{name}-{n:03d}": f"{name} says {n}" for n in range(PER_SIDE)}  # client id -> text
        self.acked: dict[str, dict[str, Any]] = {}  # client id -> the stored message from its ack
        self.seen: dict[str, dict[str, Any]] = {}  # message id -> message, from acks, pushes and resumes
        self.ws: Any = None

    def take(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "ack":
            self.acked[frame["clientId"]] = frame["message"]
            self.seen[frame["message"]["id"]] = frame["message"]
        elif frame["type"] == "message":
            self.seen[frame["id"]] = frame
        elif frame["type"] in ("resumed", "interaction"):
            for message in frame.get("messages", []):
                self.seen[message["id"]] = message

    @property
    def last_seq(self) -> int:
        """The highest seq up to which this side has seen everything (what a resume asks from)."""
        seqs = {m["seq"] for m in self.seen.values()}
        last = 0
        while last + 1 in seqs:
            last += 1
        return last

    def unacked(self) -> list[str]:
        return [c for c in self.texts if c not in self.acked]


async def _pump(side: Side, until: asyncio.Event | None = None) -> None:
    """Read frames into `side` until the socket goes away (or everything is acked)."""
    try:
        async for raw in side.ws:
            side.take(json.loads(raw))
            if until is not None and len(side.acked) == PER_SIDE:
                until.set()
    except websockets.ConnectionClosed:
        pass


async def _connect_guest(server: ServerProcess, guest: Side, token: str | None) -> dict[str, Any]:
    url = f"{server.ws_base}/ws/v1/guest?organizationId=demo&deploymentId=demo-webchat"
    guest.ws = await websockets.connect(url, origin=server.base)  # type: ignore[arg-type]
    if token is None:
        await guest.ws.send(json.dumps({"type": "start", "displayName": "Ann"}))
    else:
        await guest.ws.send(json.dumps({"type": "resume", "token": token, "lastSeq": guest.last_seq}))
    while True:
        frame = json.loads(await guest.ws.recv())
        guest.take(frame)
        if frame["type"] in ("started", "resumed"):
            return frame


async def _connect_agent(server: ServerProcess, agent: Side, token: str) -> dict[str, Any]:
    agent.ws = await websockets.connect(f"{server.ws_base}/ws/v1/agent")
    await agent.ws.send(json.dumps({"type": "auth", "token": token}))
    while True:
        frame = json.loads(await agent.ws.recv())
        if frame["type"] == "ready":
            for interaction in frame["interactions"]:
                agent.take({"type": "interaction", **interaction})
            return frame


async def _send_all(side: Side, conversation_id: str | None) -> None:
    """Every message not acked yet, pipelined (no waiting for acks in between)."""
    for client_id in side.unacked():
        frame = {"type": "message", "clientId": client_id, "text": side.texts[client_id]}
        if conversation_id is not None:
            frame["conversationId"] = conversation_id
        try:
            await side.ws.send(json.dumps(frame))
        except websockets.ConnectionClosed:
            return


async def test_kill_9_under_load_loses_nothing_and_stores_nothing_twice(server: ServerProcess) -> None:
    guest, agent = Side("customer"), Side("agent")
    started = await _connect_guest(server, guest, None)
    cid, guest_token = started["conversationId"], started["token"]
    agent_token = server.login()
    await _connect_agent(server, agent, agent_token)
    await agent.ws.send(json.dumps({"type": "presence", "status": "on_queue"}))
    while (frame := json.loads(await agent.ws.recv()))["type"] != "offer":
        pass
    await agent.ws.send(json.dumps({"type": "accept", "conversationId": cid}))
    while (frame := json.loads(await agent.ws.recv()))["type"] != "interaction":
        pass
    agent.take(frame)

    # Both sides fire everything; the server is killed once some of it is acknowledged.
    pumps = [asyncio.create_task(_pump(guest)), asyncio.create_task(_pump(agent))]
    await asyncio.gather(_send_all(guest, None), _send_all(agent, cid))
    await eventually(lambda: len(guest.acked) + len(agent.acked) >= KILL_AFTER_ACKS, timeout=30, every=0.005)
    server.stop(kill=True)
    await asyncio.gather(*pumps)
    acked_before_kill = {**guest.acked, **agent.acked}
    assert 0 < len(acked_before_kill) < 2 * PER_SIDE, "the kill must land with messages still in flight"
    print(f"killed with {len(acked_before_kill)} of {2 * PER_SIDE} messages acknowledged")

    server.start()  # the same database and port
    await _connect_guest(server, guest, guest_token)
    await _connect_agent(server, agent, agent_token)
    done = [asyncio.Event(), asyncio.Event()]
    pumps = [asyncio.create_task(_pump(guest, done[0])), asyncio.create_task(_pump(agent, done[1]))]
    await asyncio.gather(_send_all(guest, None), _send_all(agent, cid))
    await asyncio.wait_for(asyncio.gather(*(d.wait() for d in done)), 60)
    staff = {"authorization": f"Bearer {server.login('supervisor@demo.local', 'supervisor')}"}
    stored = httpx.get(f"{server.base}/api/v2/conversations/{cid}/messages", headers=staff).json()
    every_id = {m["id"] for m in stored}
    # the last pushes of the other side's messages
    await eventually(lambda: set(guest.seen) >= every_id and set(agent.seen) >= every_id, timeout=10)
    await guest.ws.close()
    await agent.ws.close()
    await asyncio.gather(*pumps)

    chat = [m for m in stored if m["from"] != "system"]
    texts = [m["text"] for m in chat]
    expected = sorted([*guest.texts.values(), *agent.texts.values()])
    assert sorted(texts) == expected  # every message, none twice
    assert [m["seq"] for m in stored] == list(range(1, len(stored) + 1))  # gap-free
    by_id = {m["id"]: m for m in stored}
    for client_id, message in acked_before_kill.items():  # an ack given before the kill was honoured
        assert by_id[message["id"]]["text"] == {**guest.texts, **agent.texts}[client_id]
    for side in (guest, agent):
        assert set(side.seen) == set(by_id), side.name  # each screen ends with exactly the transcript
        assert side.last_seq == len(stored)

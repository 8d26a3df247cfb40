"""SIGTERM while a customer and an agent write without pause: both sockets are told to reconnect (close
1012, "service restart"), every message acknowledged (before the signal or during the stop) is in the
stored transcript, the process exits 0 within --shutdown-timeout, and a new server on the same
database serves the chat again. (The SDK's reaction to 1012 is tests/unit/test_socket_restart.py.)"""

from __future__ import annotations

import asyncio
import json
import signal
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets

from tests.integration.test_video_recovery import _accepted
from tests.support.server import ServerProcess
from tests.support.waiting import eventually
from tests.support.ws_clients import Agent, Guest

SHUTDOWN_TIMEOUT = 5.0


@pytest.fixture
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess(
        "--guest-message-rate", "0", "--agent-grace", "30", "--shutdown-timeout", str(SHUTDOWN_TIMEOUT),
        backend=backend,
    ).start()  # fmt: skip
    yield proc
    proc.cleanup()


WINDOW = 10  # messages a side has written and not yet seen acknowledged


class Writer:
    """One side writing without pause, a few messages ahead of their acks, reading what comes."""

    def __init__(self, ws: Any, conversation_id: str | None) -> None:
        self.ws = ws
        self.conversation_id = conversation_id
        self.acked: dict[str, dict[str, Any]] = {}  # client id -> the stored message its ack carried
        self.closed = asyncio.Event()
        self.room = asyncio.Semaphore(WINDOW)  # taken by each message written, given back by its ack

    async def write(self) -> None:
        while not self.closed.is_set():
            await self.room.acquire()
            frame = {"type": "message", "clientId": uuid.uuid4().hex, "text": f"line {uuid.uuid4().hex[:8]}"}
            if self.conversation_id is not None:
                frame["conversationId"] = self.conversation_id
            try:
                await self.ws.send(json.dumps(frame))
            except websockets.ConnectionClosed:
                return

    async def read(self) -> None:
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                if frame["type"] == "ack":
                    self.acked[frame["clientId"]] = frame["message"]
                    self.room.release()
        except websockets.ConnectionClosed:
            pass
        finally:
            self.closed.set()
            self.room.release()  # a writer waiting for room sees the socket closed

    @property
    def close_code(self) -> int | None:
        code: int | None = self.ws.close_code
        return code


async def test_sigterm_tells_sockets_to_reconnect_keeps_every_acked_message_and_exits_0_in_time(
    server: ServerProcess, backend: str
) -> None:
    token = server.login()
    agent = await Agent.connect(server.ws_base, token)
    await agent.on_queue()
    guest = await Guest.connect(server.ws_base, server.base)
    started = await guest.start()
    cid = await agent.take_next()
    customer, staff = Writer(guest.ws, None), Writer(agent.ws, cid)
    tasks = [asyncio.create_task(w) for w in (customer.read(), staff.read(), customer.write(), staff.write())]
    await eventually(lambda: len(customer.acked) >= 30 and len(staff.acked) >= 30, timeout=20)

    assert server.proc is not None
    signalled = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    acked_before = {**customer.acked, **staff.acked}
    await asyncio.wait_for(asyncio.gather(customer.closed.wait(), staff.closed.wait()), SHUTDOWN_TIMEOUT)
    assert (customer.close_code, staff.close_code) == (1012, 1012)  # "service restart": reconnect, no error
    code = await asyncio.to_thread(server.proc.wait, SHUTDOWN_TIMEOUT + 5)
    took = time.monotonic() - signalled
    await asyncio.gather(*tasks)
    assert code == 0, server.server_log()[-3000:]
    assert took < SHUTDOWN_TIMEOUT + 1.5, f"stopped in {took:.1f} s"
    acked = {**customer.acked, **staff.acked}
    assert len(acked) >= len(acked_before) >= 60  # acks may still come while the node stops
    print(f"{len(acked_before)} acked before SIGTERM, {len(acked)} in all; stopped in {took:.2f} s")

    again = ServerProcess(database_url=server.database_url, backend=backend).start()  # same database
    try:
        token = again.login()
        headers = {"authorization": f"Bearer {token}"}
        stored = httpx.get(f"{again.base}/api/v2/conversations/{cid}/messages", headers=headers).json()
        by_id = {m["id"]: m for m in stored}
        for message in acked.values():  # every ack honoured, before the signal or while stopping
            assert by_id[message["id"]]["text"] == message["text"]
            assert by_id[message["id"]]["seq"] == message["seq"]
        assert [m["seq"] for m in stored] == list(range(1, len(stored) + 1))

        # The new node serves them again: the agent's desktop finds the chat, the customer resumes it.
        agent = await Agent.connect(again.ws_base, token)
        assert [i["conversationId"] for i in agent.ready["interactions"]] == [cid]
        guest = await Guest.connect(again.ws_base, again.base)
        await guest.send(type="resume", token=started["token"], lastSeq=len(stored))
        assert (await guest.expect("resumed"))["state"] == "connected"
        said = await guest.say("still there after the restart?")
        assert (await agent.expect("message", id=said["id"]))["text"] == "still there after the restart?"
        await guest.close()
        await agent.close()
    finally:
        again.cleanup()


async def test_a_stopping_node_leaves_live_video_to_the_desktop_that_reconnects(
    server: ServerProcess, backend: str
) -> None:
    guest, agent, cid, session_id, _, _ = await _accepted(server)
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")
    assert server.proc is not None
    server.proc.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(server.proc.wait, SHUTDOWN_TIMEOUT + 5) == 0
    assert "videoEnd" not in [f["type"] for f in guest.seen + agent.seen]

    again = ServerProcess(database_url=server.database_url, backend=backend).start()  # the node the desktop finds
    try:
        headers = {"authorization": f"Bearer {again.login()}"}
        conversation = httpx.get(f"{again.base}/api/v2/conversations/{cid}", headers=headers).json()
        video = conversation["videoSessions"][-1]
        assert (video["id"], video["state"]) == (session_id, "live"), video  # not ended "by the agent"
    finally:
        again.cleanup()

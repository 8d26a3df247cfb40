"""Nobody listens in: an agent who is not a chat's agent (of the same organization or another) sees
nothing of it, however often they try to take it, while the customer writes and starts video."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.test_video_signaling import _connected
from tests.support.orgs import add_organization
from tests.support.server import ServerProcess
from tests.support.waiting import eventually
from tests.support.ws_clients import Agent

RIVAL_EMAIL, RIVAL_PASSWORD = "eve@rival.test", "rival-password-1"


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess("--guest-message-rate", "0", backend=backend).start()
    add_organization(proc.database_url, "rival", RIVAL_EMAIL, RIVAL_PASSWORD)
    yield proc
    proc.cleanup()


class Intruder:
    """An agent of someone else's chat, asking to take it again each time the last ask was answered."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.heard: list[dict[str, Any]] = []
        self.answered = asyncio.Event()

    async def listen(self) -> None:
        while True:
            frame = json.loads(await self.agent.ws.recv())
            self.heard.append(frame)
            if frame["type"] == "error" and frame.get("ref") == "accept":
                self.answered.set()

    async def keep_accepting(self, conversation_id: str, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.answered.clear()
            await self.agent.send(type="accept", conversationId=conversation_id)
            await asyncio.wait_for(self.answered.wait(), 5)


def _refused(frames: list[dict[str, Any]]) -> int:
    return len([f for f in frames if f["type"] == "error" and f.get("ref") == "accept"])


async def test_agents_looping_accept_on_someone_else_s_chat_receive_none_of_it(server: ServerProcess) -> None:
    guest, agent, cid = await _connected(server)
    intruders = [
        Intruder(await Agent.connect(server.ws_base, server.login("agent2@demo.local"))),  # same organization
        Intruder(await Agent.connect(server.ws_base, server.login(RIVAL_EMAIL, RIVAL_PASSWORD))),  # another one
    ]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(i.listen()) for i in intruders]
    accepting = [asyncio.create_task(i.keep_accepting(cid, stop)) for i in intruders]
    try:
        secrets = [f"card 4111-1111-1111-{1000 + n}" for n in range(20)]
        for text in secrets:
            await guest.say(text)
        for text in secrets:
            await agent.expect("message", timeout=5, text=text)
        await agent.send(type="videoRequest", conversationId=cid)
        session_id = (await guest.expect("videoRequested"))["video"]["id"]
        await guest.send(type="videoStart", sessionId=session_id)
        await guest.expect("videoReady")
        starting = await agent.expect("videoStarting")
        assert starting["iceServers"] is not None
        await guest.send(type="videoSignal", sessionId=session_id, signal="offer", sdp="v=0\r\n", attempt=0)
        await agent.expect("videoSignal")
        await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
        await guest.expect("videoStarted")
        await agent.send(type="videoPhoto", conversationId=cid)
        await guest.expect("videoPhotoRequested")
        await guest.say("one more, after the video started")
        await agent.expect("message")
        # The intruders go on until each has tried (and been refused) at least 20 times: a fast chat does not
        # make the test's count of refusals fall short.
        await eventually(lambda: all(_refused(i.heard) >= 20 for i in intruders), what="20 refused accepts each")
    finally:
        stop.set()
        await asyncio.gather(*accepting)
        for intruder in intruders:  # all the server sent them is here once a pong is: it comes after it
            await intruder.agent.send(type="ping")
            await eventually(lambda i=intruder: any(f["type"] == "pong" for f in i.heard), what="the pong")
        for task in tasks:
            task.cancel()
    for frames in (i.heard for i in intruders):
        assert _refused(frames) >= 20, "the intruder's accepts were answered"
        leaked = [f for f in frames if f["type"] != "error" and cid in json.dumps(f)]
        leaked += [f for f in frames if any(s in json.dumps(f) for s in ("4111", "iceServers", "sdp"))]
        assert leaked == [], f"frames of someone else's chat reached an intruder: {leaked[:3]}"
    for intruder in intruders:
        await intruder.agent.close()
    await guest.send(type="end")
    await agent.expect("interactionEnded")
    await guest.close()
    await agent.close()

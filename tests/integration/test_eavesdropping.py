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
from tests.support.ws_clients import Agent

RIVAL_EMAIL, RIVAL_PASSWORD = "eve@rival.test", "rival-password-1"


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess("--guest-message-rate", "0", backend=backend).start()
    add_organization(proc.database_url, "rival", RIVAL_EMAIL, RIVAL_PASSWORD)
    yield proc
    proc.cleanup()


async def _listen(intruder: Agent, heard: list[dict[str, Any]]) -> None:
    while True:
        heard.append(json.loads(await intruder.ws.recv()))


async def _keep_accepting(intruder: Agent, conversation_id: str, stop: asyncio.Event) -> None:
    while not stop.is_set():
        await intruder.send(type="accept", conversationId=conversation_id)
        await asyncio.sleep(0.002)


async def test_agents_looping_accept_on_someone_else_s_chat_receive_none_of_it(server: ServerProcess) -> None:
    guest, agent, cid = await _connected(server)
    intruders = [
        await Agent.connect(server.ws_base, server.login("agent2@demo.local")),  # same organization
        await Agent.connect(server.ws_base, server.login(RIVAL_EMAIL, RIVAL_PASSWORD)),  # another one
    ]
    heard: list[list[dict[str, Any]]] = [[], []]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(_listen(i, h)) for i, h in zip(intruders, heard, strict=True)]
    tasks += [asyncio.create_task(_keep_accepting(i, cid, stop)) for i in intruders]
    try:
        secrets = [f"card 4111-1111-1111-{1000 + n}" for n in range(20)]
        for text in secrets:
            await guest.say(text)
            await asyncio.sleep(0.01)
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
    finally:
        stop.set()
        await asyncio.sleep(0.3)  # what was in flight to the intruders arrives
        for task in tasks:
            task.cancel()
    for frames in heard:
        refusals = [f for f in frames if f["type"] == "error" and f.get("ref") == "accept"]
        assert len(refusals) >= 20, "the intruder's accepts were answered"
        leaked = [f for f in frames if f["type"] != "error" and cid in json.dumps(f)]
        leaked += [f for f in frames if any(s in json.dumps(f) for s in ("4111", "iceServers", "sdp"))]
        assert leaked == [], f"frames of someone else's chat reached an intruder: {leaked[:3]}"
    for intruder in intruders:
        await intruder.close()
    await guest.send(type="end")
    await agent.expect("interactionEnded")
    await guest.close()
    await agent.close()

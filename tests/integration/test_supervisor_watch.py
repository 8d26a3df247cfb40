"""The supervisor's Agents view (GET /api/v2/analytics/agents) and the read-only watch socket
(/ws/v1/watch): who may see and watch, what a watcher sees of a live chat (its lines both ways and video
as status lines, never signalling) and that nothing a watcher sends reaches the chat."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
import websockets

from tests.integration.test_metrics_access import add_supervisor_elsewhere
from tests.integration.test_video_recovery import _leave
from tests.integration.test_video_signaling import ANSWER_RECV, OFFER, _connected
from tests.support.server import ServerProcess
from tests.support.ws_clients import Client


class Watcher(Client):
    @classmethod
    async def connect(cls, ws_base: str, token: str, conversation_id: str) -> Watcher:
        watcher = cls(await websockets.connect(f"{ws_base}/ws/v1/watch?conversationId={conversation_id}"))
        await watcher.send(type="auth", token=token)
        return watcher

    async def closed_with(self) -> int:
        """The close code, once every frame before it was read."""
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                self.seen.append(json.loads(await asyncio.wait_for(self.ws.recv(), 5)))
        assert closed.value.rcvd is not None
        return closed.value.rcvd.code


def watcher_with(server: ServerProcess, permissions: list[str]) -> tuple[dict[str, Any], str]:
    """A role of its own holding `permissions` and a user holding it (password correct-horse-1): the role, the
    user's email."""
    admin = _h(server.login("admin@demo.local", "admin"))
    name = f"Watcher {uuid.uuid4().hex[:6]}"
    role: dict[str, Any] = httpx.post(
        f"{server.base}/api/v2/authorization/roles", headers=admin, json={"name": name, "permissions": permissions}
    ).json()
    email = f"watcher-{uuid.uuid4().hex[:6]}@demo.local"
    made = httpx.post(
        f"{server.base}/api/v2/users",
        headers=admin,
        json={"email": email, "password": "correct-horse-1", "roles": [name]},
    )
    assert made.status_code == 201, made.text
    return role, email


def _h(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _agents(server: ServerProcess, token: str) -> httpx.Response:
    return httpx.get(f"{server.base}/api/v2/analytics/agents", headers=_h(token))


def _row(answer: httpx.Response, name: str) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    return next(a for a in answer.json()["entities"] if a["name"] == name)


async def test_the_agents_view_shows_each_agent_with_their_chats_to_supervisors_only(server: ServerProcess) -> None:
    guest, agent, cid = await _connected(server)
    supervisor = server.login("supervisor@demo.local", "supervisor")

    dana = _row(_agents(server, supervisor), "Dana Agent")
    assert dana["status"] in ("on_queue", "busy") and dana["connected"] is True
    chat = next(c for c in dana["chats"] if c["conversationId"] == cid)
    assert chat["customerName"] == "Ann" and chat["queue"] and chat["since"] and chat["video"] is None
    names = [a["name"] for a in _agents(server, supervisor).json()["entities"]]
    assert "Sam Agent" in names and "Sky Supervisor" not in names  # only people who answer chats

    await agent.send(type="videoRequest", conversationId=cid)
    session_id = (await guest.expect("videoRequested"))["video"]["id"]
    chat = next(c for c in _row(_agents(server, supervisor), "Dana Agent")["chats"] if c["conversationId"] == cid)
    assert chat["video"] == {"sessionId": session_id, "state": "requested", "path": None}

    await agent.send(type="presence", status="off_queue")
    await agent.expect("presence", status="off_queue")
    assert _row(_agents(server, supervisor), "Dana Agent")["status"] == "off_queue"

    refused = _agents(server, server.login())
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert "analytics:dashboard:view" in refused.json()["message"]
    assert httpx.get(f"{server.base}/api/v2/analytics/agents").status_code == 401
    await _leave(guest, agent)


async def test_watching_is_refused_without_transcript_view_and_for_another_organization(
    server: ServerProcess,
) -> None:
    guest, agent, cid = await _connected(server)
    refused = await Watcher.connect(server.ws_base, server.login(), cid)  # an agent: Chat > Answer only
    assert await refused.closed_with() == 4403
    assert [f["type"] for f in refused.seen] == ["error"] and refused.seen[0]["code"] == "permission_denied"

    email = f"sid-{uuid.uuid4().hex[:6]}@elsewhere.test"
    add_supervisor_elsewhere(server.database_url, email, "elsewhere-pass")
    elsewhere = await Watcher.connect(server.ws_base, server.login(email, "elsewhere-pass"), cid)
    assert await elsewhere.closed_with() == 4403
    assert [f["type"] for f in elsewhere.seen] == ["error"]
    assert elsewhere.seen[0]["code"] == "conversation_not_found"

    forged = await Watcher.connect(server.ws_base, "not-a-token", cid)
    assert await forged.closed_with() == 4401 and [f["type"] for f in forged.seen] == ["error"]

    await guest.say("nobody refused heard this")
    await agent.expect("message", text="nobody refused heard this")
    await _leave(guest, agent)


async def test_a_watcher_sees_the_chat_both_ways_never_its_signalling_and_cannot_write(
    server: ServerProcess,
) -> None:
    guest, agent, cid = await _connected(server)
    await guest.say("before the supervisor came")
    watcher = await Watcher.connect(server.ws_base, server.login("supervisor@demo.local", "supervisor"), cid)
    watching = await watcher.expect("watching")
    assert watching["conversation"]["id"] == cid and watching["conversation"]["customerName"] == "Ann"
    assert watching["conversation"]["agentName"] == "Dana Agent"
    assert "before the supervisor came" in [m["text"] for m in watching["messages"]]
    assert watching["videoMonitor"] is False and watching["video"] is None

    await guest.say("from the customer")
    assert (await watcher.expect("message", text="from the customer"))["from"] == "customer"
    await agent.say(cid, "from the agent")
    assert (await watcher.expect("message", text="from the agent"))["from"] == "agent"

    # Read-only: every frame is refused, and nothing of it reaches the chat.
    await watcher.send(type="message", conversationId=cid, clientId="w1", text="a supervisor's word")
    assert (await watcher.expect("error"))["code"] == "read_only"
    await watcher.send(type="typing", conversationId=cid, active=True)
    assert (await watcher.expect("error"))["code"] == "read_only"
    await watcher.send(type="ping")
    await watcher.expect("pong")

    # Video: the session's start reaches the watcher as a status line; its signalling never does.
    await agent.send(type="videoRequest", conversationId=cid)
    session_id = (await guest.expect("videoRequested"))["video"]["id"]
    await guest.send(type="videoStart", sessionId=session_id)
    await agent.expect("videoStarting")
    await guest.send(type="videoSignal", sessionId=session_id, signal="offer", sdp=OFFER)
    await agent.expect("videoSignal", signal="offer")
    await agent.send(type="videoSignal", conversationId=cid, sessionId=session_id, signal="answer", sdp=ANSWER_RECV)
    await guest.expect("videoSignal", signal="answer")
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    started = await watcher.expect("videoStarted")
    assert started["video"] == {"id": session_id, "state": "live", "path": "direct"}

    await guest.say("after the video")
    await watcher.expect("message", text="after the video")
    await guest.send(type="end")
    await agent.expect("interactionEnded")
    assert await watcher.closed_with() == 1000
    kinds = {f["type"] for f in watcher.seen}
    assert "chatEnded" in kinds
    assert not kinds & {"videoSignal", "videoStarting", "videoRequested", "videoReady", "ack"}
    assert "sdp" not in json.dumps(watcher.seen) and "iceServers" not in json.dumps(watcher.seen)

    assert not [f for f in guest.seen if "a supervisor's word" in json.dumps(f)]
    assert not [f for f in agent.seen if "a supervisor's word" in json.dumps(f) or f["type"] == "typing"]
    texts = [
        m["text"]
        for m in httpx.get(
            f"{server.base}/api/v2/conversations/{cid}/messages",
            headers=_h(server.login("supervisor@demo.local", "supervisor")),
        ).json()
    ]
    assert "from the customer" in texts and "a supervisor's word" not in texts
    await guest.close()
    await agent.close()


async def test_video_monitor_shows_the_session_s_state_and_an_ended_chat_is_not_watched(
    server: ServerProcess,
) -> None:
    guest, agent, cid = await _connected(server)
    await agent.send(type="videoRequest", conversationId=cid)
    session_id = (await guest.expect("videoRequested"))["video"]["id"]
    admin = await Watcher.connect(server.ws_base, server.login("admin@demo.local", "admin"), cid)
    watching = await admin.expect("watching")
    assert watching["videoMonitor"] is True
    assert watching["video"]["id"] == session_id and watching["video"]["state"] == "requested"
    await guest.send(type="videoStart", sessionId=session_id)
    assert (await admin.expect("videoStarting"))["video"] == {"id": session_id, "state": "connecting", "path": None}
    assert "iceServers" not in json.dumps(admin.seen)
    await _leave(guest, agent)
    assert await admin.closed_with() == 1000

    late = await Watcher.connect(server.ws_base, server.login("supervisor@demo.local", "supervisor"), cid)
    assert await late.closed_with() == 4403 and late.seen[0]["code"] == "chat_ended"


async def test_a_watcher_who_loses_transcript_view_is_closed(server: ServerProcess) -> None:
    admin = _h(server.login("admin@demo.local", "admin"))
    role, email = watcher_with(server, ["conversation:transcript:view"])
    guest, agent, cid = await _connected(server)
    watcher = await Watcher.connect(server.ws_base, server.login(email, "correct-horse-1"), cid)
    await watcher.expect("watching")

    changed = httpx.patch(
        f"{server.base}/api/v2/authorization/roles/{role['id']}",
        headers=admin,
        json={"permissions": ["directory:view"]},
    )
    assert changed.status_code == 200
    assert await watcher.closed_with() == 4401
    assert watcher.seen[-1]["type"] == "error" and watcher.seen[-1]["code"] == "token_revoked"
    await guest.say("after the watcher left")
    await agent.expect("message", text="after the watcher left")
    assert "after the watcher left" not in json.dumps(watcher.seen)
    await _leave(guest, agent)

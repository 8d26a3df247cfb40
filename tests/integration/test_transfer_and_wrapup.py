"""Transfer and wrap-up over the real server, on SQLite and PostgreSQL: a chat passed to a queue without
video ends its live video in words and reaches the next agent with the note; a chat passed to a named
agent is offered to them; after End chat its agent closes it with a wrap-up code, which a queue may
require, which is stored, searchable and counted on the supervisor's dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from showdesk.services.demo import CHAT_QUEUE, VIDEO_QUEUE
from tests.integration.test_video_signaling import _connected
from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess(backend=backend).start()
    yield proc
    proc.cleanup()


def _api(server: ServerProcess, email: str, password: str) -> httpx.Client:
    token = server.login(email, password)
    return httpx.Client(base_url=f"{server.base}/api/v2", headers={"authorization": f"Bearer {token}"}, timeout=10)


def _queue(admin: httpx.Client, name: str) -> dict[str, Any]:
    return next(q for q in admin.get("/routing/queues").json() if q["name"] == name)


async def _second_agent(server: ServerProcess) -> Agent:
    other = await Agent.connect(server.ws_base, server.login("agent2@demo.local"))
    for left_over in other.ready["interactions"]:  # type: ignore[attr-defined]
        await other.send(type="end", conversationId=left_over["conversationId"])
        await other.expect("interactionEnded", conversationId=left_over["conversationId"])
    await other.on_queue()
    return other


async def test_a_transfer_to_a_queue_without_video_ends_the_video_in_words_and_keeps_the_chat(
    server: ServerProcess,
) -> None:
    guest, agent, cid = await _connected(server)
    await guest.say("my kettle will not boil")
    await agent.send(type="videoRequest", conversationId=cid)
    session_id = (await guest.expect("videoRequested"))["video"]["id"]
    await guest.send(type="videoStart", sessionId=session_id)
    await agent.expect("videoStarting")
    await agent.send(type="presence", status="off_queue")  # the transferred chat must go to the other agent
    await agent.expect("presence", status="off_queue")
    other = await _second_agent(server)

    staff = _api(server, "agent@demo.local", "agent")
    targets = staff.get("/routing/transfertargets").json()
    chat_queue = next(q for q in targets["queues"] if q["name"] == CHAT_QUEUE)
    assert chat_queue["video"] is False
    assert {"name": "Sam Agent", "status": "on_queue"} in [
        {k: a[k] for k in ("name", "status")} for a in targets["agents"]
    ]
    assert "Dana Agent" not in [a["name"] for a in targets["agents"]]  # not oneself
    answer = staff.post(
        f"/conversations/{cid}/transfer", json={"queueId": chat_queue["id"], "note": "Asked about the warranty"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["queueName"] == "General Chat" and answer.json()["note"] == "Asked about the warranty"

    ended = await guest.expect("videoEnd")
    assert ended["video"]["failureReason"] == "queue_without_video"
    assert "does not take video" in ended["text"] and "General Chat" in ended["text"]
    left = await guest.expect("agentLeft")
    assert left["reason"] == "transferred"
    told = await guest.expect(
        "message",
        **{"from": "system", "notice": {"code": "transferred", "params": {"to": "queue", "name": "General Chat"}}},
    )
    assert "transferred to General Chat" in told["text"]
    gone = await agent.expect("interactionEnded", conversationId=cid)
    assert gone["by"] == "transfer"

    offer = await other.expect("offer", conversationId=cid)
    assert offer["transfer"]["note"] == "Asked about the warranty"
    assert offer["transfer"]["fromAgentName"] == "Dana Agent" and offer["queue"] == "General Chat"
    await other.send(type="accept", conversationId=cid)
    snapshot = await other.expect("interaction", conversationId=cid)
    assert [m["text"] for m in snapshot["messages"] if m["from"] == "customer"] == ["my kettle will not boil"]
    assert snapshot["transfers"][0]["note"] == "Asked about the warranty" and snapshot["video"] is None
    assert (await guest.expect("agentJoined"))["agentName"] == "Sam Agent"

    await guest.say("hello again")
    await other.expect("message", text="hello again")
    assert not [f for f in agent.seen if f.get("type") == "message" and f.get("text") == "hello again"]

    supervisor = _api(server, "supervisor@demo.local", "supervisor")
    record = supervisor.get(f"/conversations/{cid}").json()
    assert [t["queueName"] for t in record["transfers"]] == ["General Chat"]
    assert record["routing"]["agentId"] != record["transfers"][0]["fromAgentId"]
    [video] = record["videoSessions"]
    assert video["state"] == "ended" and video["failureReason"] == "queue_without_video"
    assert staff.get(f"/conversations/{cid}").status_code in (403, 404)  # not Dana's chat any more

    await guest.send(type="end")
    await other.expect("interactionEnded", conversationId=cid)
    for socket in (guest, agent, other):
        await socket.close()


async def test_a_transfer_to_a_named_agent_is_offered_to_them_and_refusals_are_in_words(
    server: ServerProcess,
) -> None:
    guest, agent, cid = await _connected(server)
    staff = _api(server, "agent@demo.local", "agent")
    sam = next(a for a in staff.get("/routing/transfertargets").json()["agents"] if a["name"] == "Sam Agent")

    off_queue = staff.post(f"/conversations/{cid}/transfer", json={"agentId": sam["id"]})
    assert off_queue.status_code == 409 and off_queue.json()["code"] == "agent_unavailable"
    assert "not on queue" in off_queue.json()["message"]
    to_self = staff.post(f"/conversations/{cid}/transfer", json={"agentId": agent.ready["agent"]["id"]})  # type: ignore[attr-defined]
    assert to_self.status_code in (400, 422) and to_self.json()["code"] == "transfer_to_self"
    nowhere = staff.post(f"/conversations/{cid}/transfer", json={"queueId": "q-nope"})
    assert nowhere.status_code == 404 and nowhere.json()["code"] == "queue_not_found"
    missing = staff.post(f"/conversations/{cid}/transfer", json={})
    assert missing.status_code in (400, 422) and missing.json()["code"] == "transfer_target_missing"
    long_note = staff.post(f"/conversations/{cid}/transfer", json={"agentId": sam["id"], "note": "x" * 1001})
    assert long_note.status_code == 400 and set(long_note.json()) >= {"code", "message"}
    not_theirs = _api(server, "agent2@demo.local", "agent").post(f"/conversations/{cid}/transfer", json={})
    assert not_theirs.status_code == 403 and not_theirs.json()["code"] == "not_your_conversation"

    other = await _second_agent(server)
    answer = staff.post(f"/conversations/{cid}/transfer", json={"agentId": sam["id"], "note": "VIP"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["toAgentName"] == "Sam Agent"
    told = await guest.expect("message", notice={"code": "transferred", "params": {"to": "agent", "name": "Sam Agent"}})
    assert told["text"].startswith("You are being transferred to Sam Agent.")
    offer = await other.expect("offer", conversationId=cid)
    assert offer["transfer"]["toAgentName"] == "Sam Agent"
    await other.send(type="accept", conversationId=cid)
    await other.expect("interaction", conversationId=cid)
    assert (await guest.expect("agentJoined"))["agentName"] == "Sam Agent"
    await guest.send(type="end")
    await other.expect("interactionEnded", conversationId=cid)
    for socket in (guest, agent, other):
        await socket.close()


async def test_wrap_up_codes_are_required_by_the_queue_stored_found_and_counted(server: ServerProcess) -> None:
    admin = _api(server, "admin@demo.local", "admin")
    staff = _api(server, "agent@demo.local", "agent")
    refused = staff.post("/routing/wrapupcodes", json={"name": "Agent made"})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    created = admin.post("/routing/wrapupcodes", json={"name": "Kettle replaced"})
    assert created.status_code == 201, created.text
    code = created.json()
    twice = admin.post("/routing/wrapupcodes", json={"name": "Kettle replaced"})
    assert twice.status_code == 409 and twice.json()["code"] == "wrapup_code_exists"
    assert "Kettle replaced" in [c["name"] for c in staff.get("/routing/wrapupcodes").json()]  # agents read them

    video_queue = _queue(admin, VIDEO_QUEUE)
    changed = admin.patch(f"/routing/queues/{video_queue['id']}", json={"wrapupRequired": True})
    assert changed.status_code == 200 and changed.json()["wrapupRequired"] is True
    try:
        guest, agent, cid = await _connected(server)
        assert (await _snapshot_of(agent, cid))["wrapupRequired"] is True
        early = staff.put(f"/conversations/{cid}/wrapup", json={"code": code["id"]})
        assert early.status_code == 409 and early.json()["code"] == "chat_not_ended"
        await agent.send(type="end", conversationId=cid)
        await agent.expect("interactionEnded", conversationId=cid)

        again_desktop = await Agent.connect(server.ws_base, server.login())  # a reload before the wrap-up
        asked = [i for i in again_desktop.ready["interactions"] if i["conversationId"] == cid]  # type: ignore[attr-defined]
        assert [(i["state"], i["wrapupRequired"]) for i in asked] == [("ended", True)]
        await again_desktop.close()

        without = staff.put(f"/conversations/{cid}/wrapup", json={"note": "no code"})
        assert without.status_code in (400, 422) and without.json()["code"] == "wrapup_required"
        assert "wrap-up code" in without.json()["message"]
        other_agent = _api(server, "agent2@demo.local", "agent").put(
            f"/conversations/{cid}/wrapup", json={"code": code["id"]}
        )
        assert other_agent.status_code == 403
        done = staff.put(f"/conversations/{cid}/wrapup", json={"code": code["id"], "note": "Sent a new base"})
        assert done.status_code == 200, done.text
        assert done.json()["wrapup"]["name"] == "Kettle replaced" and done.json()["wrapup"]["note"] == "Sent a new base"
        after = await Agent.connect(server.ws_base, server.login())
        assert cid not in [i["conversationId"] for i in after.ready["interactions"]]  # type: ignore[attr-defined]
        await after.close()
        again = staff.put(f"/conversations/{cid}/wrapup", json={"code": code["id"]})
        assert again.status_code == 409 and again.json()["code"] == "wrapped_up_already"

        admin.put(f"/routing/wrapupcodes/{code['id']}", json={"name": "Kettle swapped"})
        supervisor = _api(server, "supervisor@demo.local", "supervisor")
        found = supervisor.get("/conversations", params={"wrapupCode": code["id"]}).json()["entities"]
        assert [c["id"] for c in found] == [cid] and found[0]["wrapupName"] == "Kettle replaced"
        counts = supervisor.get("/analytics/supervisor").json()["wrapups"]
        assert {"name": "Kettle replaced", "count": 1} in counts
        await guest.close()
        await agent.close()
    finally:
        admin.patch(f"/routing/queues/{video_queue['id']}", json={"wrapupRequired": False})
        admin.delete(f"/routing/wrapupcodes/{code['id']}")


async def _snapshot_of(agent: Agent, cid: str) -> dict[str, Any]:
    return next(f for f in agent.seen if f.get("type") == "interaction" and f.get("conversationId") == cid)

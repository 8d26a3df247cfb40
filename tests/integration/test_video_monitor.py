"""A supervisor sees a chat's live picture (Video > Monitor), relayed by the agent's desktop: who may ask,
that the customer is told in the transcript when it starts and stops, that the relay's signalling reaches
only the one watcher who asked and the agent, and that it is bounded per video."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.integration.test_supervisor_watch import Watcher, watcher_with
from tests.integration.test_video_recovery import _leave
from tests.integration.test_video_signaling import ANSWER_RECV, OFFER, _connected
from tests.support.server import ServerProcess
from tests.support.ws_clients import Client

RELAY_OFFER = OFFER  # the agent's desktop sends: its offer is send-only
WATCHER_ANSWER = ANSWER_RECV


async def _live(guest: Client, agent: Client, cid: str) -> str:
    """A one-way video, live: the session's id."""
    await agent.send(type="videoRequest", conversationId=cid)
    session_id = str((await guest.expect("videoRequested"))["video"]["id"])
    await guest.send(type="videoStart", sessionId=session_id)
    await agent.expect("videoStarting")
    await guest.send(type="videoSignal", sessionId=session_id, signal="offer", sdp=OFFER)
    await agent.expect("videoSignal", signal="offer")
    await agent.send(type="videoSignal", conversationId=cid, sessionId=session_id, signal="answer", sdp=ANSWER_RECV)
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await agent.expect("videoStarted")
    return session_id


async def _notice(guest: Client, code: str) -> dict[str, Any]:
    """The next system line carrying this notice code (other lines are skipped)."""
    while True:
        line = await guest.expect("message", **{"from": "system"})
        if (line.get("notice") or {}).get("code") == code:
            return line


def _audit(server: ServerProcess) -> list[dict[str, Any]]:
    answer = httpx.get(
        f"{server.base}/api/v2/audit",
        params={"targetType": "video"},
        headers={"authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"},
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


async def test_the_picture_is_relayed_to_a_video_monitor_holder_and_the_customer_is_told(
    server: ServerProcess,
) -> None:
    guest, agent, cid = await _connected(server)
    session_id = await _live(guest, agent, cid)

    # Transcript > View alone: the chat, never the picture, and nobody is told anything.
    supervisor = await Watcher.connect(server.ws_base, server.login("supervisor@demo.local", "supervisor"), cid)
    assert (await supervisor.expect("watching"))["videoMonitor"] is False
    await supervisor.send(type="monitorStart")
    refused = await supervisor.expect("error")
    assert refused["code"] == "permission_denied" and "video:monitor" in refused["message"]

    admin = await Watcher.connect(server.ws_base, server.login("admin@demo.local", "admin"), cid)
    assert (await admin.expect("watching"))["videoMonitor"] is True
    await admin.send(type="monitorStart")
    starting = await admin.expect("monitorStarting")
    monitor_id = starting["monitorId"]
    assert starting["conversationId"] == cid and isinstance(starting["iceServers"], list), starting
    asked = await agent.expect("monitorRequested", monitorId=monitor_id)
    assert asked["conversationId"] == cid and asked["sessionId"] == session_id and isinstance(asked["iceServers"], list)
    assert asked["watcherName"] == "Alex Admin"
    entry = next(e for e in _audit(server) if e["action"] == "video.monitor" and e["targetId"] == monitor_id)
    assert entry["actorName"] == "Alex Admin" and entry["after"]["conversationId"] == cid

    # The relay's signalling: the desktop offers to that one watcher, the watcher answers the agent. The
    # customer is told as the offer comes, before the watcher's page can answer it.
    assert "video_monitored" not in json.dumps(guest.seen)
    await agent.send(type="monitorSignal", conversationId=cid, monitorId=monitor_id, signal="offer", sdp=RELAY_OFFER)
    told = await _notice(guest, "video_monitored")
    assert told["text"] == "A supervisor is now also watching the video, to help with your question."
    offer = await admin.expect("monitorSignal", signal="offer")
    assert offer["monitorId"] == monitor_id and offer["sdp"] == RELAY_OFFER
    candidate = {"candidate": "candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host", "sdpMid": "0", "sdpMLineIndex": 0}
    await agent.send(
        type="monitorSignal", conversationId=cid, monitorId=monitor_id, signal="candidate", candidate=candidate
    )
    assert (await admin.expect("monitorSignal", signal="candidate"))["candidate"] == candidate
    await admin.send(type="monitorSignal", monitorId=monitor_id, signal="answer", sdp=WATCHER_ANSWER)
    assert (await agent.expect("monitorSignal", signal="answer"))["sdp"] == WATCHER_ANSWER

    # Nobody signals a relay they were not asked for, nor sends what a side may not.
    await agent.send(type="monitorSignal", conversationId=cid, monitorId="m_forged", signal="offer", sdp=RELAY_OFFER)
    assert (await agent.expect("error"))["code"] == "not_your_monitor"
    await agent.send(type="monitorSignal", conversationId=cid, monitorId=monitor_id, signal="answer", sdp=RELAY_OFFER)
    assert (await agent.expect("error"))["code"] == "invalid_signal"
    sending_answer = OFFER.replace("sendonly", "sendrecv")  # a watcher's answer that would send video back
    await admin.send(type="monitorSignal", monitorId=monitor_id, signal="answer", sdp=sending_answer)
    sending = await admin.expect("error")
    assert sending["code"] == "one_way_violation" and "only receives the picture" in sending["message"]
    await admin.send(type="monitorSignal", monitorId="m_forged", signal="answer", sdp=WATCHER_ANSWER)
    assert (await admin.expect("error"))["code"] == "not_monitoring"
    await admin.send(type="monitorStart")
    assert (await admin.expect("error"))["code"] == "already_monitoring"

    await admin.send(type="monitorStop", monitorId=monitor_id)
    assert (await admin.expect("monitorEnded"))["reason"] == "stopped"
    assert (await agent.expect("monitorEnded", monitorId=monitor_id))["reason"] == "stopped"
    ended = await _notice(guest, "video_monitor_ended")
    assert ended["text"] == "The supervisor is no longer watching the video."

    # The relay is a staff matter: the customer hears none of it but the two lines; the other watcher none.
    relay_types = {"monitorRequested", "monitorSignal", "monitorStarting", "monitorEnded", "monitorDeclined"}
    assert not {f["type"] for f in guest.seen} & relay_types
    assert monitor_id not in json.dumps(guest.seen)
    await supervisor.send(type="ping")
    await supervisor.expect("pong")
    assert not {f["type"] for f in supervisor.seen} & relay_types
    await admin.close()
    await supervisor.close()
    await _leave(guest, agent)


async def test_a_video_is_relayed_to_two_watchers_at_most_and_a_watcher_who_leaves_ends_theirs(
    server: ServerProcess,
) -> None:
    guest, agent, cid = await _connected(server)
    await admin_refused_before_the_video_is_live(server, cid)
    await _live(guest, agent, cid)
    token = server.login("admin@demo.local", "admin")
    first, second, third = [await Watcher.connect(server.ws_base, token, cid) for _ in range(3)]
    ids = []
    for watcher in (first, second):
        await watcher.expect("watching")
        await watcher.send(type="monitorStart")
        ids.append((await watcher.expect("monitorStarting"))["monitorId"])
        await agent.expect("monitorRequested", monitorId=ids[-1])
    await third.expect("watching")
    await third.send(type="monitorStart")
    third_id = (await third.expect("monitorStarting"))["monitorId"]
    declined = await third.expect("monitorDeclined")
    assert declined == {
        "type": "monitorDeclined",
        "conversationId": cid,
        "monitorId": third_id,
        "reason": "too_many_watchers",
    }
    assert third_id not in json.dumps(agent.seen)
    await agent.send(type="monitorSignal", conversationId=cid, monitorId=ids[0], signal="offer", sdp=OFFER)
    await first.expect("monitorSignal", signal="offer")
    await _notice(guest, "video_monitored")  # the one relay offered; the declined one is never told

    await first.close()  # leaving ends the relay on the agent's side, and the customer is told
    assert (await agent.expect("monitorEnded", monitorId=ids[0]))["reason"] == "left"
    await _notice(guest, "video_monitor_ended")
    await third.send(type="monitorStart")  # a place is free again
    again = (await third.expect("monitorStarting"))["monitorId"]
    await agent.expect("monitorRequested", monitorId=again)

    # The desktop's relay to the third failed and it closed it: the place is free, the third is told.
    await agent.send(type="monitorClosed", conversationId=cid, monitorId=again)
    closed = await third.expect("monitorDeclined", monitorId=again)
    assert closed["reason"] == "relay_closed"
    await third.send(type="monitorStart")
    once_more = (await third.expect("monitorStarting"))["monitorId"]
    await agent.expect("monitorRequested", monitorId=once_more)
    # ... and once the customer was told of a relay, its failure is told to them too.
    await agent.send(type="monitorSignal", conversationId=cid, monitorId=once_more, signal="offer", sdp=OFFER)
    await third.expect("monitorSignal", signal="offer", monitorId=once_more)
    await _notice(guest, "video_monitored")
    await agent.send(type="monitorClosed", conversationId=cid, monitorId=once_more)
    assert (await third.expect("monitorDeclined", monitorId=once_more))["reason"] == "relay_closed"
    await _notice(guest, "video_monitor_ended")

    # The video ends: every relay with it, and the watchers may ask no more.
    await agent.send(type="videoEnd", conversationId=cid)
    await second.expect("videoEnd")
    await third.expect("videoEnd")
    await third.send(type="monitorStart")
    assert (await third.expect("error"))["code"] == "no_live_video"
    notices = [(f.get("notice") or {}).get("code") for f in guest.seen if f["type"] == "message"]
    assert notices.count("video_monitored") == 2 and notices.count("video_monitor_ended") == 2
    await second.send(type="monitorSignal", monitorId=ids[1], signal="answer", sdp=WATCHER_ANSWER)
    assert (await second.expect("error"))["code"] == "not_monitoring"
    await second.close()
    await third.close()
    await _leave(guest, agent)
    # The desktop that closed a relay is not told to close it again (read through the chat's end).
    assert not [f for f in agent.seen if f["type"] == "monitorEnded" and f.get("monitorId") == once_more]


async def admin_refused_before_the_video_is_live(server: ServerProcess, cid: str) -> None:
    early = await Watcher.connect(server.ws_base, server.login("admin@demo.local", "admin"), cid)
    await early.expect("watching")
    await early.send(type="monitorStart")
    refused = await early.expect("error")
    assert refused["code"] == "no_live_video" and refused["message"] == "there is no live video in this chat to watch"
    await early.close()


async def test_a_watcher_who_loses_video_monitor_stops_seeing_the_picture_at_once(server: ServerProcess) -> None:
    admin = {"authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"}
    role, email = watcher_with(server, ["conversation:transcript:view", "video:monitor"])
    guest, agent, cid = await _connected(server)
    await _live(guest, agent, cid)
    watcher = await Watcher.connect(server.ws_base, server.login(email, "correct-horse-1"), cid)
    await watcher.expect("watching")
    await watcher.send(type="monitorStart")
    monitor_id = (await watcher.expect("monitorStarting"))["monitorId"]
    await agent.expect("monitorRequested", monitorId=monitor_id)
    await agent.send(type="monitorSignal", conversationId=cid, monitorId=monitor_id, signal="offer", sdp=OFFER)
    await watcher.expect("monitorSignal", signal="offer")
    await _notice(guest, "video_monitored")

    changed = httpx.patch(
        f"{server.base}/api/v2/authorization/roles/{role['id']}",
        headers=admin,
        json={"permissions": ["conversation:transcript:view"]},
    )
    assert changed.status_code == 200
    assert (await agent.expect("monitorEnded", monitorId=monitor_id))["reason"] in ("permission", "left")
    await _notice(guest, "video_monitor_ended")
    await watcher.closed_with()  # a permission taken away ends the tokens held until then
    await _leave(guest, agent)


async def test_a_watcher_s_frames_are_bounded_and_a_flood_never_reaches_the_agent(server: ServerProcess) -> None:
    guest, agent, cid = await _connected(server)
    await _live(guest, agent, cid)
    watcher = await Watcher.connect(server.ws_base, server.login("admin@demo.local", "admin"), cid)
    await watcher.expect("watching")
    await watcher.send(type="monitorStart")
    monitor_id = (await watcher.expect("monitorStarting"))["monitorId"]
    await agent.expect("monitorRequested", monitorId=monitor_id)

    flood = 300
    candidate = {"candidate": "candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host", "sdpMid": "0", "sdpMLineIndex": 0}
    for _ in range(flood):
        await watcher.send(type="monitorSignal", monitorId=monitor_id, signal="candidate", candidate=candidate)
    await watcher.send(type="ping")  # answered after every frame before it was read
    await watcher.expect("pong")
    refused = [f for f in watcher.seen if f["type"] == "error"]
    assert refused and all(f["code"] == "rate_limited" for f in refused)
    relayed = flood - len(refused)
    assert relayed < 120, relayed  # a burst of 60, then 20 a second

    await watcher.close()  # its monitorEnded comes after every candidate it relayed, on the same topic
    await agent.expect("monitorEnded", monitorId=monitor_id)
    got = [f for f in agent.seen if f["type"] == "monitorSignal" and f.get("monitorId") == monitor_id]
    assert len(got) == relayed
    await _leave(guest, agent)

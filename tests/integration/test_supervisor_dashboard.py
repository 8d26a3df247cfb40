"""The supervisor dashboard over a real server: a chat waiting, a live video reporting its quality and a
failed one; what GET /api/v2/analytics/supervisor and /metrics say about them, and who may ask."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.server import ServerProcess
from tests.support.waiting import eventually
from tests.support.ws_clients import Agent, Guest

DASHBOARD = "/api/v2/analytics/supervisor"


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess(backend=backend).start()
    yield proc
    proc.cleanup()


def _dashboard(server: ServerProcess, token: str) -> dict[str, Any]:
    r = httpx.get(server.base + DASHBOARD, headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _metric(text: str, name: str, **labels: str) -> float | None:
    """A sample's value, whatever other labels it has (label order as the client library writes them)."""
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


async def _taken(server: ServerProcess, email: str, name: str) -> tuple[Guest, Agent, str]:
    """`email`'s agent takes `name`'s chat, then goes off queue so the next chat is someone else's."""
    agent = await Agent.connect(server.ws_base, server.login(email))
    await agent.on_queue()
    guest = await Guest.connect(server.ws_base, server.base)
    await guest.start(name)
    cid = await agent.take_next()
    await guest.expect("agentJoined")
    await agent.send(type="presence", status="off_queue")
    await agent.expect("presence", status="off_queue")
    return guest, agent, cid


async def _consented(guest: Guest, agent: Agent, cid: str) -> str:
    await agent.send(type="videoRequest", conversationId=cid)
    session_id = str((await guest.expect("videoRequested"))["video"]["id"])
    await guest.send(type="videoStart", sessionId=session_id)
    await agent.expect("videoStarting")
    return session_id


async def test_the_dashboard_shows_queues_live_video_quality_and_the_hour(server: ServerProcess) -> None:
    supervisor = server.login("supervisor@demo.local", "supervisor")
    empty = _dashboard(server, supervisor)
    assert empty["organizationId"] == "demo" and empty["videoSessions"] == []
    assert len(empty["lastHour"]["buckets"]) == 12 and empty["lastHour"]["bucketSeconds"] == 300
    assert empty["lastHour"]["totals"]["sessions"] == 0

    ann, dana, ann_chat = await _taken(server, "agent@demo.local", "Ann")
    bob, sam, bob_chat = await _taken(server, "agent2@demo.local", "Bob")
    loop = asyncio.get_running_loop()
    cleo = await Guest.connect(server.ws_base, server.base)
    cleo_waits_from = loop.time()
    await cleo.start("Cleo")  # both agents off queue: she waits
    cleo_waits_since = loop.time()  # her wait began between these two moments

    asked = loop.time()
    live_id = await _consented(ann, dana, ann_chat)
    status = {"type": "videoStatus", "conversationId": ann_chat, "sessionId": live_id}
    await dana.send(**status, state="live", path="direct")
    await ann.expect("videoStarted")
    click_to_live_ms = (loop.time() - asked) * 1000  # the session's click to first frame is within this
    sample = {"width": 640, "height": 480, "fps": 30, "kbps": 800, "lossPercent": 0, "rttMs": 12, "path": "direct"}
    await dana.send(**status, state="quality", quality=sample)
    latest = {**sample, "fps": 24, "kbps": 650, "lossPercent": 1.5, "rttMs": 20}
    await dana.send(**status, state="quality", quality=latest)

    failed_id = await _consented(bob, sam, bob_chat)
    await sam.send(
        type="videoStatus", conversationId=bob_chat, sessionId=failed_id, state="failed", reason="ice_failed"
    )
    await bob.expect("videoEnd")

    def with_latest_quality() -> dict[str, Any] | None:  # the last quality frame is handled
        board = _dashboard(server, supervisor)
        rows = board["videoSessions"]
        return board if rows and (rows[0]["quality"] or {}).get("fps") == latest["fps"] else None

    await eventually(with_latest_quality, what="the latest quality sample on the dashboard")
    asked_at = loop.time()
    board = _dashboard(server, supervisor)
    waited = (asked_at - cleo_waits_since, loop.time() - cleo_waits_from)  # at least, at most
    queues = {q["name"]: q for q in board["queues"]}
    video_queue = queues["Video Troubleshooting"]
    video_queue_id = video_queue["id"]  # /metrics names a queue by its id, never by the name an admin typed
    assert video_queue["waiting"] == 1 and video_queue["offered"] == 0
    assert waited[0] - 0.05 <= video_queue["longestWaitSeconds"] <= waited[1] + 0.05  # to a tenth of a second
    assert video_queue["agentsOnQueue"] == 0 and video_queue["agentsAvailable"] == 0
    assert queues["General Chat"]["waiting"] == 0 and queues["General Chat"]["longestWaitSeconds"] is None

    [row] = board["videoSessions"]
    dana_name = httpx.get(f"{server.base}/api/v2/users/me", headers={"authorization": f"Bearer {server.login()}"})
    assert row["sessionId"] == live_id and row["conversationId"] == ann_chat
    assert row["customerName"] == "Ann" and row["agentName"] == dana_name.json()["name"]
    assert row["state"] == "live" and row["path"] == "direct" and row["since"]
    assert row["quality"] == {**latest, "fps": 24.0, "kbps": 650.0, "lossPercent": 1.5, "rttMs": 20.0}

    hour = board["lastHour"]
    totals = hour["totals"]
    assert totals["sessions"] == 2 and totals["wentLive"] == 1 and totals["failed"] == 1
    assert totals["failures"] == {"ice_failed": 1}
    assert 0 < totals["clickToFirstFrameMedianMs"] == totals["clickToFirstFrameP90Ms"] <= click_to_live_ms
    assert (totals["withPath"], totals["relay"], totals["relayShare"]) == (1, 0, 0.0)
    assert sum(b["sessions"] for b in hour["buckets"]) == 2
    assert hour["buckets"][-1]["to"] == hour["to"]

    # /metrics carries the same figures.
    text = server.metrics()
    org = {"organization": "demo"}
    assert _metric(text, "showdesk_queue_waiting", **org, queue_id=video_queue_id) == 1
    assert _metric(text, "showdesk_queue_longest_wait_seconds", **org, queue_id=video_queue_id) is not None
    assert _metric(text, "showdesk_queue_agents_on_queue", **org, queue_id=video_queue_id) == 0
    assert _metric(text, "showdesk_video_live_sessions", **org, state="live", path="direct") == 1
    assert _metric(text, "showdesk_video_last_hour_sessions", **org) == 2
    assert _metric(text, "showdesk_video_last_hour_failures", **org, reason="ice_failed") == 1
    assert _metric(text, "showdesk_video_last_hour_relay_share", **org) == 0
    median = _metric(text, "showdesk_video_last_hour_click_to_first_frame_seconds", **org, quantile="0.5")
    assert median is not None and abs(median - totals["clickToFirstFrameMedianMs"] / 1000) < 0.001
    assert _metric(text, "showdesk_video_click_to_first_frame_seconds_count", **org) == 1
    again = server.metrics()  # a session is observed once, not once per scrape
    assert _metric(again, "showdesk_video_click_to_first_frame_seconds_count", **org) == 1

    # An agent comes on queue: Cleo's chat is offered to them, and she still waits until it is taken.
    await sam.on_queue()
    await sam.expect("offer")
    video_queue = next(q for q in _dashboard(server, supervisor)["queues"] if q["name"] == "Video Troubleshooting")
    assert (video_queue["waiting"], video_queue["offered"]) == (1, 1)
    assert (video_queue["agentsOnQueue"], video_queue["agentsAvailable"]) == (1, 0)

    # The video ends: its row goes.
    await dana.send(type="videoEnd", conversationId=ann_chat)
    await ann.expect("videoEnd")
    assert _dashboard(server, supervisor)["videoSessions"] == []
    text = server.metrics()
    assert _metric(text, "showdesk_video_live_sessions", **org, state="live", path="direct") is None

    for guest in (ann, bob, cleo):
        await guest.send(type="end")
        await guest.close()
    for agent in (dana, sam):
        await agent.close()


def test_an_agent_is_refused_in_words_naming_the_permission(server: ServerProcess) -> None:
    r = httpx.get(server.base + DASHBOARD, headers={"authorization": f"Bearer {server.login()}"})
    assert r.status_code == 403
    body = r.json()
    assert body["code"] == "permission_denied" and "analytics:dashboard:view" in body["message"]
    assert httpx.get(server.base + DASHBOARD).json()["code"] == "token_missing"

"""The supervisor dashboard: figures over video records in five-minute buckets, queues as routing holds
them, open sessions with their latest quality; on the in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest

from showdesk.domain.errors import Forbidden
from showdesk.domain.routing import Presence
from showdesk.domain.video import VideoSession
from showdesk.domain.video_figures import VideoFigures, bucket_starts, percentile, video_figures
from showdesk.services.supervisor import BUCKET, HOUR, Dashboard
from showdesk.transport.frames import agent_command
from showdesk.transport.routes.analytics import DashboardView, VideoFiguresView
from tests.support.memory import demo_services
from tests.unit.test_chat_services import agent, start_chat

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def _session(
    n: int,
    requested: datetime,
    ttff: float | None = None,
    path: str | None = None,
    failed: str | None = None,
    org: str = "demo",
) -> VideoSession:
    s = VideoSession(f"vid_{n}", f"c_{n}", org, "one-way", "none", "camera", "u_1", requested)
    s.consent("Ann", requested + timedelta(seconds=1))
    if ttff is not None:
        s.went_live(s.consent_at + timedelta(milliseconds=ttff))  # type: ignore[operator]
    s.path = path
    if failed:
        s.finish("agent", requested + timedelta(seconds=20), "failed", failed)
    return s


def test_percentiles_are_values_that_occurred() -> None:
    assert percentile([], 0.5) is None
    assert percentile([300.0], 0.9) == 300.0
    values = [float(v) for v in range(1, 11)]  # 1..10
    assert percentile(values, 0.5) == 5.0 and percentile(values, 0.9) == 9.0
    assert percentile([5.0, 1.0, 3.0], 0.5) == 3.0


def test_buckets_sit_on_five_minute_marks_and_end_with_the_current_one() -> None:
    now = T0 + timedelta(minutes=7, seconds=30)
    starts = bucket_starts(now, HOUR, BUCKET)
    assert len(starts) == 12
    assert starts[-1] == T0 + timedelta(minutes=5) and starts[0] == T0 - timedelta(minutes=50)
    assert all(b - a == BUCKET for a, b in pairwise(starts))


def test_each_session_counts_in_the_bucket_of_its_request() -> None:
    starts = bucket_starts(T0 + timedelta(minutes=59), HOUR, BUCKET)
    first = starts[0]
    sessions = [
        _session(1, first + timedelta(minutes=1), ttff=800, path="direct"),
        _session(2, first + timedelta(minutes=2), ttff=1200, path="relay"),
        _session(3, first + timedelta(minutes=3), failed="ice_failed"),
        _session(4, first + timedelta(minutes=11), ttff=400, path="direct"),
        _session(5, first + timedelta(minutes=12), failed="no_relay"),
        _session(6, first + timedelta(minutes=13), failed="ice_failed", path="relay"),
        _session(7, first - timedelta(seconds=1), ttff=99, path="relay"),  # before the hour: left out
    ]
    buckets, total = video_figures(sessions, starts, BUCKET)
    one, three = wire(buckets[0]), wire(buckets[2])
    assert one["sessions"] == 3 and one["wentLive"] == 2
    assert one["clickToFirstFrameMedianMs"] == 800 and one["clickToFirstFrameP90Ms"] == 1200
    assert one["failures"] == {"ice_failed": 1} and one["relayShare"] == 0.5
    assert three["failures"] == {"ice_failed": 1, "no_relay": 1} and three["relayShare"] == 0.5
    assert three["wentLive"] == 1 and three["clickToFirstFrameMedianMs"] == three["clickToFirstFrameP90Ms"] == 400
    assert wire(buckets[1])["sessions"] == 0 and wire(buckets[1])["relayShare"] is None
    totals = wire(total)
    assert totals["sessions"] == 6 and totals["wentLive"] == 3 and totals["failed"] == 3
    assert totals["clickToFirstFrameMedianMs"] == 800 and totals["clickToFirstFrameP90Ms"] == 1200
    assert totals["failures"] == {"ice_failed": 2, "no_relay": 1}
    assert totals["withPath"] == 4 and totals["relay"] == 2 and totals["relayShare"] == 0.5


async def test_the_dashboard_needs_the_analytics_permission() -> None:
    sd, _, _ = await demo_services()
    _, agent_principal = await sd.access.login("agent@demo.local", "agent")
    with pytest.raises(Forbidden) as refused:
        await sd.supervisor.view(agent_principal)
    assert refused.value.code == "permission_denied" and "analytics:dashboard:view" in refused.value.message
    _, supervisor = await sd.access.login("supervisor@demo.local", "supervisor")
    board = shown(await sd.supervisor.view(supervisor))
    assert {q["name"] for q in board["queues"]} == {"Video Troubleshooting", "General Chat"}
    assert board["videoSessions"] == [] and len(board["lastHour"]["buckets"]) == 12


async def test_queues_open_sessions_and_their_quality() -> None:
    sd, _, clock = await demo_services()
    await sd.start()  # every node keeps the quality samples the bus brings
    dana = await agent(sd, "agent@demo.local")
    await sd.router.agent_connected(dana)
    conv, _ = await start_chat(sd, "Ann")  # nobody on queue yet: it waits
    clock.advance(42)
    board = await sd.supervisor.figures("demo")
    video_queue = next(q for q in board.queues if q.queue.name == "Video Troubleshooting")
    assert video_queue.waiting == 1 and video_queue.longest_wait_seconds == 42.0
    assert video_queue.agents_on_queue == 0 and video_queue.agents_available == 0
    await sd.router.set_presence(dana, Presence.ON_QUEUE)  # offered to Dana: still waiting, and offered
    board = await sd.supervisor.figures("demo")
    video_queue = next(q for q in board.queues if q.queue.name == "Video Troubleshooting")
    assert (video_queue.waiting, video_queue.offered, video_queue.agents_on_queue) == (1, 1, 1)
    assert video_queue.agents_available == 0  # an offer open: not free for another
    await sd.router.accept(dana, conv.id)
    board = await sd.supervisor.figures("demo")
    video_queue = next(q for q in board.queues if q.queue.name == "Video Troubleshooting")
    assert (video_queue.waiting, video_queue.longest_wait_seconds, video_queue.agents_available) == (0, None, 1)

    live = _session(1, clock.now())  # consented, connecting
    live.conversation_id, live.agent_id = conv.id, dana.id
    await sd.store.save_video_session(live)
    await sd.store.save_video_session(_session(2, clock.now(), ttff=500, org="other"))
    _, principal = await sd.access.login("agent@demo.local", "agent")
    status = {"type": "videoStatus", "conversationId": conv.id, "sessionId": live.id}
    await sd.video.agent_status(principal, agent_command({**status, "state": "live", "path": "direct"}))
    [row] = shown(await sd.supervisor.figures("demo"))["videoSessions"]
    assert row["state"] == "live" and row["path"] == "direct" and row["quality"] is None
    sample = {"width": 320, "height": 240, "fps": 24, "kbps": 350, "lossPercent": 0.5, "rttMs": 3, "path": "relay"}
    await sd.video.agent_status(principal, agent_command({**status, "state": "quality", "quality": sample}))
    [row] = shown(await sd.supervisor.figures("demo"))["videoSessions"]
    assert row["sessionId"] == live.id and row["customerName"] == "Ann" and row["agentName"] == dana.name
    assert row["state"] == "live" and row["path"] == "relay"  # the latest sample's path wins over the record's
    assert row["quality"] == sample
    await sd.video.agent_end(principal, conv.id)
    assert shown(await sd.supervisor.figures("demo"))["videoSessions"] == []


def wire(figures: VideoFigures) -> dict[str, Any]:
    return VideoFiguresView.of(figures).model_dump(mode="json")


def shown(board: Dashboard) -> dict[str, Any]:
    """The dashboard as GET /api/v2/analytics/supervisor answers it."""
    return DashboardView.of(board).model_dump(mode="json")

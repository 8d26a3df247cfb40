"""The supervisor dashboard: queues as routing holds them now, the video sessions not over yet with their
latest quality, and the last hour of video in five-minute buckets.

Queues are what the routing node holds (its router's waiting lines); quality samples are the latest each
agent's desktop reported to any node (they cross nodes on the bus); the hour's figures come from the
stored session records. So every node gives the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from showdesk.domain.permissions import Permission
from showdesk.domain.quality import QualitySample
from showdesk.domain.queues import Queue
from showdesk.domain.routing import Presence, can_take_now, qualifies
from showdesk.domain.video import VideoSession, VideoState
from showdesk.domain.video_figures import VideoFigures, bucket_starts, video_figures
from showdesk.services.access import AccessService, Principal
from showdesk.services.ports import Clock, Store
from showdesk.services.routing_cluster import ClusterRouter
from showdesk.services.routing_view import RoutingView
from showdesk.services.video import VideoService

HOUR = timedelta(hours=1)
BUCKET = timedelta(minutes=5)


@dataclass(frozen=True)
class QueueFigures:
    queue: Queue
    waiting: int  # interactions in line, offered ones included: their customers still wait
    offered: int
    longest_wait_seconds: float | None
    agents_on_queue: int  # connected, on queue, members holding the queue's skills (busy ones too)
    agents_available: int  # of those, free to take an interaction now


@dataclass(frozen=True)
class OpenVideo:
    session: VideoSession
    customer_name: str | None
    agent_name: str | None
    quality: QualitySample | None

    @property
    def since(self) -> datetime:
        """When the session entered what it is doing now: live (or held) since the first frame, connecting
        since consent, requested since the request."""
        s = self.session
        return s.started_at or s.consent_at or s.requested_at

    @property
    def path(self) -> str | None:
        """direct or relay: the latest sample's, else the record's (the path reported with the first frame)."""
        return (self.quality.path if self.quality else None) or self.session.path


WRAPUP_WINDOW = timedelta(hours=24)  # the wrap-ups the dashboard counts


@dataclass(frozen=True)
class Dashboard:
    organization_id: str
    at: datetime
    queues: list[QueueFigures]
    videos: list[OpenVideo]
    buckets: list[VideoFigures]
    totals: VideoFigures
    recent: list[VideoSession]  # the records the hour's figures were made of
    wrapups: dict[str, int]  # chats wrapped up in the last WRAPUP_WINDOW, by code name ("" without a code)


class SupervisorDashboard:
    def __init__(
        self, store: Store, clock: Clock, access: AccessService, router: ClusterRouter, video: VideoService
    ) -> None:
        self._store = store
        self._clock = clock
        self._access = access
        self._router = router
        self._video = video

    async def view(self, principal: Principal) -> Dashboard:
        """The caller's organization, for someone holding Analytics > Dashboard > View."""
        current = await self._access.require(principal, Permission.ANALYTICS_VIEW)
        return await self.figures(current.user.organization_id)

    async def every_organization(self) -> list[Dashboard]:
        """Every organization's figures without names, for /metrics (whose caller the transport has checked)."""
        return [await self.figures(org.id, names=False) for org in await self._store.list_organizations()]

    async def figures(self, org_id: str, names: bool = True) -> Dashboard:
        """One organization's dashboard; without `names`, no customer or agent names are looked up (/metrics)."""
        now = self._clock.now()
        starts = bucket_starts(now, HOUR, BUCKET)
        recent = await self._store.list_video_sessions_since(org_id, starts[0])
        buckets, totals = video_figures(recent, starts, BUCKET)
        routing = await self._router.view()
        queues = [self._queue_figures(q, now, routing) for q in await self._store.list_queues(org_id)]
        videos = await self._open_videos(org_id, names)
        wrapups = await self._store.count_wrapups(org_id, now - WRAPUP_WINDOW)
        return Dashboard(org_id, now, queues, videos, buckets, totals, recent, wrapups)

    @staticmethod
    def _queue_figures(queue: Queue, now: datetime, routing: RoutingView) -> QueueFigures:
        line = [w for w in routing.waiting if w.queue_id == queue.id]
        offered = sum(1 for w in line if w.conversation_id in routing.offered)
        longest = max(((now - w.since).total_seconds() for w in line), default=None)
        on_queue = [
            a
            for a in routing.agents
            if a.connected and a.presence is Presence.ON_QUEUE and qualifies(a, queue, video_capable=False)
        ]
        return QueueFigures(
            queue=queue,
            waiting=len(line),
            offered=offered,
            longest_wait_seconds=None if longest is None else round(max(0.0, longest), 1),
            agents_on_queue=len(on_queue),
            agents_available=sum(1 for a in on_queue if can_take_now(a)),
        )

    async def _open_videos(self, org_id: str, names: bool) -> list[OpenVideo]:
        samples = self._video.live_quality()
        found = []
        people: dict[str, str | None] = {}
        for session in await self._store.list_open_video_sessions(org_id):
            customer = agent = None
            if names:
                conv = await self._store.get_conversation(session.conversation_id)
                customer = conv.customer_name if conv else None
                agent = await self._user_name(session.agent_id, people)
            sample = samples.get(session.id)
            live = session.state in (VideoState.LIVE.value, VideoState.HELD.value)
            found.append(OpenVideo(session, customer, agent, sample if live else None))
        return found

    async def _user_name(self, user_id: str | None, known: dict[str, str | None]) -> str | None:
        if user_id is None:
            return None
        if user_id not in known:
            user = await self._store.get_user(user_id)
            known[user_id] = user.name if user else None
        return known[user_id]

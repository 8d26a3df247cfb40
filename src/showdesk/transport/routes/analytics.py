"""Analytics: the supervisor dashboard's figures."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from showdesk.domain.quality import QualitySample
from showdesk.domain.video_figures import VideoFigures
from showdesk.services.agent_board import AgentChat, AgentRow
from showdesk.services.supervisor import BUCKET, Dashboard, OpenVideo, QueueFigures
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import Timestamp, View

router = APIRouter(prefix="/analytics", tags=["analytics"])


class QueueFiguresView(View):
    id: str
    name: str
    channels: list[str]
    waiting: int = Field(description="interactions in line, offered ones included")
    offered: int
    longestWaitSeconds: float | None
    agentsOnQueue: int = Field(description="connected, on queue, members holding the queue's skills")
    agentsAvailable: int = Field(description="of those, free to take an interaction now")

    @classmethod
    def of(cls, figures: QueueFigures) -> QueueFiguresView:
        return cls(
            id=figures.queue.id,
            name=figures.queue.name,
            channels=list(figures.queue.channels),
            waiting=figures.waiting,
            offered=figures.offered,
            longestWaitSeconds=figures.longest_wait_seconds,
            agentsOnQueue=figures.agents_on_queue,
            agentsAvailable=figures.agents_available,
        )


class QualitySampleView(View):
    """The latest quality the agent's desktop reported (domain.quality.QualitySample)."""

    width: int
    height: int
    fps: float
    kbps: float
    lossPercent: float
    rttMs: float | None
    path: str | None = Field(description="direct or relay")

    @classmethod
    def of(cls, sample: QualitySample) -> QualitySampleView:
        return cls(
            width=sample.width,
            height=sample.height,
            fps=sample.fps,
            kbps=sample.kbps,
            lossPercent=sample.loss_percent,
            rttMs=sample.rtt_ms,
            path=sample.path,
        )


class OpenVideoView(View):
    sessionId: str
    conversationId: str
    customerName: str | None
    agentId: str | None
    agentName: str | None
    state: str
    since: Timestamp = Field(description="when the session entered its state")
    requestedAt: Timestamp
    path: str | None
    quality: QualitySampleView | None = Field(description="null before the first sample")

    @classmethod
    def of(cls, video: OpenVideo) -> OpenVideoView:
        s = video.session
        return cls(
            sessionId=s.id,
            conversationId=s.conversation_id,
            customerName=video.customer_name,
            agentId=s.agent_id,
            agentName=video.agent_name,
            state=s.state,
            since=video.since,
            requestedAt=s.requested_at,
            path=video.path,
            quality=QualitySampleView.of(video.quality) if video.quality else None,
        )


class VideoFiguresView(View):
    """The video sessions requested from `from` until `to`."""

    from_: Timestamp = Field(alias="from")
    to: Timestamp
    sessions: int
    wentLive: int
    clickToFirstFrameMedianMs: float | None = Field(description="consent to first frame")
    clickToFirstFrameP90Ms: float | None
    failed: int
    failures: dict[str, int] = Field(description="failure cause: sessions")
    withPath: int = Field(description="sessions whose path (direct or relay) is known")
    relay: int
    relayShare: float | None

    @classmethod
    def of(cls, figures: VideoFigures) -> VideoFiguresView:
        median, p90, share = figures.ttff_median_ms, figures.ttff_p90_ms, figures.relay_share
        return cls(
            from_=figures.start,
            to=figures.end,
            sessions=figures.sessions,
            wentLive=figures.went_live,
            clickToFirstFrameMedianMs=None if median is None else round(median, 0),
            clickToFirstFrameP90Ms=None if p90 is None else round(p90, 0),
            failed=figures.failed,
            failures=dict(sorted(figures.failures.items())),
            withPath=figures.with_path,
            relay=figures.relay,
            relayShare=None if share is None else round(share, 4),
        )


class LastHourView(View):
    from_: Timestamp = Field(alias="from")
    to: Timestamp
    bucketSeconds: int
    buckets: list[VideoFiguresView]
    totals: VideoFiguresView


class WrapupCountView(View):
    name: str = Field(description="the wrap-up code's name; empty: wrapped up without a code")
    count: int


class DashboardView(View):
    organizationId: str
    at: Timestamp
    queues: list[QueueFiguresView]
    videoSessions: list[OpenVideoView]
    lastHour: LastHourView
    wrapups: list[WrapupCountView] = Field(description="chats wrapped up in the last 24 hours by code, most first")

    @classmethod
    def of(cls, board: Dashboard) -> DashboardView:
        return cls(
            organizationId=board.organization_id,
            at=board.at,
            queues=[QueueFiguresView.of(q) for q in board.queues],
            videoSessions=[OpenVideoView.of(v) for v in board.videos],
            lastHour=LastHourView(
                from_=board.totals.start,
                to=board.totals.end,
                bucketSeconds=int(BUCKET.total_seconds()),
                buckets=[VideoFiguresView.of(b) for b in board.buckets],
                totals=VideoFiguresView.of(board.totals),
            ),
            wrapups=[
                WrapupCountView(name=name, count=count)
                for name, count in sorted(board.wrapups.items(), key=lambda item: (-item[1], item[0]))
            ],
        )


@router.get(
    "/supervisor",
    summary="Queues now, video sessions not over yet with their latest quality, and the last hour of video",
    description=(
        "Needs `analytics:dashboard:view`. `queues`: waiting interactions (offered ones included), the longest "
        "wait in seconds, agents on queue and available. `videoSessions`: requested, connecting, live and held "
        "sessions, each with the latest quality sample the agent's desktop reported (null before the first). "
        "`lastHour`: five-minute buckets (and totals) of the sessions requested in them: click to first frame "
        "(consent to first frame, median and 90th percentile in ms), failures by cause, relay share."
    ),
)
async def supervisor_dashboard(who: PrincipalDep, sd: ServicesDep) -> DashboardView:
    return DashboardView.of(await sd.supervisor.view(who))


class AgentVideoView(View):
    sessionId: str
    state: str = Field(description="requested, connecting, live or held")
    path: str | None = Field(description="direct or relay, once the picture arrived")


class AgentChatView(View):
    conversationId: str
    customerName: str
    queue: str | None = Field(description="the queue's name")
    since: Timestamp = Field(description="when the agent took the chat")
    video: AgentVideoView | None = Field(description="the chat's open video session, null without one")

    @classmethod
    def of(cls, chat: AgentChat) -> AgentChatView:
        c, v = chat.conversation, chat.video
        return cls(
            conversationId=c.id,
            customerName=c.customer_name,
            queue=chat.queue_name,
            since=chat.since,
            video=AgentVideoView(sessionId=v.id, state=v.state, path=v.path) if v else None,
        )


class AgentStatusView(View):
    id: str
    name: str
    status: str = Field(description="on_queue, busy (on queue at capacity), off_queue or not_responding")
    connected: bool = Field(description="a desktop of theirs is connected")
    capacity: int
    chats: list[AgentChatView] = Field(description="their connected chats, oldest first")

    @classmethod
    def of(cls, row: AgentRow) -> AgentStatusView:
        return cls(
            id=row.user.id,
            name=row.user.name,
            status=row.status,
            connected=row.connected,
            capacity=row.capacity,
            chats=[AgentChatView.of(c) for c in row.chats],
        )


class AgentsView(View):
    entities: list[AgentStatusView]


@router.get(
    "/agents",
    summary="Each agent who answers chats: status, connected chats and their open video sessions",
    description=(
        "Needs `analytics:dashboard:view`. Every active user of the organization holding `chat:answer`, by name: "
        "routing status (`on_queue`, `busy`, `off_queue`, `not_responding`), whether a desktop of theirs is "
        "connected, and their connected chats, each with its open video session's state and path (null without "
        "one). A chat is watched read-only on `/ws/v1/watch` (docs/protocol.md)."
    ),
)
async def agents(who: PrincipalDep, sd: ServicesDep) -> AgentsView:
    return AgentsView(entities=[AgentStatusView.of(row) for row in await sd.agent_board.agents(who)])

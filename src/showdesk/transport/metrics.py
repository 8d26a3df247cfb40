"""Prometheus metrics at /metrics: socket and message counters, live routing gauges, and the supervisor
dashboard's figures.

Not public: a scrape sends `Authorization: Bearer <token>`, either the operator's `--metrics-token`
(every series) or the access token of a person or API client holding `metrics:view` (only the series
of their own organization). Label values come from fixed sets and ids only, never from text someone
typed (a queue is its id, an unknown failure reason is `other`).
"""

from __future__ import annotations

import asyncio
import hmac
from collections import Counter as Tally
from collections.abc import Iterator

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from showdesk.domain.errors import Unauthenticated
from showdesk.domain.permissions import Permission
from showdesk.domain.video_figures import UNKNOWN_CAUSE, click_to_first_frame_ms
from showdesk.domain.video_words import FAILURE_TEXT
from showdesk.services.container import Services
from showdesk.services.routing_view import RoutingView
from showdesk.services.supervisor import Dashboard

# Click to first frame, in seconds: a LAN connects in well under a second, a relay after failed checks in ~10.
TTFF_BUCKETS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0)


class RoutingCollector(Collector):
    """Routing as the node that routes holds it (the same on every node), read just before each scrape."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._view = RoutingView([], {}, [])

    async def refresh(self) -> None:
        self._view = await self._services.router.view()

    def collect(self) -> Iterator[Metric]:
        view = self._view
        waiting = GaugeMetricFamily("showdesk_interactions_waiting", "Interactions waiting in queues")
        waiting.add_metric([], len(view.waiting))
        yield waiting
        abandoned = CounterMetricFamily(
            "showdesk_conversations_abandoned",
            "Waiting chats ended because their customer was gone longer than --customer-grace (by the routing "
            "node, since it began to route)",
        )
        abandoned.add_metric([], view.abandoned)
        yield abandoned
        offered = GaugeMetricFamily("showdesk_offers_outstanding", "Offers waiting for an agent's answer")
        offered.add_metric([], len(view.offered))
        yield offered
        agents = GaugeMetricFamily("showdesk_agents", "Agents known to routing, by status", labels=["status"])
        counts: dict[str, int] = {}
        for agent in view.agents:
            counts[agent.shown_status] = counts.get(agent.shown_status, 0) + 1
        for status, count in sorted(counts.items()):
            agents.add_metric([status], count)
        yield agents


class VideoCollector(Collector):
    """How video sessions on this node ended, why they failed, and what the agents' desktops saw."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def collect(self) -> Iterator[CounterMetricFamily]:
        stats = self._services.video.stats
        ended = CounterMetricFamily(
            "showdesk_video_sessions_ended",
            "Video sessions ended, by outcome and media path",
            labels=["outcome", "path"],
        )
        for (outcome, path), count in sorted(stats.outcomes.items()):
            ended.add_metric([outcome, path], count)
        yield ended
        failures = CounterMetricFamily("showdesk_video_failures", "Failed video sessions, by reason", labels=["reason"])
        for reason, count in sorted(stats.failures.items()):
            failures.add_metric([reason], count)
        yield failures
        problems = CounterMetricFamily(
            "showdesk_video_picture_problems",
            "Connected sessions without a usable picture (no frames, black, frozen), by cause",
            labels=["cause"],
        )
        for cause, count in sorted(stats.problems.items()):
            problems.add_metric([cause], count)
        yield problems
        retries = CounterMetricFamily(
            "showdesk_video_retries", "Customer-side retries: through the relay, or ICE restarts", labels=["how"]
        )
        for how, count in sorted(stats.retries.items()):
            retries.add_metric([how], count)
        yield retries


class CustomerSocketCollector(Collector):
    """The grace a dropped customer socket's video gets on this node (services/guest_presence.py): how many
    are counting down, and how they ended (the customer back, on any node, or gone)."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def collect(self) -> Iterator[Metric]:
        presence = self._services.guest_presence
        counting = GaugeMetricFamily(
            "showdesk_customer_graces_counting", "Dropped customer sockets whose video waits for the page to return"
        )
        counting.add_metric([], presence.counting)
        yield counting
        ended = CounterMetricFamily(
            "showdesk_customer_graces", "Graces of dropped customer sockets, by how they ended", labels=["outcome"]
        )
        for outcome in ("back", "gone"):
            ended.add_metric([outcome], presence.outcomes[outcome])
        yield ended


class SupervisorCollector(Collector):
    """The supervisor dashboard's figures for every organization, read just before each scrape (the store
    is async, a collector is not).

    Queues and open sessions are gauges of now. The last hour's figures are gauges over the stored records,
    the same on every node (aggregate them with max, not sum). Click to first frame is also a histogram:
    each scrape observes the sessions that went live since the previous one, read from the same records,
    so it needs no hook in the video service and counts a session once per process, whichever node saw it
    (again: one node's series, not a sum over nodes). Sessions that went live before this process started
    are left out, so a restart reads as a counter reset and not as a burst.
    """

    def __init__(self, services: Services, ttff: Histogram) -> None:
        self._services = services
        self._ttff = ttff
        self._started = services.clock.now()
        self._observed: set[str] = set()
        self._dashboards: list[Dashboard] = []
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        async with self._lock:
            dashboards = await self._services.supervisor.every_organization()
            recent: set[str] = set()
            for board in dashboards:
                for session in board.recent:
                    recent.add(session.id)
                    ttff = click_to_first_frame_ms(session)
                    started = session.started_at
                    if ttff is None or started is None or started < self._started or session.id in self._observed:
                        continue
                    self._observed.add(session.id)
                    self._ttff.labels(board.organization_id).observe(ttff / 1000)
            self._observed &= recent  # older ones fall out of the hour's records and never come back
            self._dashboards = dashboards

    def collect(self) -> Iterator[GaugeMetricFamily]:
        def family(name: str, text: str, *labels: str) -> GaugeMetricFamily:
            return GaugeMetricFamily(name, text, labels=["organization", *labels])

        waiting = family(
            "showdesk_queue_waiting", "Interactions waiting in a queue (offered ones included)", "queue_id"
        )
        longest = family(
            "showdesk_queue_longest_wait_seconds",
            "How long the longest-waiting interaction of a queue has waited",
            "queue_id",
        )
        on_queue = family(
            "showdesk_queue_agents_on_queue",
            "Connected agents on queue who may take a queue's interactions",
            "queue_id",
        )
        available = family("showdesk_queue_agents_available", "Of those, agents free to take one now", "queue_id")
        live = family(
            "showdesk_video_live_sessions", "Video sessions not over yet, by state and media path", "state", "path"
        )
        sessions = family("showdesk_video_last_hour_sessions", "Video sessions requested in the last hour")
        went_live = family("showdesk_video_last_hour_went_live", "Of those, sessions that showed a first frame")
        ttff = family(
            "showdesk_video_last_hour_click_to_first_frame_seconds",
            "Click to first frame (consent to first frame) of the last hour's sessions, median and 90th percentile",
            "quantile",
        )
        failures = family(
            "showdesk_video_last_hour_failures", "The last hour's failed video sessions, by cause", "reason"
        )
        relay = family(
            "showdesk_video_last_hour_relay_share",
            "Share of the last hour's sessions with a known path that went through the relay (absent when none)",
        )
        for board in self._dashboards:
            org = board.organization_id
            for q in board.queues:
                labels = [org, q.queue.id]  # the id: a queue's name is text an admin typed
                waiting.add_metric(labels, q.waiting)
                longest.add_metric(labels, q.longest_wait_seconds or 0.0)
                on_queue.add_metric(labels, q.agents_on_queue)
                available.add_metric(labels, q.agents_available)
            counts = Tally((v.session.state, v.path or "none") for v in board.videos)
            for (state, path), count in sorted(counts.items()):
                live.add_metric([org, state, path], count)
            totals = board.totals
            sessions.add_metric([org], totals.sessions)
            went_live.add_metric([org], totals.went_live)
            for quantile, value in (("0.5", totals.ttff_median_ms), ("0.9", totals.ttff_p90_ms)):
                if value is not None:
                    ttff.add_metric([org, quantile], value / 1000)
            known: Tally[str] = Tally()
            for reason, count in totals.failures.items():
                known[_known(reason)] += count
            for reason, count in sorted(known.items()):
                failures.add_metric([org, reason], count)
            if totals.relay_share is not None:
                relay.add_metric([org], totals.relay_share)
        yield from (waiting, longest, on_queue, available, live, sessions, went_live, ttff, failures, relay)


def _known(reason: str) -> str:
    """A failure reason as a label: one of the fixed set, else `other` (an agent desktop may send any text)."""
    return reason if reason in FAILURE_TEXT or reason == UNKNOWN_CAUSE else "other"


class OrganizationSeries(Collector):
    """What one organization's people may scrape: the series labelled with their organization, nothing of
    another's and nothing of the node as a whole (that is the operator's, with the metrics token)."""

    def __init__(self, registry: CollectorRegistry, organization_id: str) -> None:
        self._registry = registry
        self._organization_id = organization_id

    def collect(self) -> Iterator[Metric]:
        for metric in self._registry.collect():
            kept = [s for s in metric.samples if s.labels.get("organization") == self._organization_id]
            if kept:
                mine = Metric(metric.name, metric.documentation, metric.type, metric.unit)
                mine.samples = kept
                yield mine


class Metrics:
    def __init__(self, metrics_token: str | None = None) -> None:
        self._metrics_token = metrics_token or ""
        self.registry = CollectorRegistry()
        self.sockets = Gauge("showdesk_websockets_open", "Open WebSockets", ["side"], registry=self.registry)
        self.frames = Counter(
            "showdesk_ws_frames_received_total", "WebSocket frames received", ["side"], registry=self.registry
        )
        self.click_to_first_frame = Histogram(
            "showdesk_video_click_to_first_frame_seconds",
            "Click to first frame as the server sees it: the customer's consent to the first frame the agent saw",
            ["organization"],
            buckets=TTFF_BUCKETS,
            registry=self.registry,
        )
        self.supervisor: SupervisorCollector | None = None
        self.routing: RoutingCollector | None = None

    def watch(self, services: Services) -> None:
        self.routing = RoutingCollector(services)
        self.registry.register(self.routing)
        self.registry.register(VideoCollector(services))
        self.registry.register(CustomerSocketCollector(services))
        self.supervisor = SupervisorCollector(services, self.click_to_first_frame)
        self.registry.register(self.supervisor)

    async def _scraped_by(self, request: Request) -> str | None:
        """Whose scrape this is: None for the operator's metrics token (every series), else the organization
        of a person or API client holding metrics:view. Unauthenticated (401) or Forbidden (403) otherwise."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated(
                "send Authorization: Bearer <the metrics token (--metrics-token), or an access token with "
                "metrics:view>",
                code="token_missing",
            )
        if self._metrics_token and hmac.compare_digest(token.encode(), self._metrics_token.encode()):
            return None
        services = request.app.state.services
        principal = await services.access.require(await services.access.authenticate(token), Permission.METRICS_VIEW)
        return str(principal.user.organization_id)

    def mount(self, app: FastAPI) -> None:
        @app.get("/metrics", include_in_schema=False)
        async def metrics(request: Request) -> Response:
            organization = await self._scraped_by(request)
            if self.supervisor is not None:
                await self.supervisor.refresh()
            if self.routing is not None:
                await self.routing.refresh()
            registry = self.registry if organization is None else OrganizationSeries(self.registry, organization)
            return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

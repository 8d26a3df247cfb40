"""Prometheus metrics at /metrics: socket and message counters plus live routing gauges."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from showdesk.services.container import Services


class RoutingCollector(Collector):
    def __init__(self, services: Services) -> None:
        self._services = services

    def collect(self) -> Iterator[GaugeMetricFamily]:
        router = self._services.router
        waiting = GaugeMetricFamily("showdesk_interactions_waiting", "Interactions waiting in queues")
        waiting.add_metric([], len(router.waiting))
        yield waiting
        offered = GaugeMetricFamily("showdesk_offers_outstanding", "Offers waiting for an agent's answer")
        offered.add_metric([], len(router.offers))
        yield offered
        agents = GaugeMetricFamily("showdesk_agents", "Agents known to routing, by status", labels=["status"])
        counts: dict[str, int] = {}
        for agent in router.agents.values():
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


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.sockets = Gauge("showdesk_websockets_open", "Open WebSockets", ["side"], registry=self.registry)
        self.frames = Counter(
            "showdesk_ws_frames_received_total", "WebSocket frames received", ["side"], registry=self.registry
        )

    def watch(self, services: Services) -> None:
        self.registry.register(RoutingCollector(services))
        self.registry.register(VideoCollector(services))

    def mount(self, app: FastAPI) -> None:
        @app.get("/metrics", include_in_schema=False)
        async def metrics() -> Response:
            return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)

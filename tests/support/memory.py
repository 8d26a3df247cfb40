"""Services on the in-memory store and bus, with a clock the test moves, and a recorder of events."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from showdesk.adapters.bus.memory import MemoryBus
from showdesk.adapters.limits.memory import MemoryLimiter
from showdesk.adapters.storage.memory import MemoryStore
from showdesk.services.container import Services
from showdesk.services.demo import seed_demo
from showdesk.services.settings import ServiceSettings


class ManualClock:
    def __init__(self) -> None:
        self.current = datetime.now(UTC)  # tokens are checked against real time

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


class Recorder:
    """Everything published, by topic."""

    def __init__(self, bus: MemoryBus) -> None:
        self.frames: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self._bus = bus

    async def watch(self, topic: str) -> None:
        async def keep(frame: dict[str, Any], topic: str = topic) -> None:
            self.frames[topic].append(frame)

        await self._bus.subscribe(keep).add(topic)

    def types(self, topic: str) -> list[str]:
        return [f["type"] for f in self.frames[topic]]

    def of(self, topic: str, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.frames[topic] if f["type"] == kind]


async def demo_services(
    offer_timeout: float = 0.2, agent_grace: float = 0.2, **more: Any
) -> tuple[Services, Recorder, ManualClock]:
    """The demo organization's services; `more` sets other ServiceSettings (e.g. decline_cooldown=0.1)."""
    clock = ManualClock()
    bus = MemoryBus()
    store = MemoryStore()
    settings = ServiceSettings(
        secret_key="unit-test-secret-" + "x" * 32,
        offer_timeout=offer_timeout,
        agent_grace=agent_grace,
        resume_window=5,
        **more,
    )
    services = Services(store, bus, clock, settings, limiter=MemoryLimiter(lambda: clock.current.timestamp()))
    await seed_demo(store, clock, ["http://shop.test"])
    return services, Recorder(bus), clock

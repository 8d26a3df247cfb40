"""Services on the in-memory store and bus, with a clock the test moves, and a recorder of events."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from showdesk.adapters.bus.memory import MemoryBus
from showdesk.adapters.clock import TaskTimer
from showdesk.adapters.limits.memory import MemoryLimiter
from showdesk.adapters.storage.memory import MemoryStore
from showdesk.services.container import Services
from showdesk.services.demo import seed_demo
from showdesk.services.settings import ServiceSettings
from tests.support.waiting import settle

EPSILON = 1e-9  # run_for(0.09) then run_for(0.01) reaches what is due at 0.1, float sums notwithstanding


class ManualClock:
    """A clock the test moves. `advance` only moves it (dates); `run_for` moves it step by step and lets what
    falls due on the way (sleeps, timers: offers' timeouts, graces, cooldowns) run in order, each at its time."""

    def __init__(self) -> None:
        self.current = datetime.now(UTC)  # tokens are checked against real time
        self._elapsed = 0.0
        self._due: list[tuple[float, int, asyncio.Future[None]]] = []  # (when, order, the sleep it ends)
        self._order = itertools.count()

    def now(self) -> datetime:
        return self.current

    def monotonic(self) -> float:
        return self._elapsed

    def advance(self, seconds: float) -> None:
        """Move the date and time on (or back), waking nothing: see `run_for`."""
        self._move_to(self._elapsed + seconds)

    def sleep(self, seconds: float) -> asyncio.Future[None]:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._due, (self._elapsed + max(seconds, 0.0), next(self._order), done))
        return done

    def call_later(self, seconds: float, work: Callable[[], Awaitable[None]]) -> TaskTimer:
        due = self.sleep(seconds)  # counted from now, not from when the timer's task first runs
        return TaskTimer(lambda: due, work)

    async def run_for(self, seconds: float) -> None:
        """Move time on by `seconds`: each sleep and timer that falls due on the way ends at its own time, and
        what it starts runs before time moves further."""
        end = self._elapsed + seconds
        await settle()
        while self._due and self._due[0][0] <= end + EPSILON:
            at, _, done = heapq.heappop(self._due)
            if done.done():  # cancelled
                continue
            self._move_to(max(at, self._elapsed))
            done.set_result(None)
            await settle()
        self._move_to(max(end, self._elapsed))
        await settle()

    def pending(self) -> int:
        """Sleeps and timers not due yet."""
        return sum(1 for _, _, done in self._due if not done.done())

    def _move_to(self, elapsed: float) -> None:
        self.current += timedelta(seconds=elapsed - self._elapsed)
        self._elapsed = elapsed


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

"""How this server uses Python's cyclic garbage collector, and what its pauses cost.

With a thousand conversations a node holds a few hundred thousand long-lived objects (sockets,
subscriptions, tasks). Python's full collections walk all of them, about every few seconds under
chat load, stop the event loop for 100 ms or more, and reclaim almost nothing: chat latency's p99
was those pauses. So what survives is frozen (`gc.freeze`) every `FREEZE_EVERY` seconds, which keeps
it out of automatic collections, and once every `RECLAIM_EVERY` seconds the frozen objects are
thawed and collected fully, so cycles that died meanwhile are still freed. See docs/adr/0003.

The youngest generation is collected after `YOUNG_THRESHOLD` new container objects rather than
Python's 700: with 2,000 chat messages in flight, each young collection found most of what it walked
still in use (frames, futures, messages on their way) and moved it on to the next generation, whose
collections then walked it again. Under that load the two took 9% of the event loop's time; with
10,000 they take under 1%, each young collection still a few milliseconds at most.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from typing import Any

from prometheus_client import CollectorRegistry, Histogram

FREEZE_EVERY = 30.0
RECLAIM_EVERY = 600.0
YOUNG_THRESHOLD = 10_000  # new container objects between collections of the youngest generation


class GcPolicy:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.pauses = Histogram(
            "showdesk_gc_pause_seconds",
            "Pauses of Python's cyclic garbage collector",
            ["generation"],
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
            registry=registry,
        )
        self._started = 0.0
        self._thresholds = gc.get_threshold()
        self._task: asyncio.Task[None] | None = None

    def _observe(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.labels(str(info["generation"])).observe(time.perf_counter() - self._started)

    def start(self) -> None:
        gc.callbacks.append(self._observe)
        self._thresholds = gc.get_threshold()
        gc.set_threshold(YOUNG_THRESHOLD, *self._thresholds[1:])
        gc.collect()
        gc.freeze()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        since_reclaim = 0.0
        while True:
            await asyncio.sleep(FREEZE_EVERY)
            since_reclaim += FREEZE_EVERY
            if since_reclaim >= RECLAIM_EVERY:
                since_reclaim = 0.0
                gc.unfreeze()
                gc.collect()
            gc.freeze()

    async def stop(self) -> None:
        if self._observe in gc.callbacks:
            gc.callbacks.remove(self._observe)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        gc.set_threshold(*self._thresholds)
        gc.unfreeze()

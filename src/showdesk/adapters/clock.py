"""The system's time: wall-clock dates in UTC, the event loop's monotonic clock for waiting."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime


class TaskTimer:
    """`work` in a task of its own, once `wait()` is over (a clock's sleep)."""

    def __init__(self, wait: Callable[[], Awaitable[None]], work: Callable[[], Awaitable[None]]) -> None:
        self.fired = False
        self._task = asyncio.ensure_future(self._run(wait, work))

    async def _run(self, wait: Callable[[], Awaitable[None]], work: Callable[[], Awaitable[None]]) -> None:
        await wait()
        self.fired = True
        await work()

    def cancel(self) -> None:
        if self._task is not asyncio.current_task():  # its own work ending it would cut itself short
            self._task.cancel()

    async def stop(self) -> None:
        self.cancel()
        if self._task is not asyncio.current_task():
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> Awaitable[None]:
        return asyncio.sleep(seconds)

    def call_later(self, seconds: float, work: Callable[[], Awaitable[None]]) -> TaskTimer:
        return TaskTimer(lambda: asyncio.sleep(seconds), work)

"""Waiting on a condition rather than for a while: a check polled until it holds, or a failure saying what
did not happen; `settle`, for what must not happen: every task that can go on without waiting for time or
I/O has, before the test looks; and `sampled`, readings a set time apart, for a rate (frames, bytes) that
only time can measure. The fixed pauses here are the polling intervals and that measuring window."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def eventually(
    check: Callable[[], Any | Awaitable[Any]], timeout: float = 2.0, what: str = "condition", every: float = 0.01
) -> Any:
    """The first true answer of `check()` (a plain or an async function), polled every `every` seconds;
    AssertionError naming `what` once `timeout` seconds have passed without one."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        answer = check()
        if inspect.isawaitable(answer):
            answer = await answer
        if answer:
            return answer
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {answer!r})")
        await asyncio.sleep(every)  # the polling interval


async def settle(rounds: int = 50) -> None:
    """Let every task that can go on without waiting for time or I/O do so (frames queued in memory, timers a
    manual clock released, a lane's completions): before asserting that something did not happen."""
    for _ in range(rounds):
        await asyncio.sleep(0)  # one turn of the event loop, not a wait for time


def wait_until(check: Callable[[], Any], timeout: float = 15.0, what: str = "condition", every: float = 0.1) -> Any:
    """`eventually` for code outside an event loop (processes starting, a browser page)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {answer!r})")
        time.sleep(every)  # the polling interval


def sampled(read: Callable[[], T], count: int, every: float) -> list[T]:
    """`count + 1` readings of `read()`, the first at once, then one every `every` seconds: what a rate (frames
    decoded, bytes received), or its absence while video is held, is measured over. Not a wait for something
    to happen: a rate is a difference over time, so the window itself is the measurement."""
    readings = [read()]
    for _ in range(count):
        time.sleep(every)  # the measuring window
        readings.append(read())
    return readings

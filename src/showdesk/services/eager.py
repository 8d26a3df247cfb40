"""Run a coroutine's first steps at once, in the caller, and keep the rest only if it has to wait.

asyncio runs coroutines inside tasks, and a task costs a trip through the event loop and, on
Python 3.11, a registration in a WeakSet. Most per-frame work never waits: a write to a socket
whose buffer has room, or a chat message whose only wait is its group commit. Python 3.12's eager
task factory does the same for every task; this does it where it pays, with an explicit place
(`Lane`, or the socket's writer) for what is left.

`start(coro)` runs `coro` until it finishes (returns None) or suspends (returns a `Paused`, to be
finished by `finish`). `finish` resumes it exactly as a task would: it waits on the future the
coroutine is blocked on, then sends into it (or throws what the wait raised, cancellation included).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine, Generator
from dataclasses import dataclass
from typing import Any

Work = Coroutine[Any, Any, None]
DRAIN_SECONDS = 10.0


@dataclass(slots=True)
class Paused:
    coro: Work
    blocked_on: Any  # the future the coroutine yielded, or None for a bare yield (asyncio.sleep(0))


def start(coro: Work) -> Paused | None:
    """Run `coro` until it waits; None when it already finished. Raises what `coro` raises."""
    try:
        blocked_on = coro.send(None)
    except StopIteration:
        return None
    if blocked_on is not None:
        # What a task does with a yielded future: take it over, so others may await it too.
        blocked_on._asyncio_future_blocking = False
    return Paused(coro, blocked_on)


class _Wait:
    """Awaitable that hands the paused coroutine's future to the running task, unchanged."""

    __slots__ = ("future",)

    def __init__(self, future: Any) -> None:
        self.future = future

    def __await__(self) -> Generator[Any, None, None]:
        if self.future is not None:
            self.future._asyncio_future_blocking = True  # as Future.__await__ does before yielding
        yield self.future


async def finish(paused: Paused) -> None:
    """Drive a paused coroutine to its end inside the current task. Raises what it raises."""
    coro, blocked_on = paused.coro, paused.blocked_on
    while True:
        error: BaseException | None = None
        if blocked_on is None or not blocked_on.done():
            try:
                await _Wait(blocked_on)
            except BaseException as exc:  # the future's own error, or this task being cancelled
                error = exc
        try:
            blocked_on = coro.send(None) if error is None else coro.throw(error)
        except StopIteration:
            return
        if blocked_on is not None:
            blocked_on._asyncio_future_blocking = False


class Lane:
    """Coroutines that start at once and finish in the order they were started, one task for all.

    A socket's chat messages go through one lane: each is validated and handed to the message
    writer at once, in frame order, and their acks go out in that same order as their commits land.
    `on_error` gets each coroutine's exception (the lane goes on with the next).
    """

    def __init__(self, on_error: Callable[[BaseException, Any], None], limit: int = 64) -> None:
        self._on_error = on_error
        self._limit = limit
        self._paused: deque[tuple[Paused, Any]] = deque()
        self._task: asyncio.Task[None] | None = None
        self._room = asyncio.Event()

    def __len__(self) -> int:
        return len(self._paused)

    async def submit(self, coro: Work, ref: Any) -> None:
        if len(self._paused) >= self._limit:  # back-pressure on a flooding client
            self._room.clear()
            await self._room.wait()
        try:
            paused = start(coro)
        except Exception as exc:
            self._on_error(exc, ref)
            return
        if paused is None:
            return
        self._paused.append((paused, ref))  # it finishes behind the ones started before it
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while self._paused:
            paused, ref = self._paused[0]
            try:
                await finish(paused)
            except asyncio.CancelledError:
                for left, _ in self._paused:
                    left.coro.close()
                self._paused.clear()
                raise
            except Exception as exc:
                self._on_error(exc, ref)
            self._paused.popleft()
            if len(self._paused) < self._limit:
                self._room.set()
        self._task = None

    async def drain(self) -> None:
        """Let what was started finish (for at most DRAIN_SECONDS), then stop."""
        task = self._task
        if task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), DRAIN_SECONDS)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
        except Exception:  # noqa: S110 - errors were reported through on_error
            pass

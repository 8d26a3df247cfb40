"""Eager start of coroutines: what does not wait runs at once; what waits finishes as a task would."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from showdesk.services import eager
from showdesk.services.eager import Lane
from tests.support.waiting import settle


async def test_a_coroutine_that_never_waits_finishes_inside_start() -> None:
    done: list[str] = []

    async def work() -> None:
        done.append("ran")

    assert eager.start(work()) is None
    assert done == ["ran"]


async def test_a_paused_coroutine_gets_its_future_result_when_finished() -> None:
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    seen: list[int] = []

    async def work() -> None:
        seen.append(await future)

    paused = eager.start(work())
    assert paused is not None and seen == []
    asyncio.get_running_loop().call_later(0.01, future.set_result, 7)
    await eager.finish(paused)
    assert seen == [7]


async def test_the_futures_error_is_raised_inside_the_paused_coroutine() -> None:
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    caught: list[str] = []

    async def work() -> None:
        try:
            await future
        except KeyError as exc:
            caught.append(str(exc))

    paused = eager.start(work())
    assert paused is not None
    asyncio.get_running_loop().call_soon(future.set_exception, KeyError("gone"))
    await eager.finish(paused)
    assert caught == ["'gone'"]


async def test_bare_yields_and_several_waits_are_followed() -> None:
    steps: list[int] = []

    loop = asyncio.get_running_loop()

    async def work() -> None:
        for i in range(3):
            await asyncio.sleep(0)  # the bare yield this test is about
            later: asyncio.Future[None] = loop.create_future()
            loop.call_soon(later.set_result, None)
            await later  # a wait on a future, resolved on the loop's next turn
            steps.append(i)

    paused = eager.start(work())
    assert paused is not None
    await eager.finish(paused)
    assert steps == [0, 1, 2]


async def test_cancelling_the_finishing_task_cancels_the_paused_coroutine() -> None:
    cleaned: list[str] = []
    never: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def work() -> None:
        try:
            await never
        finally:
            cleaned.append("cleaned")

    paused = eager.start(work())
    assert paused is not None
    task = asyncio.create_task(eager.finish(paused))
    await settle()  # the finishing task waits on the paused coroutine's future
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == ["cleaned"]


async def test_a_lane_finishes_in_start_order_and_reports_errors_by_ref() -> None:
    loop = asyncio.get_running_loop()
    futures = [loop.create_future() for _ in range(4)]
    finished: list[int] = []
    errors: list[tuple[str, Any]] = []
    lane = Lane(lambda exc, ref: errors.append((str(exc), ref)))

    async def work(i: int) -> None:
        value = await futures[i]
        if value == "fail":
            raise ValueError(f"message {i} failed")
        finished.append(i)

    for i in range(4):
        await lane.submit(work(i), ref=f"c{i}")
    assert len(lane) == 4
    # Completions arrive out of order; the lane still finishes them in the order they started.
    futures[2].set_result("ok")
    futures[1].set_result("fail")
    futures[3].set_result("ok")
    await settle()
    assert finished == []
    futures[0].set_result("ok")
    await lane.drain()
    assert finished == [0, 2, 3]
    assert errors == [("message 1 failed", "c1")]
    assert len(lane) == 0


async def test_a_lane_reports_an_error_raised_before_the_first_wait() -> None:
    errors: list[Any] = []
    lane = Lane(lambda exc, ref: errors.append(ref))

    async def refuse() -> None:
        raise ValueError("bad frame")

    await lane.submit(refuse(), ref="c9")
    assert errors == ["c9"] and len(lane) == 0


async def test_a_full_lane_makes_the_submitter_wait_for_room() -> None:
    loop = asyncio.get_running_loop()
    gate: asyncio.Future[None] = loop.create_future()
    lane = Lane(lambda exc, ref: None, limit=2)

    async def work() -> None:
        await gate

    await lane.submit(work(), ref=1)
    await lane.submit(work(), ref=2)
    third = asyncio.create_task(lane.submit(work(), ref=3))
    await settle()
    assert not third.done()
    gate.set_result(None)
    await asyncio.wait_for(third, 1)
    await lane.drain()
    assert len(lane) == 0

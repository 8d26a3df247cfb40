"""The same checks over every bus: in memory (a node alone) and Redis (a frame published on one node
reaches subscribers on another). Topics are new for each test: Redis may be shared."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tests.support.buses import Buses, Inbox


def topics(*names: str) -> list[str]:
    run = uuid.uuid4().hex
    return [f"test.{run}.{name}" for name in names]


async def test_a_burst_arrives_whole_in_the_order_published_and_as_published(buses: Buses) -> None:
    [topic] = topics("burst")
    inbox = Inbox()
    await buses.subscriber.subscribe(inbox).add(topic)
    await buses.settled(topic, 1)
    sent = [
        {"type": "message", "n": n, "text": f"line {n} é ✓", "attachment": {"w": n, "tags": ["a"]}} for n in range(5000)
    ]

    await asyncio.gather(*(buses.publisher.publish(topic, frame) for frame in sent))

    assert await inbox.until(lambda got: len(got) >= len(sent)) == sent


async def test_a_frame_reaches_every_subscription_of_its_topic_and_no_other(buses: Buses) -> None:
    wanted, other = topics("wanted", "other")
    first, second, elsewhere = Inbox(), Inbox(), Inbox()
    await buses.subscriber.subscribe(first).add(wanted)
    await buses.subscriber.subscribe(second).add(wanted)
    await buses.subscriber.subscribe(elsewhere).add(other)
    await buses.settled(wanted, 1)
    await buses.settled(other, 1)

    await buses.publisher.publish(wanted, {"n": 1})
    await buses.publisher.publish(other, {"mark": True})

    assert await first.until(lambda got: len(got) >= 1) == [{"n": 1}]
    assert await second.until(lambda got: len(got) >= 1) == [{"n": 1}]
    assert await elsewhere.until(lambda got: len(got) >= 1) == [{"mark": True}]


async def test_a_removed_topic_is_heard_no_more_while_the_others_still_are(buses: Buses) -> None:
    dropped, kept = topics("dropped", "kept")
    inbox = Inbox()
    subscription = buses.subscriber.subscribe(inbox)
    await subscription.add(dropped)
    await subscription.add(kept)
    await buses.settled(dropped, 1)
    await buses.publisher.publish(dropped, {"n": 1})
    await inbox.until(lambda got: len(got) >= 1)

    await subscription.remove(dropped)
    await buses.settled(dropped, 0)
    await buses.publisher.publish(dropped, {"n": 2})
    await buses.publisher.publish(kept, {"mark": True})  # published after: heard after anything before it

    assert await inbox.until(lambda got: {"mark": True} in got) == [{"n": 1}, {"mark": True}]


async def test_adding_a_topic_twice_delivers_once_and_removing_an_unknown_one_is_harmless(buses: Buses) -> None:
    [topic] = topics("twice")
    inbox = Inbox()
    subscription = buses.subscriber.subscribe(inbox)
    await subscription.add(topic)
    await subscription.add(topic)
    await subscription.remove(f"{topic}.never-added")
    await buses.settled(topic, 1)

    await buses.publisher.publish(topic, {"n": 1})
    await buses.publisher.publish(topic, {"n": 2})

    assert await inbox.until(lambda got: len(got) >= 2) == [{"n": 1}, {"n": 2}]


async def test_a_closed_subscription_hears_nothing_and_the_topic_goes_on_for_others(buses: Buses) -> None:
    mine, shared = topics("mine", "shared")
    closed, witness = Inbox(), Inbox()
    subscription = buses.subscriber.subscribe(closed)
    await subscription.add(mine)
    await subscription.add(shared)
    await buses.subscriber.subscribe(witness).add(shared)
    await buses.settled(mine, 1)

    await subscription.close()
    await buses.settled(mine, 0)
    await buses.publisher.publish(mine, {"n": 1})
    await buses.publisher.publish(shared, {"mark": True})

    assert await witness.until(lambda got: len(got) >= 1) == [{"mark": True}]
    assert closed.frames == []


async def test_a_failing_handler_does_not_keep_frames_from_the_others(buses: Buses) -> None:
    [topic] = topics("failing")
    calls: list[Any] = []

    async def broken(frame: dict[str, Any]) -> None:
        calls.append(frame)
        raise RuntimeError("a socket that broke")

    inbox = Inbox()
    await buses.subscriber.subscribe(broken).add(topic)
    await buses.subscriber.subscribe(inbox).add(topic)
    await buses.settled(topic, 1)

    for n in range(3):
        await buses.publisher.publish(topic, {"n": n})

    assert await inbox.until(lambda got: len(got) >= 3) == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert len(calls) == 3  # the broken handler was still given every frame


async def test_close_returns_with_subscriptions_open_and_ends_their_delivery(buses: Buses) -> None:
    [topic] = topics("closing")
    inbox = Inbox()
    await buses.subscriber.subscribe(inbox).add(topic)
    await buses.settled(topic, 1)

    async with asyncio.timeout(5):
        await buses.subscriber.close()
        await buses.subscriber.close()  # twice is harmless
    await buses.settled(topic, 0)
    await buses.publisher.publish(topic, {"n": 1})

    assert inbox.frames == []


async def test_publishing_where_nobody_listens_is_not_an_error(buses: Buses) -> None:
    [topic] = topics("nobody")
    await buses.publisher.publish(topic, {"n": 1})

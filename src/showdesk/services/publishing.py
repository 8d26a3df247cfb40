"""The one way services publish events."""

from __future__ import annotations

from showdesk.domain.events import Event
from showdesk.services.ports import Bus


async def publish(bus: Bus, *events: Event) -> None:
    for event in events:
        await bus.publish(event.topic, event.frame())

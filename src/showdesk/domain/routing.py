"""Who may take an interaction, and who gets it first. Pure decisions; the services act on them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from showdesk.domain.queues import Queue


class Presence(StrEnum):
    OFF_QUEUE = "off_queue"
    ON_QUEUE = "on_queue"
    NOT_RESPONDING = "not_responding"


@dataclass
class AgentAvailability:
    """One agent as routing sees them at a moment."""

    user_id: str
    presence: Presence
    skills: frozenset[str]
    video_enabled: bool
    capacity: int
    idle_since: datetime
    active: set[str] = field(default_factory=set)  # conversation ids the agent is handling
    offered: str | None = None  # the conversation currently offered to the agent, if any
    connected: bool = True

    @property
    def at_capacity(self) -> bool:
        return len(self.active) >= self.capacity

    @property
    def shown_status(self) -> str:
        """What the agent and supervisors see: on queue at full capacity reads as busy."""
        if self.presence is Presence.ON_QUEUE and self.at_capacity:
            return "busy"
        return self.presence.value


def qualifies(agent: AgentAvailability, queue: Queue, video_capable: bool) -> bool:
    """Member of the queue, holding its skills, and video-enabled when the interaction may go video."""
    return (
        agent.user_id in queue.members
        and set(queue.required_skills) <= agent.skills
        and (agent.video_enabled or not video_capable)
    )


def can_take_now(agent: AgentAvailability) -> bool:
    return agent.connected and agent.presence is Presence.ON_QUEUE and agent.offered is None and not agent.at_capacity


def choose_agent(
    agents: Iterable[AgentAvailability],
    queue: Queue,
    video_capable: bool,
    excluded: Iterable[str] = (),
) -> AgentAvailability | None:
    """The longest-idle agent who qualifies and can take the interaction now, if any."""
    skip = set(excluded)
    ready = [a for a in agents if a.user_id not in skip and qualifies(a, queue, video_capable) and can_take_now(a)]
    return min(ready, key=lambda a: (a.idle_since, a.user_id), default=None)


def anyone_on_queue(agents: Iterable[AgentAvailability], queue: Queue, video_capable: bool) -> bool:
    """Is any qualified agent on queue at all? If not, the customer is told nobody is available."""
    return any(a.connected and a.presence is Presence.ON_QUEUE and qualifies(a, queue, video_capable) for a in agents)


def declined_lately(declined_at: dict[str, datetime], now: datetime, cooldown: float) -> set[str]:
    """The agents who declined (or let go of) an interaction less than `cooldown` seconds ago: it is not
    offered to them again until then, unless nobody else can take it by that time either."""
    return {agent for agent, at in declined_at.items() if (now - at).total_seconds() < cooldown}

"""What routing holds at a moment, as plain data that crosses nodes: waiting lines, offers, agents.

Read by the supervisor dashboard, /metrics and the queue list, from whichever node routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from showdesk.domain.routing import AgentAvailability, Presence
from showdesk.services.routing import Offer, Router, Waiting


@dataclass(frozen=True)
class RoutingView:
    waiting: list[Waiting]
    offered: dict[str, str]  # conversation id -> the agent it is offered to
    agents: list[AgentAvailability]
    abandoned: int = 0  # chats the routing node ended as abandoned since it began to route

    @classmethod
    def of(cls, router: Router) -> RoutingView:
        return cls(
            list(router.waiting.values()),
            {cid: o.agent_id for cid, o in router.offers.items()},
            list(router.agents.values()),
            router.abandoned,
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "waiting": [
                {
                    "conversationId": w.conversation_id,
                    "queueId": w.queue_id,
                    "videoCapable": w.video_capable,
                    "since": w.since.isoformat(),
                    "told": w.told,
                }
                for w in self.waiting
            ],
            "offered": self.offered,
            "abandoned": self.abandoned,
            "agents": [
                {
                    "userId": a.user_id,
                    "presence": a.presence.value,
                    "skills": sorted(a.skills),
                    "videoEnabled": a.video_enabled,
                    "capacity": a.capacity,
                    "idleSince": a.idle_since.isoformat(),
                    "active": sorted(a.active),
                    "offered": a.offered,
                    "connected": a.connected,
                }
                for a in self.agents
            ],
        }

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> RoutingView:
        return cls(
            [
                Waiting(
                    w["conversationId"], w["queueId"], w["videoCapable"], datetime.fromisoformat(w["since"]), w["told"]
                )
                for w in wire["waiting"]
            ],
            dict(wire["offered"]),
            [
                AgentAvailability(
                    user_id=a["userId"],
                    presence=Presence(a["presence"]),
                    skills=frozenset(a["skills"]),
                    video_enabled=a["videoEnabled"],
                    capacity=a["capacity"],
                    idle_since=datetime.fromisoformat(a["idleSince"]),
                    active=set(a["active"]),
                    offered=a["offered"],
                    connected=a["connected"],
                )
                for a in wire["agents"]
            ],
            int(wire.get("abandoned", 0)),
        )


def offer_to_wire(offer: Offer) -> dict[str, Any]:
    return {
        "conversationId": offer.conversation_id,
        "agentId": offer.agent_id,
        "expiresAt": offer.expires_at.isoformat(),
    }


def offer_from_wire(wire: dict[str, Any]) -> Offer:
    return Offer(wire["conversationId"], wire["agentId"], datetime.fromisoformat(wire["expiresAt"]))

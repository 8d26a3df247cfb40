"""The routing calls, each declared once: which Router method it runs, and how its arguments and its answer
cross the bus when a node that does not route asks the one that does (`routing_cluster.py`, ADR 0005).

A value crosses as plain data (a conversation or a user as its id, a presence as its word) and is read
back on the other side (an id from storage, so the routing node works on what is stored now).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from showdesk.domain.conversation import Conversation
from showdesk.domain.directory import User
from showdesk.domain.routing import Presence
from showdesk.services.routing import Router
from showdesk.services.routing_view import RoutingView, offer_from_wire, offer_to_wire


class Lookups(Protocol):
    """What reading a value back needs: storage, by id (NotFound when it is gone)."""

    async def conversation(self, conversation_id: str) -> Conversation: ...
    async def user(self, user_id: str) -> User: ...


@dataclass(frozen=True)
class Crossing:
    """How one kind of value crosses the bus (`send`) and is read back on the other side (`read`)."""

    send: Callable[[Any], Any]
    read: Callable[[Any, Lookups], Awaitable[Any]]


async def _as_sent(wire: Any, lookups: Lookups) -> Any:
    return wire


async def _as_text(wire: Any, lookups: Lookups) -> str:
    return str(wire)


async def _as_optional_text(wire: Any, lookups: Lookups) -> str | None:
    return None if wire is None else str(wire)


async def _as_nothing(wire: Any, lookups: Lookups) -> None:
    return None


async def _as_conversation(wire: Any, lookups: Lookups) -> Conversation:
    return await lookups.conversation(str(wire))


async def _as_user(wire: Any, lookups: Lookups) -> User:
    return await lookups.user(str(wire))


async def _as_presence(wire: Any, lookups: Lookups) -> Presence:
    return Presence(wire)


async def _as_offers(wire: Any, lookups: Lookups) -> list[Any]:
    return [offer_from_wire(o) for o in wire]


async def _as_view(wire: Any, lookups: Lookups) -> RoutingView:
    return RoutingView.from_wire(wire)


ID = Crossing(lambda value: value, _as_sent)
TEXT = Crossing(lambda value: value, _as_text)
OPTIONAL_TEXT = Crossing(lambda value: value, _as_optional_text)
NOTHING = Crossing(lambda value: None, _as_nothing)  # the caller needs no answer, only that it was done
CONVERSATION = Crossing(lambda conv: conv.id, _as_conversation)
USER = Crossing(lambda user: user.id, _as_user)
PRESENCE = Crossing(lambda presence: presence.value, _as_presence)
OFFERS = Crossing(lambda offers: [offer_to_wire(o) for o in offers], _as_offers)
VIEW = Crossing(lambda view: view.to_wire(), _as_view)


@dataclass(frozen=True)
class RoutingCall:
    run: Callable[..., Any]  # on the Router, with the arguments as values; sync or async
    args: Sequence[tuple[str, Crossing]] = ()  # each argument's name on the bus, and how it crosses
    answer: Crossing = NOTHING

    def send_args(self, values: Sequence[Any]) -> dict[str, Any]:
        return {name: crossing.send(value) for (name, crossing), value in zip(self.args, values, strict=True)}

    async def serve(self, router: Router, sent: dict[str, Any], lookups: Lookups) -> Any:
        """On the routing node: the call run on its Router, and its answer as it crosses back."""
        values = [await crossing.read(sent[name], lookups) for name, crossing in self.args]
        return self.answer.send(await self.run_on(router, values))

    async def run_on(self, router: Router, values: Sequence[Any]) -> Any:
        answer = self.run(router, *values)
        return await answer if inspect.isawaitable(answer) else answer


_CONVERSATION_ID = ("conversationId", ID)
_USER_ID = ("userId", ID)
_SOCKET_ID = ("socketId", ID)

CALLS: dict[str, RoutingCall] = {
    "enqueue": RoutingCall(Router.enqueue, [("conversationId", CONVERSATION)]),
    "conversation_ended": RoutingCall(Router.conversation_ended, [_CONVERSATION_ID]),
    "routing_state": RoutingCall(Router.routing_state, [_CONVERSATION_ID], OPTIONAL_TEXT),
    "agent_connected": RoutingCall(Router.agent_connected, [("userId", USER), _SOCKET_ID]),
    "agent_disconnected": RoutingCall(Router.agent_disconnected, [_USER_ID, _SOCKET_ID]),
    "set_presence": RoutingCall(Router.set_presence, [("userId", USER), ("presence", PRESENCE)]),
    "accept": RoutingCall(Router.accept, [("userId", USER), _CONVERSATION_ID], CONVERSATION),
    "decline": RoutingCall(Router.decline, [("userId", USER), _CONVERSATION_ID]),
    "transfer": RoutingCall(Router.transfer, [_CONVERSATION_ID, ("fromAgentId", ID), ("record", ID)], CONVERSATION),
    "customer_connected": RoutingCall(Router.customer_connected, [_CONVERSATION_ID, _SOCKET_ID]),
    "customer_disconnected": RoutingCall(Router.customer_disconnected, [_CONVERSATION_ID, _SOCKET_ID]),
    "customer_status": RoutingCall(Router.customer_status, [_CONVERSATION_ID], TEXT),
    "status_of": RoutingCall(Router.status_of, [_USER_ID], TEXT),
    "pending_offers": RoutingCall(Router.pending_offers, [_USER_ID], OFFERS),
    "view": RoutingCall(RoutingView.of, answer=VIEW),
}

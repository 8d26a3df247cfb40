"""VideoMonitor: a supervisor who holds Video > Monitor sees a chat's live picture, relayed by the agent's
desktop.

The picture goes peer to peer between the customer's browser and the agent's; media never passes through a
ShowDesk node. To show it to a supervisor, the agent's desktop forwards the track it receives over a peer
connection of its own, one per watcher, signalled through the server:

1. the watch socket asks (`prepare`, then `ask` once it follows the relay's topic): Video > Monitor, the
   watcher's organization, a video that is live; the request is audited (at most `--monitor-starts-per-chat`
   a minute per chat);
2. the agent's desktops hear `monitorRequested` (the agent socket adds ICE servers); the one showing the
   picture offers (`agent_signal`, to the watcher's own topic); before the watch socket passes the offer on,
   the customer reads in the transcript that a supervisor now sees the video too (`announce`); the watcher
   answers (`watcher_signal`);
3. the watcher stops, leaves or loses the permission (`stop`): the agent's desktops close the relay, and
   the customer reads that the supervisor no longer sees the video. A video that ends closes every relay.

How many supervisors one video may be relayed to is bounded where the requests reach the agent's
socket (`--monitors-per-video`; 0 refuses every request here): each relay is another upload from the
agent's desktop.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Any

from showdesk.domain.errors import Conflict, Forbidden
from showdesk.domain.events import MonitorDeclined, MonitorEnded, MonitorRequested, MonitorSignal
from showdesk.domain.notices import Notice
from showdesk.domain.permissions import Permission
from showdesk.domain.rate_limit import RateLimited, Rule
from showdesk.domain.video import VideoState, refuse_watcher_answer
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.commands import SendMonitorSignal, accepted
from showdesk.services.ice_servers import IceServers, Party
from showdesk.services.messages import MessageService
from showdesk.services.owned import owned
from showdesk.services.ports import Bus, Limiter, Store
from showdesk.services.publishing import publish
from showdesk.services.video_signals import Signal

MONITORED_TEXT = "A supervisor is now also watching the video, to help with your question."
UNMONITORED_TEXT = "The supervisor is no longer watching the video."


@dataclass(frozen=True)
class Monitoring:
    """One supervisor's relay of one live picture."""

    id: str  # names the relay on both sockets, and the watcher's own topic
    name: str  # who is seen, for the audit trail
    conversation_id: str
    session_id: str
    agent_id: str
    watcher_id: str


class VideoMonitor:
    def __init__(
        self,
        store: Store,
        bus: Bus,
        access: AccessService,
        messages: MessageService,
        ice: IceServers,
        audit: AuditTrail,
        limiter: Limiter,
        starts_per_minute: int,
        per_video: int,
    ) -> None:
        self._store = store
        self._bus = bus
        self._access = access
        self._messages = messages
        self._ice = ice
        self._audit = audit
        self._limiter = limiter
        self._starts = Rule("video_monitor_chat", starts_per_minute, 60.0)
        self._per_video = per_video

    async def prepare(
        self, principal: Principal, conversation_id: str, host: str
    ) -> tuple[Monitoring, list[dict[str, Any]]]:
        """May this watcher see the chat's picture now: the relay to be, and the watcher's ICE servers."""
        current = await self._access.require(principal, Permission.VIDEO_MONITOR)
        if self._per_video == 0:
            raise Forbidden("this installation does not show the live picture to supervisors", code="monitoring_off")
        conv = await owned(
            self._store.get_conversation,
            conversation_id,
            current.user.organization_id,
            "conversation",
            "conversation_not_found",
        )
        sessions = await self._store.list_video_sessions(conv.id)
        session = next((s for s in reversed(sessions) if s.is_active), None)
        if session is None or session.agent_id is None or conv.is_ended:
            raise Conflict("there is no live video in this chat to watch", code="no_live_video")
        if session.state == VideoState.CONNECTING.value:
            raise Conflict("the video is still connecting: try again once it is live", code="video_connecting")
        wait = await self._limiter.hit(self._starts, conv.id)
        if wait > 0:
            raise RateLimited(
                f"this chat's picture was asked for too often just now; try again in {math.ceil(wait)} seconds",
                retry_after=wait,
            )
        monitoring = Monitoring(
            id=f"m_{secrets.token_hex(12)}",
            name=conv.customer_name,
            conversation_id=conv.id,
            session_id=session.id,
            agent_id=session.agent_id,
            watcher_id=current.user.id,
        )
        servers = await self._ice.for_party(session, Party.watcher(current.user.organization_id), host)
        return monitoring, servers

    async def ask(self, principal: Principal, monitoring: Monitoring) -> None:
        """Keep it in the audit trail and ask the agent's desktops for the picture."""
        await self._audit.record(principal, "video.monitor", None, monitoring)
        await publish(
            self._bus,
            MonitorRequested(
                monitoring.agent_id,
                conversation_id=monitoring.conversation_id,
                monitor_id=monitoring.id,
                session_id=monitoring.session_id,
                watcher_name=principal.user.name,
            ),
        )

    async def announce(self, monitoring: Monitoring) -> None:
        """The agent's desktop offers the picture: the customer reads that a supervisor sees it too, before
        the watcher's page can answer (a request declined, or that no desktop takes up, is never told)."""
        await self._messages.post_system(monitoring.conversation_id, MONITORED_TEXT, Notice("video_monitored"))

    async def stop(self, monitoring: Monitoring, reason: str, *, tell_customer: bool) -> None:
        """The relay closes on the agent's desktops; the customer is told when the video goes on without it."""
        await publish(
            self._bus,
            MonitorEnded(
                monitoring.agent_id, conversation_id=monitoring.conversation_id, monitor_id=monitoring.id, reason=reason
            ),
        )
        if tell_customer:
            await self.tell_ended(monitoring)

    async def tell_ended(self, monitoring: Monitoring) -> None:
        """The customer, told a supervisor saw the picture, reads that it is over."""
        await self._messages.post_system(monitoring.conversation_id, UNMONITORED_TEXT, Notice("video_monitor_ended"))

    async def watcher_signal(self, principal: Principal, monitoring: Monitoring, signal: Signal) -> None:
        """The watcher's answer (receive-only) or candidate, to the agent's desktops (only the relaying one
        knows the id)."""
        await self._access.require(principal, Permission.VIDEO_MONITOR)
        if signal.kind == "answer" and signal.sdp is not None:
            refusal = refuse_watcher_answer(signal.sdp)
            if refusal is not None:
                raise refusal
        await publish(
            self._bus,
            MonitorSignal(monitoring.conversation_id, monitoring.id, "agent", monitoring.agent_id, signal.to_wire()),
        )

    async def agent_signal(self, principal: Principal, sent: SendMonitorSignal) -> None:
        """The relaying desktop's offer or candidate, to the watcher. The agent socket has checked that the
        relay was asked of this agent; here: Video > Answer, and the chat is still the agent's."""
        current = await self._access.require(principal, Permission.VIDEO_ANSWER)
        signal = accepted(sent.signal)
        conv = await self._store.get_conversation(sent.conversation_id or "")
        if conv is None or conv.agent_id != current.user.id or conv.is_ended:
            raise Forbidden("this chat's picture is not yours to relay", code="not_your_conversation")
        await publish(
            self._bus,
            MonitorSignal(conv.id, sent.monitor_id or "", "watcher", current.user.id, signal.to_wire()),
        )

    async def decline(self, conversation_id: str, monitor_id: str, reason: str) -> None:
        """The agent's side will not relay this picture (`too_many_watchers`), or no longer does
        (`relay_closed`: its connection to the watcher failed): the watcher is told."""
        await publish(self._bus, MonitorDeclined(conversation_id, monitor_id, reason))

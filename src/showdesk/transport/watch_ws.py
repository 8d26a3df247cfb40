"""The watch socket, /ws/v1/watch?conversationId=: a supervisor follows one live chat, read-only.

The first frame is {type: auth, token} (a staff token, as on the agent socket). Transcript > View and the
chat's organization are checked before the socket follows the chat; then `watching` carries the transcript
so far and the chat's own lines follow (services/watch.py: watched_frame). Nothing the watcher sends
reaches the chat (`read_only`), but for `ping` and, with Video > Monitor, the frames that relay the live
picture from the agent's desktop (`monitorStart`, `monitorSignal`, `monitorStop`: services/video_monitor.py).
The socket closes when the chat ends, the permission goes or the token ends; a relay ends with the socket.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, WebSocket

from showdesk.domain.errors import Conflict, ShowDeskError, Unauthenticated
from showdesk.domain.events import ACCESS_EVENTS, DIRECTORY_TOPIC, agent_topic, conversation_topic, monitor_topic
from showdesk.domain.permissions import Permission
from showdesk.domain.timestamps import wire_time
from showdesk.services.access import Principal
from showdesk.services.container import Services
from showdesk.services.video_monitor import Monitoring
from showdesk.services.watch import Watched, watched_frame
from showdesk.transport.frame_fields import check_fields
from showdesk.transport.frames import text, watcher_signal
from showdesk.transport.rate_limits import GuestRateLimits
from showdesk.transport.request_log import log_context
from showdesk.transport.staff_socket import StaffSocket
from showdesk.transport.ws_connection import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, Connection

gateway = APIRouter()
log = logging.getLogger(__name__)

AUTH_TIMEOUT = 10.0
CLOSE_CHAT_ENDED = 1000
MONITOR_FRAMES = ("monitorStart", "monitorSignal", "monitorStop")
RELAYED = ("monitorSignal", "monitorDeclined")  # from the agent's side, for this socket's relay only


class WatchSession(StaffSocket):
    def __init__(self, sd: Services, conn: Connection, principal: Principal, token: str, cid: str) -> None:
        super().__init__(sd, conn, principal, token)
        self.conversation_id = cid
        self.monitor = False
        self.held: list[dict[str, Any]] | None = []  # frames that came before `watching` was sent
        self.monitoring: Monitoring | None = None  # the live picture, relayed by the agent's desktop
        self.announced = False  # the customer has read that a supervisor sees their video
        self.subscription = sd.subscribe(self.deliver)

    async def follow(self) -> None:
        """Authorized already: follow the chat, then send what it holds, then what came meanwhile."""
        user = self.principal.user
        await self.subscription.add(agent_topic(user.id))  # signedOut
        await self.subscription.add(DIRECTORY_TOPIC)  # a lost permission, a disabled account
        await self.subscription.add(conversation_topic(self.conversation_id))
        watched = await self.sd.watch.snapshot(self.principal, self.conversation_id)
        self.monitor = watched.monitor
        self.conn.send(_watching(watched))
        held, self.held = self.held or [], None
        for frame in held:
            await self.deliver(frame)

    async def deliver(self, frame: dict[str, Any]) -> None:
        if frame.get("type") in ACCESS_EVENTS:
            await self.still_allowed(frame)
            return
        if frame.get("conversationId") != self.conversation_id:
            return  # the watcher's own agent topic: offers and the like are not for this socket
        if self.held is not None:
            self.held.append(frame)
            return
        kind = frame.get("type")
        if kind in RELAYED:
            if frame.get("for", "watcher") != "watcher":
                return  # the watcher's own answer, on its way to the agent (a supervisor watching their own chat)
            if self.monitoring is not None and frame.get("monitorId") == self.monitoring.id:
                if frame.get("signal") == "offer" and not self.announced:
                    self.announced = True  # told before the watcher's page can answer and see anything
                    await self.sd.video_monitor.announce(self.monitoring)
                self.conn.send(frame)
                if kind == "monitorDeclined":  # the agent's side has let it go already
                    if self.announced:  # the customer was told: told it is over
                        await self.sd.video_monitor.tell_ended(self.monitoring)
                    await self.forget_monitoring()
            return
        if kind in ("videoEnd", "chatEnded"):  # the agent's desktop closes its relays itself
            await self.forget_monitoring()
        shown = watched_frame(frame, self.monitor)
        if shown is None:
            return
        self.conn.send(shown)
        if shown["type"] == "chatEnded":
            await self.conn.close(CLOSE_CHAT_ENDED, "chat_ended")

    async def recheck(self, current: Principal) -> Principal:
        allowed = await self.sd.watch.still_allowed(current)
        if self.monitoring is not None and not allowed.has(Permission.VIDEO_MONITOR):
            await self.stop_monitoring("permission")
        return allowed

    async def on_monitor_frame(self, frame: dict[str, Any]) -> None:
        check_fields(frame)
        kind = frame["type"]
        if kind == "monitorStart":
            if self.monitoring is not None:
                raise Conflict("you already see this video's picture", code="already_monitoring")
            host = self.conn.ws.url.hostname or "127.0.0.1"
            monitoring, servers = await self.sd.video_monitor.prepare(self.principal, self.conversation_id, host)
            self.monitoring = monitoring
            await self.subscription.add(monitor_topic(monitoring.id))  # before the agent's side hears of it
            self.conn.send(
                {
                    "type": "monitorStarting",
                    "conversationId": self.conversation_id,
                    "monitorId": monitoring.id,
                    "iceServers": servers,
                }
            )
            await self.sd.video_monitor.ask(self.principal, monitoring)
            return
        if self.monitoring is None or text(frame, "monitorId") != self.monitoring.id:
            raise Conflict("you are not seeing this chat's picture", code="not_monitoring")
        if kind == "monitorSignal":
            await self.sd.video_monitor.watcher_signal(self.principal, self.monitoring, watcher_signal(frame))
        else:
            await self.stop_monitoring("stopped")

    async def stop_monitoring(self, reason: str) -> None:
        """The relay ends while the video goes on: the agent's desktops close it and the customer is told."""
        monitoring, told = self.monitoring, self.announced
        if monitoring is None:
            return
        await self.forget_monitoring()
        ended = {"type": "monitorEnded", "conversationId": self.conversation_id, "monitorId": monitoring.id}
        self.conn.send({**ended, "reason": reason})  # unheard when the socket has gone: harmless
        await self.sd.video_monitor.stop(monitoring, reason, tell_customer=told)

    async def forget_monitoring(self) -> None:
        if self.monitoring is not None:
            topic = monitor_topic(self.monitoring.id)
            self.monitoring = None
            self.announced = False
            await self.subscription.remove(topic)


def _watching(w: Watched) -> dict[str, Any]:
    c = w.conversation
    video = None
    if w.video is not None:
        q = w.quality
        video = {
            "id": w.video.id,
            "state": w.video.state,
            "path": (q.path if q else None) or w.video.path,
            "quality": None if q is None else {"width": q.width, "height": q.height, "fps": q.fps, "kbps": q.kbps},
        }
    return {
        "type": "watching",
        "conversation": {
            "id": c.id,
            "customerName": c.customer_name,
            "queue": w.queue_name,
            "agentName": w.agent_name,
            "state": c.state,
            "since": wire_time(c.connected_at or c.created_at),
        },
        "messages": [m.to_wire() for m in w.messages],
        "videoMonitor": w.monitor,
        "video": video,
    }


async def _authenticate(sd: Services, conn: Connection, conversation_id: str) -> tuple[Principal, str]:
    try:
        first = await asyncio.wait_for(conn.first_frame(), AUTH_TIMEOUT)
    except TimeoutError as exc:
        raise Unauthenticated("send {type: auth, token} first", code="auth_required") from exc
    if first is None or first.get("type") != "auth":
        raise Unauthenticated("the first frame must be {type: auth, token}", code="auth_required")
    token = first.get("token")
    if not isinstance(token, str) or not token:
        raise Unauthenticated("a token is required", code="token_missing")
    principal = await sd.access.authenticate(token)
    return await sd.watch.authorize(principal, conversation_id), token


@gateway.websocket("/ws/v1/watch")
async def watch_socket(ws: WebSocket, conversationId: str = "") -> None:
    sd: Services = ws.app.state.services
    conn = Connection(ws, ws.app.state.settings.idle_timeout, ws.app.state.settings.max_frame_bytes)
    await conn.open()
    try:
        principal, token = await _authenticate(sd, conn, conversationId)
    except ShowDeskError as exc:
        conn.send_error(exc, ref="auth")
        code = CLOSE_UNAUTHENTICATED if isinstance(exc, Unauthenticated) else CLOSE_FORBIDDEN
        await conn.close(code, exc.code)
        await conn.shutdown()
        return
    log_context(ws).socket_event("authenticated", user_id=principal.user.id)
    session = WatchSession(sd, conn, principal, token, conversationId)
    expiry = asyncio.create_task(session.close_when_token_expires())
    limits: GuestRateLimits = ws.app.state.watch_limits
    try:
        try:
            await session.follow()
        except ShowDeskError as exc:  # ended or taken away while the socket began to follow it
            conn.send_error(exc, ref="auth")
            await conn.close(CLOSE_FORBIDDEN, exc.code)
            return
        async for frame in conn.frames():
            if frame["type"] == "ping":
                conn.send({"type": "pong"})
                continue
            try:
                limits.check_frame(f"{principal.user.id}:{conversationId}")  # refused or relayed, each is work
                if frame["type"] not in MONITOR_FRAMES:
                    raise ShowDeskError("watching is read-only: nothing is sent to the chat", code="read_only")
                await session.on_monitor_frame(frame)
            except ShowDeskError as exc:
                conn.send_error(exc, ref=str(frame["type"])[:40])
    finally:
        expiry.cancel()
        try:
            await session.stop_monitoring("left")
        except ShowDeskError as exc:  # the chat or the bus went meanwhile: its relay ends with the video
            log.warning("a watcher's relay ended without telling: %s", exc.message)
        await session.subscription.close()
        await conn.shutdown()

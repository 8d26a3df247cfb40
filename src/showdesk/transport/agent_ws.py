"""The agent socket, /ws/v1/agent: presence, offers, accepted interactions and their chat."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, WebSocket

from showdesk.domain.errors import Forbidden, ShowDeskError, Unauthenticated
from showdesk.domain.events import ACCESS_EVENTS, DIRECTORY_TOPIC, agent_topic, conversation_topic
from showdesk.domain.permissions import Permission
from showdesk.services.access import Principal
from showdesk.services.commands import (
    AcceptOffer,
    AdjustCamera,
    AgentCommand,
    ClearMarks,
    CloseRelay,
    DeclineOffer,
    DrawMark,
    EndChat,
    EndVideo,
    HoldVideo,
    MarkSeen,
    Ping,
    PostMessage,
    PreferVideo,
    ReportVideoStatus,
    RequestPhoto,
    RequestVideo,
    SendMonitorSignal,
    SendSignal,
    SetPresence,
    SetTyping,
    SuggestPhone,
    UsePhotos,
)
from showdesk.services.container import Services
from showdesk.services.eager import Lane
from showdesk.services.ice_servers import Party
from showdesk.services.seen import SeenPace
from showdesk.services.typing import TypingPace
from showdesk.transport.frame_fields import check_fields
from showdesk.transport.frames import agent_command
from showdesk.transport.own_messages import OwnMessages
from showdesk.transport.rate_limits import GuestRateLimits
from showdesk.transport.request_log import log_context
from showdesk.transport.staff_socket import StaffSocket
from showdesk.transport.ws_connection import (
    CLOSE_FORBIDDEN,
    CLOSE_TRY_AGAIN,
    CLOSE_UNAUTHENTICATED,
    Connection,
    error_ref,
)

gateway = APIRouter()
log = logging.getLogger(__name__)

AUTH_TIMEOUT = 10.0


class AgentSession(StaffSocket):
    def __init__(self, sd: Services, conn: Connection, principal: Principal, token: str) -> None:
        super().__init__(sd, conn, principal, token)
        self.own = OwnMessages("agent")
        self.typing_pace = TypingPace()
        self.seen_pace = SeenPace()
        self.messages = Lane(self.report)  # chat messages: stored in frame order, acked as they commit
        self.mark_limits: GuestRateLimits = conn.ws.app.state.mark_limits
        self.subscription = sd.subscribe(self.deliver)
        self.socket_id: str | None = None  # routing's name for this socket, once counted
        self.monitors: dict[str, str] = {}  # supervisors' relays of a picture asked of this agent: id -> chat

    async def deliver(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind in ACCESS_EVENTS:  # not for the desktop: may this socket stay open?
            await self.still_allowed(frame)
            return
        # Follow the agent's interactions: their chat reaches every desktop the agent has open.
        if frame.get("type") == "interaction":
            await self.subscription.add(conversation_topic(frame["conversationId"]))
        if self.own.withheld(frame):
            return
        if kind == "monitorRequested" and not await self.relay_asked(frame):
            return
        if kind in ("videoStarting", "videoRetrying", "monitorRequested"):  # sent with this agent's ICE servers
            host = self.conn.ws.url.hostname or "127.0.0.1"
            party = Party.agent(self.principal.user.id)
            try:
                servers = await self.sd.ice.for_party_by_id(frame.get("sessionId") or frame["video"]["id"], party, host)
            except Forbidden:
                log.warning("a video frame of someone else's session reached agent %s", party.id)
                return
            frame = {**frame, "iceServers": servers}
        self.conn.send(frame)
        if kind == "monitorEnded":
            self.monitors.pop(frame.get("monitorId", ""), None)
        elif kind in ("videoEnd", "interactionEnded"):  # the desktop closes every relay of this chat's picture
            self.monitors = {m: c for m, c in self.monitors.items() if c != frame.get("conversationId")}
        if kind == "interactionEnded":
            await self.subscription.remove(conversation_topic(frame["conversationId"]))

    async def relay_asked(self, frame: dict[str, Any]) -> bool:
        """A supervisor asks to see a picture of this agent's: kept, so the desktop's signals for it are let
        through; declined past `--monitors-per-video` relays of one chat (each is an upload of the agent's)."""
        cid, monitor_id = frame["conversationId"], frame["monitorId"]
        limit = self.conn.ws.app.state.settings.monitors_per_video
        if sum(1 for c in self.monitors.values() if c == cid) >= limit:
            await self.sd.video_monitor.decline(cid, monitor_id, "too_many_watchers")
            return False
        self.monitors[monitor_id] = cid
        return True

    async def recheck(self, current: Principal) -> Principal:
        return await self.sd.access.require(current, Permission.CHAT_ANSWER)

    async def ready(self) -> None:
        user = self.principal.user
        await self.subscription.add(agent_topic(user.id))
        await self.subscription.add(DIRECTORY_TOPIC)
        self.socket_id = await self.sd.router.agent_connected(user)
        interactions = []
        for conv in await self.sd.chat.agent_interactions(self.principal):
            await self.subscription.add(conversation_topic(conv.id))
            interactions.append(await self.sd.router.snapshot(conv))
        for ended in await self.sd.wrapups.awaiting(self.principal):  # ended, its required wrap-up not given yet
            interactions.append(await self.sd.router.snapshot(ended))
        offers = [_without_type(offer.frame()) for offer in await self.sd.router.offers_for(user.id)]
        self.conn.send(
            {
                "type": "ready",
                "agent": {
                    "id": user.id,
                    "name": user.name,
                    "email": user.email,
                    "permissions": sorted(p.value for p in self.principal.permissions),
                    "defaultCamera": user.default_camera,
                    "defaultMicrophone": user.default_microphone,
                },
                "presence": await self.sd.router.status_of(user.id),
                "interactions": interactions,
                "offers": offers,
            }
        )

    async def handle(self, frame: dict[str, Any]) -> None:
        check_fields(frame)
        command = agent_command(frame)
        sd = self.sd
        if isinstance(command, Ping):
            self.conn.send({"type": "pong"})
            return
        if isinstance(command, SetTyping):
            await sd.typing.agent(self.principal, command.conversation_id, command.active, self.typing_pace)
            return
        if isinstance(command, MarkSeen):
            await sd.seen.agent(self.principal, command.conversation_id, command.up_to, self.seen_pace)
            return
        if not isinstance(command, SetPresence | AcceptOffer | DeclineOffer | PostMessage | EndChat):
            await self.video(command)
            return
        # Read fresh in frame order (a reader waits here on a cold cache, so frames never overtake).
        current = await sd.access.require(self.principal, Permission.CHAT_ANSWER)
        self.principal = current
        if isinstance(command, PostMessage):
            self.own.sending(command.client_id)
            await self.messages.submit(self.post(current, command), ref=command.client_id or frame["type"])
        elif isinstance(command, SetPresence):
            if command.presence is None:
                raise ShowDeskError("status must be on_queue or off_queue", code="invalid_presence")
            await sd.router.set_presence(current.user, command.presence)
        elif isinstance(command, AcceptOffer):  # the service decides first; this socket follows the chat only if it may
            await sd.chat.accept(current, command.conversation_id, self.subscription)
        elif isinstance(command, DeclineOffer):
            await sd.router.decline(current.user, command.conversation_id or "")
        else:
            await sd.chat.agent_end(current, command.conversation_id)

    async def video(self, command: AgentCommand) -> None:
        video, principal = self.sd.video, self.principal
        if isinstance(command, RequestVideo):
            await video.agent_request(principal, command.conversation_id)
        elif isinstance(command, SuggestPhone):
            await self.sd.handoffs.suggest_phone(principal, command.conversation_id)
        elif isinstance(command, SendSignal):
            await video.agent_signal(principal, command)
        elif isinstance(command, ReportVideoStatus):
            await video.agent_status(principal, command)
        elif isinstance(command, AdjustCamera):
            await video.agent_camera(principal, command)
        elif isinstance(command, PreferVideo):
            await video.agent_preference(principal, command.conversation_id, command.preference)
        elif isinstance(command, DrawMark):
            # relayed to the customer: bounded per agent and chat, so nobody spends another agent's allowance
            self.mark_limits.check_frame(f"{principal.user.id}:{command.conversation_id}")
            await self.sd.marks.draw(principal, command)
        elif isinstance(command, ClearMarks):
            await self.sd.marks.agent_clear(principal, command)
        elif isinstance(command, RequestPhoto):
            await self.sd.photos.agent_request(principal, command.conversation_id)
        elif isinstance(command, HoldVideo):
            await video.hold(principal, command.conversation_id, held=command.held)
        elif isinstance(command, UsePhotos):
            await video.agent_photos(principal, command)
        elif isinstance(command, EndVideo):
            await video.agent_end(principal, command.conversation_id)
        elif isinstance(command, SendMonitorSignal):
            if self.monitors.get(command.monitor_id or "") != command.conversation_id:
                raise Forbidden("no supervisor asked this desktop for that picture", code="not_your_monitor")
            await self.sd.video_monitor.agent_signal(principal, command)
        elif isinstance(command, CloseRelay):
            cid = self.monitors.pop(command.monitor_id or "", None)
            if cid is not None:  # the place is free again; the watcher's page is told
                await self.sd.video_monitor.decline(cid, command.monitor_id or "", "relay_closed")

    def report(self, exc: BaseException, ref: Any) -> None:
        if isinstance(exc, ShowDeskError):
            self.conn.send_error(exc, ref=ref)
        else:
            log.error("posting a message failed", exc_info=exc)
            self.conn.send_error(ShowDeskError("the message could not be posted", code="internal"), ref=ref)

    async def post(self, current: Principal, command: PostMessage) -> None:
        # Started at once by the lane, so the writer's queue sees the frames in order.
        message = await self.sd.chat.agent_message(current, command)
        self.conn.send(
            {
                "type": "ack",
                "conversationId": message.conversation_id,
                "clientId": message.client_id,
                "id": message.id,
                "seq": message.seq,
                "message": message.to_wire(),
            }
        )


def _without_type(frame: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in frame.items() if name != "type"}


async def _authenticate(sd: Services, conn: Connection) -> tuple[Principal, str]:
    try:
        first = await asyncio.wait_for(conn.first_frame(), AUTH_TIMEOUT)
    except TimeoutError as exc:
        raise Unauthenticated("send {type: auth, token} first", code="auth_required") from exc
    if first is None:
        raise Unauthenticated("the socket closed before authenticating", code="auth_required")
    if first.get("type") != "auth":
        raise Unauthenticated("the first frame must be {type: auth, token}", code="auth_required")
    token = first.get("token")
    if not isinstance(token, str) or not token:
        raise Unauthenticated("a token is required", code="token_missing")
    principal = await sd.access.authenticate(token)
    return await sd.access.require(principal, Permission.CHAT_ANSWER), token


@gateway.websocket("/ws/v1/agent")
async def agent_socket(ws: WebSocket) -> None:
    sd: Services = ws.app.state.services
    conn = Connection(ws, ws.app.state.settings.idle_timeout, ws.app.state.settings.max_frame_bytes)
    await conn.open()
    try:
        principal, token = await _authenticate(sd, conn)
    except ShowDeskError as exc:
        conn.send_error(exc, ref="auth")
        code = CLOSE_UNAUTHENTICATED if isinstance(exc, Unauthenticated) else CLOSE_FORBIDDEN
        await conn.close(code, exc.code)
        return
    log_context(ws).socket_event("authenticated", user_id=principal.user.id)
    session = AgentSession(sd, conn, principal, token)
    expiry = asyncio.create_task(session.close_when_token_expires())
    try:
        try:
            await session.ready()
        except ShowDeskError as exc:  # routing out of reach for now: the desktop reconnects and asks again
            conn.send_error(exc, ref="auth")
            await conn.close(CLOSE_TRY_AGAIN, exc.code)
            return
        async for frame in conn.frames():
            try:
                await session.handle(frame)
            except Unauthenticated as exc:
                conn.send_error(exc, ref=frame["type"])
                await conn.close(CLOSE_UNAUTHENTICATED, exc.code)
            except ShowDeskError as exc:
                conn.send_error(exc, ref=error_ref(frame))
            except Exception:  # a bug must not cost the agent their connection: said and logged
                log.exception("agent frame %s failed", frame["type"])
                conn.send_error(
                    ShowDeskError("the server could not handle this frame", code="internal"), error_ref(frame)
                )
    finally:
        expiry.cancel()
        await session.messages.drain()
        await session.subscription.close()
        # A node stopping (1012) is no desktop gone: it reconnects to another node at once, and the picture,
        # browser to browser, goes on meanwhile.
        if not ws.app.state.shutdown.stopping:
            await sd.video.agent_left(principal.user.id)
        if session.socket_id is not None:
            try:
                await sd.router.agent_disconnected(principal.user.id, session.socket_id)
            except ShowDeskError as exc:  # routing changing hands: the next routing node never hears of it
                log.warning("agent socket close not told to routing: %s", exc.message)
        await conn.shutdown()

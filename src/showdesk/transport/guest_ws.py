"""The guest socket, /ws/v1/guest: a customer's chat, authorized by deployment origin and guest token."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from fastapi import APIRouter, WebSocket

from showdesk.domain.errors import Conflict, Forbidden, ShowDeskError
from showdesk.domain.events import conversation_topic
from showdesk.domain.video import MAX_ICE_RESTARTS, VideoSession
from showdesk.services.commands import (
    ClearMarks,
    DeclineVideo,
    EndChat,
    GuestCommand,
    MarkSeen,
    Ping,
    PostMessage,
    ReportCameraResult,
    ReportPhotoFailed,
    ResumeChat,
    RetryVideo,
    SendSignal,
    SetTyping,
    StartChat,
    StartVideo,
    StopVideo,
    UsePhotos,
)
from showdesk.services.container import Services
from showdesk.services.ice_servers import Party
from showdesk.services.seen import SeenPace
from showdesk.services.tokens import GuestClaims
from showdesk.services.typing import TypingPace
from showdesk.transport.client_ip import client_ip
from showdesk.transport.frame_fields import check_fields
from showdesk.transport.frames import guest_command, unknown_type
from showdesk.transport.own_messages import OwnMessages
from showdesk.transport.own_origin import is_own_origin
from showdesk.transport.rate_limits import GuestRateLimits
from showdesk.transport.request_log import log_context
from showdesk.transport.ws_connection import (
    CLOSE_FORBIDDEN,
    CLOSE_REPLACED,
    CLOSE_UNAUTHENTICATED,
    Connection,
    error_ref,
)

gateway = APIRouter()
log = logging.getLogger(__name__)


class GuestSession:
    def __init__(
        self, sd: Services, conn: Connection, deployment_id: str, limits: GuestRateLimits, handoff_only: bool = False
    ) -> None:
        self.sd = sd
        # A page of ShowDesk's own (the phone's /h/<code>), not of the deployment's site: it may only resume a
        # chat with a hand-off's token (docs/security.md).
        self.handoff_only = handoff_only
        self.limits = limits
        self.conn = conn
        self.deployment_id = deployment_id
        self.claims: GuestClaims | None = None
        self.page: str | None = None  # routing's name for this socket, once it carries a chat
        self.socket_id = uuid.uuid4().hex
        self.token_id = ""  # the guest token's id, once the socket carries a chat
        self.closing: asyncio.Task[None] | None = None
        self.own = OwnMessages("customer")
        self.typing_pace = TypingPace()
        self.seen_pace = SeenPace()
        self.subscription = sd.subscribe(self.deliver)

    async def replaced(self) -> None:
        """A newer socket of the same guest (another tab, or a reconnect while this one hung) took over:
        this one is told and closed (in a task: the bus goes on delivering meanwhile)."""
        self.conn.send_error(
            Conflict("this chat was opened in another window or tab", code="session_replaced"), ref="resume"
        )
        self.closing = asyncio.create_task(self.conn.close(CLOSE_REPLACED, "session_replaced"))

    async def deliver(self, frame: dict[str, Any]) -> None:
        if self.own.withheld(frame):
            return
        if frame.get("type") == "videoRetrying" and self.claims is not None:  # fresh ICE servers for this side
            party = Party.customer(self.claims.conversation_id)
            servers = await self.sd.ice.for_party_by_id(frame["video"]["id"], party, self.host())
            frame = {**frame, "iceServers": servers}
        self.conn.send(frame)

    async def handle(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        check_fields(frame)
        if kind.startswith("video") and self.claims is not None:  # messages have a limit of their own
            self.limits.check_frame(self.claims.conversation_id)  # before it is stored or relayed
        command = guest_command(frame)
        if isinstance(command, Ping):
            self.conn.send({"type": "pong"})
        elif isinstance(command, StartChat):
            await self.start(command)
        elif isinstance(command, ResumeChat):
            await self.resume(command)
        elif isinstance(command, PostMessage):
            claims = self.require_chat()
            self.limits.check_message(claims.conversation_id)
            self.own.sending(command.client_id)
            # One conversation per guest socket, typed by a person: awaiting the commit here costs
            # nothing in order or speed, and saves a task per message (agent sockets pipeline theirs).
            await self.post(claims, command)
        elif isinstance(command, SetTyping):
            await self.sd.typing.customer(self.require_chat(), command.active, self.typing_pace)
        elif isinstance(command, MarkSeen):
            await self.sd.seen.customer(self.require_chat(), command.up_to, self.seen_pace)
        elif isinstance(command, EndChat):
            await self.sd.chat.guest_end(self.require_chat())
        elif command is not None:
            await self.video(command)
        else:
            if kind.startswith("video"):
                self.require_chat()
            raise unknown_type(kind)

    async def post(self, claims: GuestClaims, command: PostMessage) -> None:
        message = await self.sd.chat.guest_message(claims, command.client_id, command.text)
        self.conn.send(
            {
                "type": "ack",
                "clientId": message.client_id,
                "id": message.id,
                "seq": message.seq,
                "message": message.to_wire(),
            }
        )

    async def video(self, command: GuestCommand) -> None:
        claims = self.require_chat()
        video = self.sd.video
        if isinstance(command, StartVideo):  # accept the agent's request, or start video unasked

            async def ready(session: VideoSession) -> None:  # as soon as the consent is stored
                self.conn.send(
                    {
                        "type": "videoReady",
                        "sessionId": session.id,
                        "video": session.to_wire(),
                        "iceServers": await self.sd.ice.for_party(
                            session, Party.customer(claims.conversation_id), self.host()
                        ),
                        "maxIceRestarts": MAX_ICE_RESTARTS,  # the SDK asks for no more than the server allows
                    }
                )

            if command.answers_request:
                await video.customer_accept(claims, command.session_id, command.device, confirm=ready)
            else:
                await video.customer_offer(claims, command.device, confirm=ready)
        elif isinstance(command, DeclineVideo):
            await video.customer_decline(claims, command)
        elif isinstance(command, SendSignal):
            await video.customer_signal(claims, command)
        elif isinstance(command, StopVideo):
            await video.customer_stop(claims, command.reason)
        elif isinstance(command, ReportCameraResult):
            await video.customer_camera_result(claims, command)
        elif isinstance(command, ReportPhotoFailed):
            await self.sd.photos.customer_failed(claims, command.request_id, command.reason)
        elif isinstance(command, RetryVideo):
            await video.customer_retry(claims, command)
        elif isinstance(command, ClearMarks):
            await self.sd.marks.customer_clear(claims)
        elif isinstance(command, UsePhotos):
            await video.customer_photos(claims, command)

    def host(self) -> str:
        return self.conn.ws.url.hostname or "127.0.0.1"

    def require_chat(self) -> GuestClaims:
        if self.claims is None:
            raise Conflict("start or resume a chat first", code="no_chat")
        return self.claims

    async def start(self, command: StartChat) -> None:
        if self.claims is not None:
            raise Conflict("this socket already carries a chat", code="already_started")
        deployment = await self.sd.chat.check_origin(
            self.conn.ws.query_params.get("organizationId"),
            self.deployment_id,
            self.conn.ws.headers.get("origin"),
        )
        started = await self.sd.chat.start(
            deployment,
            command.display_name,
            client_ip(self.conn.ws),
            command.customer,
            self.conn.ws.headers.get("user-agent"),
        )
        self.claims = self.sd.chat.read_guest_token(started.token)
        self.token_id = self.claims.jti
        log_context(self.conn.ws).socket_event("started", conversation_id=started.conversation.id)
        await self.subscription.add(conversation_topic(started.conversation.id))
        self.page = await self.sd.guest_presence.opened(started.conversation.id, self)
        self.conn.send(
            {
                "type": "started",
                "conversationId": started.conversation.id,
                "token": started.token,
                "participantId": f"customer:{started.conversation.id}",
                "lastSeq": 0,
            }
        )
        await self.sd.chat.begin(started)

    async def resume(self, command: ResumeChat) -> None:
        claims = self.sd.chat.read_guest_token(command.token)
        if claims.deployment_id != self.deployment_id:
            raise ShowDeskError("this token belongs to another deployment", code="token_invalid")
        if self.handoff_only and not claims.handed_off:
            raise Forbidden(
                "this page may only continue a chat handed off from another device", code="origin_not_allowed"
            )
        joined = self.claims is None
        if self.claims is not None and self.claims.conversation_id != claims.conversation_id:
            raise Conflict("this socket already carries another chat", code="already_started")
        if self.claims is None:
            self.page = await self.sd.guest_presence.opened(claims.conversation_id, self)
        self.claims = claims
        self.token_id = claims.jti
        log_context(self.conn.ws).socket_event("resumed", conversation_id=claims.conversation_id)
        await self.subscription.add(conversation_topic(claims.conversation_id))  # before reading: no gap
        resumed = await self.sd.chat.resume(claims, command.last_seq, self.socket_id)
        conv = resumed.conversation
        request = await self.sd.video.pending_request(conv.id)
        self.conn.send(
            {
                "type": "resumed",
                "conversationId": conv.id,
                "state": conv.state,
                "routing": await self.sd.router.routing_state(conv.id) or conv.state,
                "displayName": conv.customer_name,
                "messages": [m.to_wire() for m in resumed.messages],
                "resync": resumed.resync,
                "video": conv.video,
                "videoRequest": request.to_wire() if request is not None else None,
            }
        )
        if joined:  # a hand-off's device: the customer's other device hears it joined
            await self.sd.handoffs.device_joined(claims)


@gateway.websocket("/ws/v1/guest")
async def guest_socket(ws: WebSocket) -> None:
    sd: Services = ws.app.state.services
    conn = Connection(ws, ws.app.state.settings.idle_timeout, ws.app.state.settings.max_frame_bytes)
    await conn.open()
    origin = ws.headers.get("origin")
    handoff_only = False
    try:
        await sd.chat.check_origin(ws.query_params.get("organizationId"), ws.query_params.get("deploymentId"), origin)
    except ShowDeskError as exc:
        own = exc.code == "origin_not_allowed" and is_own_origin(ws, origin, sd.settings.public_origin)
        if not own:
            conn.send_error(exc)
            await conn.close(CLOSE_FORBIDDEN, exc.code)
            return
        handoff_only = True
    session = GuestSession(
        sd, conn, ws.query_params.get("deploymentId", ""), ws.app.state.guest_limits, handoff_only=handoff_only
    )
    try:
        async for frame in conn.frames():
            try:
                await session.handle(frame)
            except ShowDeskError as exc:
                conn.send_error(exc, ref=error_ref(frame))
                if exc.code in ("token_invalid", "token_expired", "token_missing"):
                    await conn.close(CLOSE_UNAUTHENTICATED, exc.code)
            except Exception:  # a bug must not cost the customer their chat connection: said and logged
                log.exception("guest frame %s failed", frame["type"])
                conn.send_error(
                    ShowDeskError("the server could not handle this frame", code="internal"), error_ref(frame)
                )
    finally:
        await session.subscription.close()
        if session.claims is not None:  # the page went away, unless it comes back on a new socket soon
            await sd.guest_presence.closed(session.claims.conversation_id, session, session.page)
        await conn.shutdown()

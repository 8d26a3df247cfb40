"""HD photos: the agent asks, the customer's device takes a full-resolution still and uploads it, both
sides see it in the chat; the agent can mark it up and send the marked-up copy back.

The request is a signed token (domain of `TokenCodec.photo_request_token`), so any node can take the
upload. An upload is stored once per request: a retry returns the stored photo and its message.
Photos are read only by the chat's customer, its agent, or staff who may read transcripts.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import Protocol

from showdesk.domain.attachments import (
    ATTACHMENTS_PER_MINUTE,
    DEFAULT_ATTACHMENT_TYPES,
    attachment_text,
    check_attachment_type,
)
from showdesk.domain.conversation import Conversation, ConversationState, Message, Sender, check_client_id
from showdesk.domain.errors import Conflict, Forbidden, NotFound, Unauthenticated
from showdesk.domain.events import VideoPhotoFailed, VideoPhotoRequested, VideoStill
from showdesk.domain.ids import new_id
from showdesk.domain.image_info import ImageInfo
from showdesk.domain.notices import Notice
from showdesk.domain.permissions import Permission
from showdesk.domain.photo_mode import still_request_id
from showdesk.domain.photos import (
    FRAME_TEXT,
    MAX_PHOTO_PIXELS,
    PHOTO_FAILURES,
    PHOTO_REQUEST_SECONDS,
    Photo,
    PhotoKind,
    annotation_text,
    capture_text,
    check_caption,
    cleaned_photo,
    photo_failure_text,
)
from showdesk.domain.rate_limit import RateLimited, Rule
from showdesk.domain.video import VideoState
from showdesk.services.access import AccessService, Principal
from showdesk.services.conversation_access import (
    agents_conversation,
    customers_conversation,
    readable_conversation,
)
from showdesk.services.messages import MessageService
from showdesk.services.ports import Bus, Clock, ConversationStore, Limiter, PhotoStore
from showdesk.services.publishing import publish
from showdesk.services.tokens import GuestClaims, PhotoRequestClaims, TokenCodec
from showdesk.services.video import VideoService


@dataclass(frozen=True)
class StoredPhoto:
    photo: Photo
    message: Message


class PhotoRecords(PhotoStore, ConversationStore, Protocol):
    """A chat's photos, and the chat they belong to."""


class PhotoService:
    def __init__(
        self,
        store: PhotoRecords,
        bus: Bus,
        clock: Clock,
        tokens: TokenCodec,
        messages: MessageService,
        access: AccessService,
        video: VideoService,
        limiter: Limiter,
        *,
        max_pixels: int = MAX_PHOTO_PIXELS,
        still_interval: float = 1.0,
        attachment_types: tuple[str, ...] = DEFAULT_ATTACHMENT_TYPES,
        attachments_per_minute: int = ATTACHMENTS_PER_MINUTE,
    ) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock
        self._tokens = tokens
        self._messages = messages
        self._access = access
        self._video = video
        self._max_pixels = max_pixels
        self._limiter = limiter
        self._stills = Rule("photo_mode_still", 1 if still_interval > 0 else 0, still_interval)
        self._attachment_types = attachment_types
        self._attachments = Rule("attachment_chat", attachments_per_minute, 60.0)

    async def agent_request(self, principal: Principal, conversation_id: str | None) -> PhotoRequestClaims:
        """The agent presses Capture photo: the customer's device is asked for a full-resolution still."""
        current = await self._access.require(principal, Permission.VIDEO_ANSWER)
        conv = await agents_conversation(self._store, current, conversation_id)
        session = await self._video.open_session(conv.id)
        if session.state != VideoState.LIVE.value:
            raise Conflict("a photo can be taken while the video is live", code="video_state")
        token, claims = self._tokens.photo_request_token(
            conv.id, session.id, current.user.id, self._clock.now(), PHOTO_REQUEST_SECONDS
        )
        text = f"{current.user.name} asked for a photo of the product."
        await self._messages.post_system(conv.id, text, Notice("photo_requested", {"name": current.user.name}))
        extra = {"requestId": claims.request_id, "request": token}
        await publish(self._bus, VideoPhotoRequested(conv.id, session=session.to_wire(), text=text, extra=extra))
        return claims

    async def customer_upload(
        self, claims: GuestClaims, request: str | None, content_type: str | None, data: bytes
    ) -> StoredPhoto:
        """The customer's device sends the photo the agent asked for; once per request."""
        conv = await self._store.get_conversation(claims.conversation_id)
        if conv is None:
            raise NotFound("this chat does not exist", code="conversation_not_found")
        if conv.is_ended:
            raise Conflict("the chat has ended; the photo was not sent", code="chat_ended")
        asked = self._request(request, conv.id)
        stored = await self._stored_once(
            conv, PhotoKind.CAPTURE, Sender.CUSTOMER, asked.request_id, content_type, data, session_id=asked.session_id
        )
        message = await self._messages.post(
            conv.id,
            Sender.CUSTOMER,
            None,
            claims.display_name,
            f"photo:{stored.request_id}",
            capture_text(stored.width, stored.height),
            attachment=stored.attachment(),
        )
        return StoredPhoto(stored, message)

    async def customer_attachment(self, claims: GuestClaims, client_id: str | None, data: bytes) -> StoredPhoto:
        """An image the customer attaches on their own, in a connected chat: its type told from its bytes (the
        allow-list), then checked and stripped as a photo; once per client id, so a retry stores nothing new."""
        conv = await self._store.get_conversation(claims.conversation_id)
        if conv is None:
            raise NotFound("this chat does not exist", code="conversation_not_found")
        if conv.state != ConversationState.CONNECTED.value:
            raise Conflict("an image can be sent once an agent is in the chat", code="chat_not_connected")
        key = f"attachment:{check_client_id(client_id)}"
        stored = await self._store.photo_for_request(conv.id, key)
        if stored is None:
            check_attachment_type(data, self._attachment_types)
            wait = await self._limiter.hit(self._attachments, conv.id)
            if wait > 0:
                raise RateLimited(
                    f"a chat takes at most {self._attachments.limit} images a minute; try again in {math.ceil(wait)} s",
                    retry_after=wait,
                )
            # The declared type is not asked: the bytes said what the file is.
            stored = await self._stored_once(conv, PhotoKind.ATTACHMENT, Sender.CUSTOMER, key, None, data)
        message = await self._messages.post(
            conv.id,
            Sender.CUSTOMER,
            None,
            claims.display_name,
            key,
            attachment_text(stored.width, stored.height),
            attachment=stored.attachment(),
        )
        return StoredPhoto(stored, message)

    async def customer_still(self, claims: GuestClaims, content_type: str | None, data: bytes) -> Photo:
        """Photo mode: the customer's device sends its next still of the live camera. The agent is told and
        shows the latest; the one before is deleted (a photo for the chat is what Capture photo asks for)."""
        conv = await self._store.get_conversation(claims.conversation_id)
        if conv is None:
            raise NotFound("this chat does not exist", code="conversation_not_found")
        if conv.is_ended:
            raise Conflict("the chat has ended; the photo was not sent", code="chat_ended")
        session = await self._video.open_session(conv.id)
        session.expect_still()  # before the allowance is spent
        wait = await self._limiter.hit(self._stills, session.id)
        if wait > 0:
            raise RateLimited(
                f"stills come at most one every {self._stills.period:g} s; try again in {math.ceil(wait)} s",
                retry_after=wait,
            )
        info, data = await asyncio.to_thread(cleaned_photo, data, content_type, self._max_pixels)
        session = await self._video.still_taken(conv.id, session.id)  # counted once the picture is known to be one
        request_id = still_request_id(session.id, session.stills)
        photo = self._photo(conv, PhotoKind.STILL, Sender.CUSTOMER, request_id, info, len(data), session.id)
        stored, _ = await self._store.add_photo(photo, data)
        for earlier in await self._store.list_photos(conv.id):
            if earlier.kind == PhotoKind.STILL.value and earlier.session_id == session.id and earlier.id != stored.id:
                await self._store.delete_photo(earlier.id)
        extra = {"photo": stored.attachment(), "number": session.stills}
        await publish(self._bus, VideoStill(conv.id, session=session.to_wire(), extra=extra))
        return stored

    async def customer_failed(self, claims: GuestClaims, request_id: str | None, reason: str | None) -> None:
        """The customer's device could not take or send the photo: both sides read why."""
        conv = await customers_conversation(self._store, claims)
        if not request_id:
            raise NotFound("requestId names no photo request", code="photo_request_not_found")
        text = photo_failure_text(reason)
        sessions = await self._video.sessions(conv.id)  # the video may have ended since the request
        if not sessions:
            raise NotFound("there is no video in this chat to take a photo from", code="video_not_found")
        session = sessions[-1]
        known = reason if reason is not None and reason in PHOTO_FAILURES else "capture_failed"
        await self._messages.post_system(conv.id, text, Notice("photo_failed", {"reason": known}))
        extra = {"requestId": request_id, "reason": known}
        await publish(self._bus, VideoPhotoFailed(conv.id, session=session.to_wire(), text=text, extra=extra))

    async def agent_annotation(
        self,
        principal: Principal,
        conversation_id: str | None,
        annotates: str | None,
        client_id: str | None,
        caption: str | None,
        content_type: str | None,
        data: bytes,
    ) -> StoredPhoto:
        """The agent's marked-up copy of a photo of this chat, sent into the chat with an optional caption;
        without `annotates`, a frame of the live video the agent froze and marked (the video must be on)."""
        current = await self._access.require(principal, Permission.CHAT_ANSWER)
        conv = await agents_conversation(self._store, current, conversation_id)
        session_id: str | None = None
        if annotates is None:
            session = await self._video.open_session(conv.id)
            if session.state not in (VideoState.LIVE.value, VideoState.HELD.value):
                raise Conflict("a frame of the video can be saved once the video is live", code="video_state")
            session_id = session.id
        else:
            original = await self._store.get_photo(annotates)
            if original is None or original.conversation_id != conv.id:
                raise NotFound("annotates names no photo of this chat", code="photo_not_found")
        key = f"annotation:{check_client_id(client_id)}"
        words = check_caption(caption) or (FRAME_TEXT if annotates is None else None)
        stored = await self._stored_once(
            conv, PhotoKind.ANNOTATION, Sender.AGENT, key, content_type, data, session_id, annotates
        )
        message = await self._messages.post(
            conv.id,
            Sender.AGENT,
            current.user.id,
            current.user.name,
            f"photo:{stored.id}",
            annotation_text(words),
            attachment=stored.attachment(),
        )
        return StoredPhoto(stored, message)

    async def _stored_once(
        self,
        conv: Conversation,
        kind: PhotoKind,
        by: Sender,
        request_id: str,
        content_type: str | None,
        data: bytes,
        session_id: str | None = None,
        annotates: str | None = None,
    ) -> Photo:
        """The photo of this request: the one already stored, or this upload, checked, stripped of its
        metadata and stored. Stripping copies up to the upload limit's bytes: a thread does it."""
        stored = await self._store.photo_for_request(conv.id, request_id)
        if stored is not None:
            return stored
        info, data = await asyncio.to_thread(cleaned_photo, data, content_type, self._max_pixels)
        photo = self._photo(conv, kind, by, request_id, info, len(data), session_id, annotates)
        stored, _ = await self._store.add_photo(photo, data)
        return stored

    def _photo(
        self,
        conv: Conversation,
        kind: PhotoKind,
        by: Sender,
        request_id: str,
        info: ImageInfo,
        size: int,
        session_id: str | None = None,
        annotates: str | None = None,
    ) -> Photo:
        return Photo(
            id=new_id("ph"),
            organization_id=conv.organization_id,
            conversation_id=conv.id,
            kind=kind.value,
            content_type=info.content_type,
            width=info.width,
            height=info.height,
            size=size,
            created_at=self._clock.now(),
            created_by=by.value,
            request_id=request_id,
            session_id=session_id,
            annotates=annotates,
        )

    # reading ------------------------------------------------------------------------------------------
    async def list_for_customer(self, claims: GuestClaims, conversation_id: str) -> list[Photo]:
        conv = await self._guests_conversation(claims, conversation_id)
        return await self._store.list_photos(conv.id)

    async def list_for_staff(self, principal: Principal, conversation_id: str) -> list[Photo]:
        conv = await self._readable(principal, conversation_id)
        return await self._store.list_photos(conv.id)

    async def read_for_customer(self, claims: GuestClaims, conversation_id: str, photo_id: str) -> tuple[Photo, bytes]:
        conv = await self._guests_conversation(claims, conversation_id)
        return await self._read(conv, photo_id)

    async def read_for_staff(self, principal: Principal, conversation_id: str, photo_id: str) -> tuple[Photo, bytes]:
        conv = await self._readable(principal, conversation_id)
        return await self._read(conv, photo_id)

    async def _read(self, conv: Conversation, photo_id: str) -> tuple[Photo, bytes]:
        photo = await self._store.get_photo(photo_id)
        data = await self._store.get_photo_data(photo_id) if photo is not None else None
        if photo is None or data is None or photo.conversation_id != conv.id:
            raise NotFound(f"photo {photo_id} does not exist in this chat", code="photo_not_found")
        return photo, data

    async def _guests_conversation(self, claims: GuestClaims, conversation_id: str) -> Conversation:
        conv = await self._store.get_conversation(conversation_id)
        if conv is None or conv.id != claims.conversation_id:
            raise NotFound(f"conversation {conversation_id} does not exist", code="conversation_not_found")
        return conv

    async def _readable(self, principal: Principal, conversation_id: str) -> Conversation:
        return await readable_conversation(self._store, self._access, principal, conversation_id)

    def _request(self, request: str | None, conversation_id: str) -> PhotoRequestClaims:
        try:
            asked = self._tokens.read_photo_request(request)
        except Unauthenticated as exc:
            expired = exc.code == "token_expired"
            message = "the photo request has expired; the agent can ask again" if expired else exc.message
            code = "photo_request_expired" if expired else "photo_request_invalid"
            raise PhotoRequestRefused(message, code=code) from exc
        if asked.conversation_id != conversation_id:
            raise PhotoRequestRefused("this photo request belongs to another chat", code="photo_request_invalid")
        return asked


class PhotoRequestRefused(Forbidden):
    """An upload whose request token is missing, forged, expired or another chat's."""

"""A chat's photos: the customer's device uploads the still the agent asked for (and, in photo mode, one
still after another) and any image the customer attaches of their own, the agent uploads a marked-up copy,
and both (and supervisors) list and download them.

The image travels as the raw request body (`Content-Type: image/jpeg`, `image/png` or `image/webp`),
never as JSON. Customers authenticate with their chat's guest token, staff with their access token; the
customer's photo request goes in `X-Photo-Request` (a URL's query string ends up in access logs; the
`request` parameter is still read, for older SDKs, and redacted from the logs).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import Field

from showdesk.domain.errors import Forbidden, TooLarge, Unauthenticated
from showdesk.domain.photos import MAX_PHOTO_BYTES, Photo
from showdesk.services.access import Principal
from showdesk.services.tokens import GuestClaims
from showdesk.transport.deps import ServicesDep, bearer, services
from showdesk.transport.request_log import log_context
from showdesk.transport.views import MessageView, PhotoAttachmentView, Timestamp, View

router = APIRouter(prefix="/conversations/{conversation_id}/photos", tags=["photos"])

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
_IMAGE_BODY = {"requestBody": {"required": True, "content": dict.fromkeys(_IMAGE_TYPES, _BINARY)}}


async def caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal | GuestClaims:
    """The chat's customer (guest token) or a staff member (access token)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send Authorization: Bearer <guest or access token>", code="token_missing")
    sd = services(request)
    try:
        guest = sd.chat.read_guest_token(credentials.credentials)
    except Unauthenticated as guest_refusal:
        if guest_refusal.code == "token_expired":
            raise
    else:
        log_context(request).bind(conversation_id=guest.conversation_id)
        return guest
    staff = await sd.access.authenticate(credentials.credentials)
    log_context(request).bind(user_id=staff.user.id)
    return staff


CallerDep = Annotated[Principal | GuestClaims, Depends(caller)]


class PhotoView(PhotoAttachmentView):
    createdAt: Timestamp
    createdBy: str = Field(description="customer or agent")

    @classmethod
    def of(cls, photo: Photo) -> PhotoView:
        return cls(**photo.attachment(), createdAt=photo.created_at, createdBy=photo.created_by)


class UploadedView(View):
    photo: PhotoView
    message: MessageView = Field(description="the chat message that carries the photo")


async def _body(request: Request) -> bytes:
    """The request body, refused as soon as it passes the size limit (whatever Content-Length claims)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_PHOTO_BYTES:
        raise TooLarge(f"the photo is {declared} bytes; the limit is {MAX_PHOTO_BYTES}", code="photo_too_large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_PHOTO_BYTES:
            raise TooLarge(f"the photo is over the limit of {MAX_PHOTO_BYTES} bytes", code="photo_too_large")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "",
    status_code=201,
    summary="Upload a photo: the customer's still for a photo request, or the agent's marked-up copy",
    openapi_extra=_IMAGE_BODY,
)
async def upload_photo(
    conversation_id: str,
    request: Request,
    who: CallerDep,
    sd: ServicesDep,
    photo_request_header: Annotated[
        str | None, Header(alias="x-photo-request", max_length=2000, description="the customer's photo request")
    ] = None,
    photo_request: Annotated[
        str | None, Query(alias="request", max_length=2000, description="older SDKs: use X-Photo-Request")
    ] = None,
    annotates: Annotated[str | None, Query(max_length=64)] = None,
    client_id: Annotated[str | None, Query(alias="clientId", max_length=64)] = None,
    caption: Annotated[str | None, Query(max_length=500)] = None,
) -> UploadedView:
    content_type = request.headers.get("content-type")
    if isinstance(who, GuestClaims):
        if who.conversation_id != conversation_id:
            raise Unauthenticated("this token belongs to another chat", code="token_invalid")
        asked = photo_request_header or photo_request
        stored = await sd.photos.customer_upload(who, asked, content_type, await _body(request))
    else:
        stored = await sd.photos.agent_annotation(
            who, conversation_id, annotates, client_id, caption, content_type, await _body(request)
        )
    return UploadedView(photo=PhotoView.of(stored.photo), message=MessageView.of(stored.message))


@router.post(
    "/stills",
    status_code=201,
    summary="Photo mode: the customer's device sends its next still of the live camera (the agent sees the latest)",
    openapi_extra=_IMAGE_BODY,
)
async def upload_still(conversation_id: str, request: Request, who: CallerDep, sd: ServicesDep) -> PhotoView:
    if not isinstance(who, GuestClaims):
        raise Forbidden("stills come from the customer's device, with the chat's guest token", code="customer_only")
    if who.conversation_id != conversation_id:
        raise Unauthenticated("this token belongs to another chat", code="token_invalid")
    stored = await sd.photos.customer_still(who, request.headers.get("content-type"), await _body(request))
    return PhotoView.of(stored)


@router.post(
    "/attachments",
    status_code=201,
    summary="The customer attaches an image of their own (an allowed type, told from its bytes) to the chat",
    openapi_extra=_IMAGE_BODY,
)
async def upload_attachment(
    conversation_id: str,
    request: Request,
    who: CallerDep,
    sd: ServicesDep,
    client_id: Annotated[
        str | None, Query(alias="clientId", max_length=64, description="the same id on a retry stores nothing new")
    ] = None,
) -> UploadedView:
    if not isinstance(who, GuestClaims):
        raise Forbidden("attachments come from the chat's customer, with the chat's guest token", code="customer_only")
    if who.conversation_id != conversation_id:
        raise Unauthenticated("this token belongs to another chat", code="token_invalid")
    stored = await sd.photos.customer_attachment(who, client_id, await _body(request))
    return UploadedView(photo=PhotoView.of(stored.photo), message=MessageView.of(stored.message))


@router.get("", summary="The chat's photos, oldest first")
async def list_photos(conversation_id: str, who: CallerDep, sd: ServicesDep) -> list[PhotoView]:
    if isinstance(who, GuestClaims):
        photos = await sd.photos.list_for_customer(who, conversation_id)
    else:
        photos = await sd.photos.list_for_staff(who, conversation_id)
    return [PhotoView.of(p) for p in photos]


@router.get(
    "/{photo_id}",
    summary="The photo itself, at full resolution",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
)
async def get_photo(
    conversation_id: str,
    photo_id: str,
    who: CallerDep,
    sd: ServicesDep,
    download: Annotated[bool, Query(description="true: save it as a file rather than show it")] = False,
) -> Response:
    if isinstance(who, GuestClaims):
        photo, data = await sd.photos.read_for_customer(who, conversation_id, photo_id)
    else:
        photo, data = await sd.photos.read_for_staff(who, conversation_id, photo_id)
    disposition = "attachment" if download else "inline"
    return Response(
        data,
        media_type=photo.content_type,
        headers={
            "content-disposition": f'{disposition}; filename="{photo.file_name}"',
            "cache-control": "private, max-age=3600",
            "x-content-type-options": "nosniff",
            # Opened on its own, the image is only an image: no script, no plugin, no form.
            "content-security-policy": "default-src 'none'; img-src 'self'; sandbox",
        },
    )

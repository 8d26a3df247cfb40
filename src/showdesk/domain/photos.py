"""Photos in a chat: the full-resolution still the agent asks the customer's camera for, and the agent's
marked-up copy of one ("this screw") sent back into the chat.

A photo is stored once per request: the customer's device may upload the same request again (a
retry after a lost response) and gets the photo already stored. Each photo is shown in the
transcript by a message that carries its description (`Message.attachment`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from showdesk.domain.errors import InvalidInput, TooLarge
from showdesk.domain.image_info import EXTENSIONS, ImageInfo, read_image_info
from showdesk.domain.image_metadata import strip_metadata

MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PHOTO_SIDE = 8192
MAX_PHOTO_PIXELS = 40_000_000  # the default of `serve --max-photo-pixels`: a 40 MP picture decodes to 160 MB
MIN_PHOTO_SIDE = 16
MAX_CAPTION_CHARS = 500
PHOTO_REQUEST_SECONDS = 120  # the customer's device has this long to take and upload the photo


class PhotoKind(StrEnum):
    CAPTURE = "capture"  # taken by the customer's camera at the agent's request
    ANNOTATION = "annotation"  # the agent's marked-up copy of a photo
    STILL = "still"  # photo mode's latest still of the live camera (each replaces the one before)
    ATTACHMENT = "attachment"  # an image the customer attached on their own (domain/attachments.py)


@dataclass
class Photo:
    id: str
    organization_id: str
    conversation_id: str
    kind: str
    content_type: str
    width: int
    height: int
    size: int
    created_at: datetime
    created_by: str  # customer | agent
    request_id: str  # the capture request, or the agent's client id for an annotation: one photo each
    session_id: str | None = None  # the video session a capture came from
    annotates: str | None = None  # the photo an annotation marks up

    @property
    def file_name(self) -> str:
        return f"{self.kind}-{self.id}.{EXTENSIONS.get(self.content_type, 'img')}"

    def attachment(self) -> dict[str, Any]:
        """What the photo's message carries, and clients see, of it."""
        described: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "contentType": self.content_type,
            "width": self.width,
            "height": self.height,
            "size": self.size,
            "url": f"/api/v2/conversations/{self.conversation_id}/photos/{self.id}",
        }
        if self.annotates:
            described["annotates"] = self.annotates
        return described


def check_photo(data: bytes, declared_type: str | None, max_pixels: int = MAX_PHOTO_PIXELS) -> ImageInfo:
    """The upload's format and size, or why it is not accepted as a photo.

    The pixel count is capped: a small file can claim a huge picture, and the agent's browser would
    decode it in full (a decompression bomb)."""
    if not data:
        raise InvalidInput("the photo is empty", code="invalid_image")
    if len(data) > MAX_PHOTO_BYTES:
        raise TooLarge(f"the photo is {len(data)} bytes; the limit is {MAX_PHOTO_BYTES}", code="photo_too_large")
    info = read_image_info(data)
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared and declared != "application/octet-stream" and declared != info.content_type:
        raise InvalidInput(f"the photo was sent as {declared} but is {info.content_type}", code="invalid_image")
    for side, value in (("width", info.width), ("height", info.height)):
        if not MIN_PHOTO_SIDE <= value <= MAX_PHOTO_SIDE:
            raise InvalidInput(
                f"the photo's {side} is {value} pixels; it must be {MIN_PHOTO_SIDE}..{MAX_PHOTO_SIDE}",
                code="invalid_image",
            )
    if info.width * info.height > max_pixels:
        raise TooLarge(
            f"the photo is {info.width} x {info.height} pixels ({info.width * info.height / 1e6:.1f} megapixels); "
            f"the limit is {max_pixels} pixels ({max_pixels / 1e6:g} megapixels)",
            code="photo_too_many_pixels",
        )
    return info


def cleaned_photo(
    data: bytes, declared_type: str | None, max_pixels: int = MAX_PHOTO_PIXELS
) -> tuple[ImageInfo, bytes]:
    """The upload checked, and its bytes without metadata (location, device, comments), the picture untouched."""
    info = check_photo(data, declared_type, max_pixels)
    cleaned = strip_metadata(data, info.content_type)
    if read_image_info(cleaned) != info:  # the picture's own header is copied as it was, so this cannot differ
        raise InvalidInput(f"the {info.content_type} file is damaged", code="invalid_image")
    return info, cleaned


def check_caption(caption: object) -> str | None:
    if caption is None:
        return None
    if not isinstance(caption, str):
        raise InvalidInput("caption must be text", code="invalid_caption")
    cleaned = caption.strip()
    if len(cleaned) > MAX_CAPTION_CHARS:
        raise InvalidInput(
            f"the caption is {len(cleaned)} characters; the limit is {MAX_CAPTION_CHARS}", code="invalid_caption"
        )
    return cleaned or None


def capture_text(width: int, height: int) -> str:
    return f"Photo of the product ({width} x {height} pixels)"


FRAME_TEXT = "Here is what I pointed at on your video."  # a frozen frame of the live video, marked up


def annotation_text(caption: str | None) -> str:
    return caption or "I marked the spot on your photo."


# Why the customer's device could not take or send the photo: codes it reports, words both sides read.
PHOTO_FAILURES = {
    "no_camera": "The photo could not be taken: the camera is not sharing right now.",
    "capture_failed": "The photo could not be taken on the customer's device.",
    "upload_failed": "The photo was taken but could not be sent; the customer's connection may be too slow.",
    "declined": "The customer chose not to send a photo.",
}


def photo_failure_text(reason: object) -> str:
    return PHOTO_FAILURES.get(reason if isinstance(reason, str) else "", PHOTO_FAILURES["capture_failed"])

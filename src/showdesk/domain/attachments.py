"""Images the customer attaches on their own: which kinds a chat takes (an allow-list), told from the file's
first bytes alone, never from its name or the type the browser declared.

An attachment is then checked, stripped of its metadata and stored exactly as a photo is (domain/photos.py).
"""

from __future__ import annotations

from showdesk.domain.errors import InvalidInput
from showdesk.domain.image_info import EXTENSIONS, JPEG, PNG, WEBP

NAMES = {JPEG: "JPEG", PNG: "PNG", WEBP: "WebP"}
DEFAULT_ATTACHMENT_TYPES = (JPEG, PNG, WEBP)  # the default of `serve --attachment-types`
ATTACHMENTS_PER_MINUTE = 10  # the default of `serve --attachments-per-chat`


def sniffed_type(data: bytes) -> str | None:
    """The image type the bytes' header says (image/jpeg, image/png, image/webp), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def parse_types(listed: str) -> tuple[str, ...]:
    """`image/jpeg,image/png` as a tuple of known image types; ValueError naming one that is not."""
    types = tuple(dict.fromkeys(t.strip().lower() for t in listed.split(",") if t.strip()))
    unknown = [t for t in types if t not in EXTENSIONS]
    if unknown or not types:
        raise ValueError(f"attachment types are some of {', '.join(EXTENSIONS)}; not {', '.join(unknown) or 'none'}")
    return types


def allowed_words(allowed: tuple[str, ...]) -> str:
    """'JPEG, PNG or WebP'."""
    names = [NAMES[t] for t in allowed]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def check_attachment_type(data: bytes, allowed: tuple[str, ...]) -> str:
    """The attachment's image type if the allow-list has it; else InvalidInput `attachment_type`."""
    found = sniffed_type(data)
    if found is None or found not in allowed:
        raise InvalidInput(f"Only {allowed_words(allowed)} images can be sent", code="attachment_type")
    return found


def attachment_text(width: int, height: int) -> str:
    return f"Image sent by the customer ({width} x {height} pixels)"

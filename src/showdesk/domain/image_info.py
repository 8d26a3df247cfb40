"""What kind of image a file is and how large, read from its header alone (JPEG, PNG, WebP).

The server never decodes pixels: it reads the few bytes that say the format and the size, refuses
anything else, and serves the stored bytes back with the type it found here.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from showdesk.domain.errors import InvalidInput

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp"}

# JPEG start-of-frame markers (baseline, extended, progressive, lossless, ...), not DHT/JPG/DAC.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int


def _not(kind: str) -> InvalidInput:
    return InvalidInput(f"the file is not a readable {kind} image", code="invalid_image")


def read_image_info(data: bytes) -> ImageInfo:
    """The image's type and size; InvalidInput (`invalid_image`) for anything that is not one."""
    if data.startswith(b"\xff\xd8\xff"):
        width, height = _jpeg_size(data)
        return ImageInfo(JPEG, width, height)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ImageInfo(PNG, *_png_size(data))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ImageInfo(WEBP, *_webp_size(data))
    raise InvalidInput("the file is not a JPEG, PNG or WebP image", code="invalid_image")


def _jpeg_size(data: bytes) -> tuple[int, int]:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise _not("JPEG")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _STANDALONE:
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or the scan began before any frame header
            break
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2:
            raise _not("JPEG")
        if marker in _SOF_MARKERS:
            if at + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            if not width or not height:
                raise _not("JPEG")
            return width, height
        at += 2 + length
    raise _not("JPEG")


def _png_size(data: bytes) -> tuple[int, int]:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise _not("PNG")
    width, height = struct.unpack(">II", data[16:24])
    if not width or not height:
        raise _not("PNG")
    return width, height


def _webp_size(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    raise _not("WebP")

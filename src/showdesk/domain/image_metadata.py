"""A customer's photo without what the camera wrote about it: EXIF (GPS position, device make, model and
serial numbers, maker notes, times), XMP, IPTC, comments and text chunks, and whatever follows the image.

The container is rewritten segment by segment (JPEG), chunk by chunk (PNG) or RIFF chunk by chunk (WebP);
pixels are never decoded, and the compressed picture is copied byte for byte, so the resolution and the
quality are the ones the camera took. Kept: what a browser needs to show the picture as it was taken,
i.e. the colour profile and colour chunks, and the EXIF orientation, rewritten as a minimal EXIF block
holding nothing else (a phone's `ImageCapture.takePhoto()` may leave rotation to that tag).
"""

from __future__ import annotations

import struct
import zlib

from showdesk.domain.errors import InvalidInput
from showdesk.domain.image_info import JPEG, PNG, WEBP

ORIENTATION_TAG = 0x0112
_EXIF_HEADER = b"Exif\x00\x00"

# JPEG: segments without a length, and the application segments kept by their identifier.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_SOS, _EOI, _APP0, _APP1, _APP2, _APP14, _COM = 0xDA, 0xD9, 0xE0, 0xE1, 0xE2, 0xEE, 0xFE
_KEPT_APP = {_APP0: (b"JFIF\x00", b"JFXX\x00"), _APP2: (b"ICC_PROFILE\x00",), _APP14: (b"Adobe",)}

# PNG: ancillary chunks that change how the picture looks (colour, transparency, animation); every
# other ancillary chunk (tEXt, zTXt, iTXt, eXIf, tIME, and any private one) goes.
_PNG_KEPT = frozenset(
    {b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"mDCV", b"cLLI", b"bKGD", b"hIST", b"tRNS", b"pHYs"}
    | {b"acTL", b"fcTL", b"fdAT"}
)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# WebP (RIFF): the chunks of the picture itself; EXIF, XMP and unknown chunks go.
_WEBP_KEPT = frozenset({b"VP8X", b"ICCP", b"ANIM", b"ANMF", b"ALPH", b"VP8 ", b"VP8L"})
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def strip_metadata(data: bytes, content_type: str) -> bytes:
    """The same picture without its metadata; InvalidInput (`invalid_image`) for a broken container."""
    if content_type == JPEG:
        return _strip_jpeg(data)
    if content_type == PNG:
        return _strip_png(data)
    if content_type == WEBP:
        return _strip_webp(data)
    raise InvalidInput("the file is not a JPEG, PNG or WebP image", code="invalid_image")


def _broken(kind: str) -> InvalidInput:
    return InvalidInput(f"the {kind} file is damaged or cut short", code="invalid_image")


# --- EXIF orientation ---------------------------------------------------------------------------------


def exif_orientation(tiff: bytes) -> int | None:
    """The Orientation (1..8) of a TIFF-structured EXIF block's first IFD, or None."""
    if len(tiff) < 8 or tiff[:4] not in (b"II*\x00", b"MM\x00*"):
        return None
    order = "<" if tiff[0] == ord("I") else ">"
    (ifd,) = struct.unpack_from(order + "I", tiff, 4)
    if ifd + 2 > len(tiff):
        return None
    (count,) = struct.unpack_from(order + "H", tiff, ifd)
    for n in range(min(count, (len(tiff) - ifd - 2) // 12)):
        tag, kind, values = struct.unpack_from(order + "HHI", tiff, ifd + 2 + 12 * n)
        if tag == ORIENTATION_TAG and kind == 3 and values >= 1:  # SHORT, stored in the entry itself
            (value,) = struct.unpack_from(order + "H", tiff, ifd + 2 + 12 * n + 8)
            return value if 1 <= value <= 8 else None
    return None


def orientation_only(orientation: int) -> bytes:
    """A TIFF-structured EXIF block with one entry, Orientation, and nothing else."""
    entry = struct.pack(">HHIHH", ORIENTATION_TAG, 3, 1, orientation, 0)
    return b"MM\x00*" + struct.pack(">I", 8) + struct.pack(">H", 1) + entry + struct.pack(">I", 0)


def _kept_orientation(tiff: bytes) -> bytes | None:
    """The minimal EXIF block to keep for this one, when it turns the picture (orientation 2..8)."""
    orientation = exif_orientation(tiff)
    return orientation_only(orientation) if orientation not in (None, 1) else None


# --- JPEG ---------------------------------------------------------------------------------------------


def _strip_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise _broken("JPEG")
    out = [b"\xff\xd8"]
    orientation: bytes | None = None
    orientation_at: int | None = None  # where the kept EXIF goes: after JFIF, where EXIF was
    at, end = 2, len(data)
    while at < end:
        if data[at] != 0xFF:
            raise _broken("JPEG")
        marker = data[at + 1] if at + 1 < end else -1
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if marker < 0:
            raise _broken("JPEG")
        if marker == _EOI:
            out.append(b"\xff\xd9")
            break  # anything after the end of the image (thumbnails, trailers) is left out
        if marker in _STANDALONE:
            out.append(data[at : at + 2])
            at += 2
            continue
        if at + 4 > end:
            raise _broken("JPEG")
        (length,) = struct.unpack_from(">H", data, at + 2)
        stop = at + 2 + length
        if length < 2 or stop > end:
            raise _broken("JPEG")
        payload = data[at + 4 : stop]
        if marker == _APP1 and payload.startswith(_EXIF_HEADER):
            if orientation_at is None:
                orientation = _kept_orientation(payload[len(_EXIF_HEADER) :])
                orientation_at = len(out)
        elif 0xE0 <= marker <= 0xEF or marker == _COM:
            if any(payload.startswith(name) for name in _KEPT_APP.get(marker, ())):
                out.append(data[at:stop])
        else:
            out.append(data[at:stop])
        at = stop
        if marker == _SOS:
            at = _scan_end(data, at)
            out.append(data[stop:at])
    if orientation is not None and orientation_at is not None:
        exif = _EXIF_HEADER + orientation
        out.insert(orientation_at, b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif)
    return b"".join(out)


def _scan_end(data: bytes, at: int) -> int:
    """Where the entropy-coded data that starts at `at` ends: the next marker other than a restart
    marker or a stuffed 0xFF00, or the end of a file cut short (a browser shows what is there)."""
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= len(data):
            return len(data)
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            at += 2
        elif following == 0xFF:
            at += 1
        else:
            return at


# --- PNG ----------------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _strip_png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise _broken("PNG")
    out = [_PNG_SIGNATURE]
    orientation: bytes | None = None
    at, end = len(_PNG_SIGNATURE), len(data)
    while True:
        if at + 12 > end:
            raise _broken("PNG")
        (length,) = struct.unpack_from(">I", data, at)
        kind = data[at + 4 : at + 8]
        stop = at + 12 + length
        if stop > end:
            raise _broken("PNG")
        if kind == b"eXIf":
            orientation = orientation or _kept_orientation(data[at + 8 : at + 8 + length])
        elif kind == b"IEND":
            if orientation is not None:  # eXIf may come after the image data; before IEND it is read
                out.append(_png_chunk(b"eXIf", orientation))
            out.append(data[at:stop])
            return b"".join(out)  # anything after IEND is left out
        elif kind[0] & 0x20 == 0 or kind in _PNG_KEPT:  # critical (upper-case first letter) or kept
            out.append(data[at:stop])
        at = stop


# --- WebP ---------------------------------------------------------------------------------------------


def _strip_webp(data: bytes) -> bytes:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise _broken("WebP")
    (riff_size,) = struct.unpack_from("<I", data, 4)
    end = min(len(data), 8 + riff_size)
    chunks: list[bytes] = []
    orientation: bytes | None = None
    at = 12
    while at + 8 <= end:
        kind = data[at : at + 4]
        (length,) = struct.unpack_from("<I", data, at + 4)
        stop = at + 8 + length
        if stop > end:
            raise _broken("WebP")
        if kind == b"EXIF":
            body = data[at + 8 : stop]
            body = body[len(_EXIF_HEADER) :] if body.startswith(_EXIF_HEADER) else body
            orientation = orientation or _kept_orientation(body)
        elif kind in _WEBP_KEPT:
            chunks.append(data[at:stop] + (b"\x00" if length % 2 else b""))
        at = stop + length % 2
    if not chunks:
        raise _broken("WebP")
    if chunks[0][:4] != b"VP8X":
        chunks = chunks[:1]  # the simple format: one picture chunk and nothing else
    else:
        if len(chunks[0]) < 18:
            raise _broken("WebP")
        flags = chunks[0][8] & ~(_VP8X_EXIF | _VP8X_XMP)
        if orientation is not None:
            flags |= _VP8X_EXIF
            chunks.append(b"EXIF" + struct.pack("<I", len(orientation)) + orientation)  # even length: no pad
        chunks[0] = chunks[0][:8] + bytes([flags]) + chunks[0][9:]
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body

"""Photos carrying what cameras and editors write into them (GPS position, device serial, XMP, IPTC,
comments, text chunks, trailers), built byte by byte here, and readers of their containers written
independently of ShowDesk's own code."""

from __future__ import annotations

import struct
import zlib

SERIAL = b"SN-0042-SECRET"
STREET = b"12 Elm Street"
MAKE = b"SpyCam Industries"
# Text that must not survive: each comes from one kind of metadata below.
SECRETS = (SERIAL, STREET, MAKE, b"x:xmpmeta", b"Photoshop 3.0", b"GPSLatitude", b"2024:05:01")


def tiff_exif(orientation: int = 6) -> bytes:
    """A little-endian EXIF block: make, model, serial, date, orientation, and a GPS IFD (51.5 N)."""
    entries: list[tuple[int, int, int, bytes]] = []  # tag, type, count, value or data
    strings = {0x010F: MAKE + b"\0", 0x0110: b"X1 Pro\0", 0xA431: SERIAL + b"\0", 0x0132: b"2024:05:01 10:00:00\0"}
    header = 8
    count = len(strings) + 2
    data_at = header + 2 + 12 * count + 4
    blobs = b""
    for tag, text in strings.items():
        entries.append((tag, 2, len(text), struct.pack("<I", data_at + len(blobs))))
        blobs += text + b"\0" * (len(text) % 2)
    entries.append((0x0112, 3, 1, struct.pack("<HH", orientation, 0)))
    gps_at = data_at + len(blobs)
    entries.append((0x8825, 4, 1, struct.pack("<I", gps_at)))
    entries.sort()
    ifd0 = struct.pack("<H", count) + b"".join(struct.pack("<HHI", t, k, n) + v for t, k, n, v in entries)
    ifd0 += struct.pack("<I", 0)
    rationals_at = gps_at + 2 + 12 * 2 + 4
    gps = struct.pack("<H", 2)
    gps += struct.pack("<HHI", 0x0001, 2, 2) + b"N\0\0\0"  # GPSLatitudeRef
    gps += struct.pack("<HHII", 0x0002, 5, 3, rationals_at)  # GPSLatitude
    gps += struct.pack("<I", 0) + struct.pack("<6I", 51, 1, 30, 1, 0, 1)
    return b"II*\x00" + struct.pack("<I", header) + ifd0 + blobs + gps


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>51,30N</exif:GPSLatitude></x:xmpmeta>'
ICC = b"ICC_PROFILE\x00\x01\x01" + b"fake colour profile"


def jpeg_with_metadata(jpeg: bytes, orientation: int = 6) -> bytes:
    assert jpeg[:2] == b"\xff\xd8"
    added = _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    added += _segment(0xE1, b"Exif\x00\x00" + tiff_exif(orientation))
    added += _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP)
    added += _segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10\x1c\x02\x5a\x00\x0b" + STREET)
    added += _segment(0xE2, ICC)
    added += _segment(0xEB, b"JP\x00\x00" + SERIAL)  # JUMBF / C2PA, an APP the picture does not need
    added += _segment(0xFE, b"taken at " + STREET)
    return jpeg[:2] + added + jpeg[2:] + b"SEFH trailer " + SERIAL


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every segment before the first scan, read here without ShowDesk's code."""
    assert data[:2] == b"\xff\xd8"
    out, at = [], 2
    while True:
        assert data[at] == 0xFF
        marker = data[at + 1]
        length = struct.unpack_from(">H", data, at + 2)[0]
        out.append((marker, data[at + 4 : at + 2 + length]))
        if marker == 0xDA:
            return out
        at += 2 + length


def tiff_entries(tiff: bytes) -> dict[int, int]:
    """IFD0's SHORT entries of a TIFF block (either byte order): tag -> value."""
    order = "<" if tiff[:2] == b"II" else ">"
    ifd = struct.unpack_from(order + "I", tiff, 4)[0]
    count = struct.unpack_from(order + "H", tiff, ifd)[0]
    found = {}
    for n in range(count):
        tag, kind, _ = struct.unpack_from(order + "HHI", tiff, ifd + 2 + 12 * n)
        found[tag] = struct.unpack_from(order + "H", tiff, ifd + 10 + 12 * n)[0] if kind == 3 else -1
    return found


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with_metadata(png: bytes, orientation: int = 6) -> bytes:
    assert png[12:16] == b"IHDR"
    ihdr_end = 8 + 12 + 13
    added = png_chunk(b"gAMA", struct.pack(">I", 45455))
    added += png_chunk(b"tEXt", b"Comment\x00taken at " + STREET)
    added += png_chunk(b"zTXt", b"Location\x00\x00" + zlib.compress(b"51.5 N, near " + STREET))
    added += png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + XMP)
    added += png_chunk(b"eXIf", tiff_exif(orientation))
    added += png_chunk(b"tIME", struct.pack(">HBBBBB", 2024, 5, 1, 10, 0, 0))
    added += png_chunk(b"prVt", SERIAL)
    return png[:ihdr_end] + added + png[ihdr_end:] + b"trailer " + SERIAL


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, body) of every chunk, each CRC checked, up to IEND, which must end the file."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, at = [], 8
    while at < len(data):
        length = struct.unpack_from(">I", data, at)[0]
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        assert struct.unpack_from(">I", data, at + 8 + length)[0] == zlib.crc32(kind + body)
        out.append((kind, body))
        at += 12 + length
    assert out[-1][0] == b"IEND" and at == len(data)
    return out


def webp_with_metadata(webp: bytes, width: int, height: int, orientation: int = 6) -> bytes:
    """The simple (VP8) file turned into the extended format (VP8X) with EXIF and XMP chunks."""
    assert webp[:4] == b"RIFF" and webp[12:16] == b"VP8 "
    vp8x = bytes([0x08 | 0x04, 0, 0, 0]) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    exif = b"Exif\x00\x00" + tiff_exif(orientation)
    body = b"WEBP" + _riff_chunk(b"VP8X", vp8x) + webp[12:] + _riff_chunk(b"EXIF", exif) + _riff_chunk(b"XMP ", XMP)
    return b"RIFF" + struct.pack("<I", len(body)) + body + b"trailer " + SERIAL


def _riff_chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) % 2)


def webp_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    size = struct.unpack_from("<I", data, 4)[0]
    assert size + 8 == len(data)
    out, at = [], 12
    while at < len(data):
        kind, length = data[at : at + 4], struct.unpack_from("<I", data, at + 4)[0]
        out.append((kind, data[at + 8 : at + 8 + length]))
        at += 8 + length + length % 2
    assert at == len(data)
    return out


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims `width` x `height` pixels: what a decompression bomb looks like from outside."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")

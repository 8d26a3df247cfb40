"""Real image files for photo tests, encoded by FFmpeg (PyAV), never by ShowDesk's own code."""

from __future__ import annotations

import io
from fractions import Fraction

import av
import numpy as np


def encoded(width: int, height: int, codec: str = "mjpeg", colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """One `width` x `height` picture as a JPEG (`mjpeg`), PNG (`png`) or WebP (`libwebp`) file, without
    metadata (ShowDesk stores such a file byte for byte)."""
    rgb = np.zeros((height, width, 3), dtype=np.uint8)
    rgb[:, :] = colour
    rgb[: height // 2, : width // 2] = (20, 20, 20)  # something to see
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    encoder = av.CodecContext.create(codec, "w")
    encoder.width, encoder.height = width, height
    encoder.pix_fmt = {"mjpeg": "yuvj420p", "png": "rgb24"}.get(codec, "yuv420p")
    encoder.time_base = Fraction(1, 1)
    packets = [*encoder.encode(frame.reformat(format=encoder.pix_fmt)), *encoder.encode(None)]
    data = b"".join(bytes(p) for p in packets)
    if data.startswith(b"\xff\xd8\xff\xfe"):  # FFmpeg's own comment ("Lavc..."): a file with no metadata at all
        data = b"\xff\xd8" + data[4 + int.from_bytes(data[4:6], "big") :]
    return data


def decoded_size(data: bytes) -> tuple[int, int]:
    """The size FFmpeg decodes the file to: what a viewer would show."""
    with av.open(io.BytesIO(data)) as container:
        frame = next(container.decode(video=0))
        return frame.width, frame.height

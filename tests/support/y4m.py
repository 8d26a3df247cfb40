"""A Y4M picture for Chromium's fake camera (`--use-file-for-fake-video-capture`): four coloured quadrants."""

from __future__ import annotations

from pathlib import Path

Rgb = tuple[int, int, int]

# Far apart in colour, so a sampled pixel can only match its own quadrant even after compression.
CUSTOMER_PICTURE: tuple[Rgb, Rgb, Rgb, Rgb] = ((220, 40, 40), (40, 190, 70), (40, 70, 220), (235, 220, 40))
AGENT_PICTURE: tuple[Rgb, Rgb, Rgb, Rgb] = ((240, 240, 240), (30, 30, 30), (200, 60, 200), (40, 200, 200))


def _yuv(rgb: Rgb) -> tuple[int, int, int]:
    """BT.601 limited range, as Chromium reads I420."""
    r, g, b = (c / 255 for c in rgb)
    y = 16 + 65.481 * r + 128.553 * g + 24.966 * b
    u = 128 - 37.797 * r - 74.203 * g + 112.0 * b
    v = 128 + 112.0 * r - 93.786 * g - 18.214 * b
    return round(y), round(u), round(v)


def write_quadrants(
    path: Path, colours: tuple[Rgb, Rgb, Rgb, Rgb], width: int = 320, height: int = 240, frames: int = 30, fps: int = 30
) -> Path:
    """Top-left, top-right, bottom-left, bottom-right; every frame the same picture."""
    yuv = [_yuv(c) for c in colours]
    planes = []
    for plane, w, h in ((0, width, height), (1, width // 2, height // 2), (2, width // 2, height // 2)):
        rows = []
        for row in range(h):
            bottom = row >= h // 2
            left = bytes([yuv[2 if bottom else 0][plane]]) * (w // 2)
            right = bytes([yuv[3 if bottom else 1][plane]]) * (w - w // 2)
            rows.append(left + right)
        planes.append(b"".join(rows))
    frame = b"FRAME\n" + b"".join(planes)
    header = f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * frames)
    return path


def write_noise(
    path: Path,
    width: int = 1280,
    height: int = 720,
    frames: int = 12,
    fps: int = 30,
    block: int = 16,
    changing: int = 1,
) -> Path:
    """A mosaic of random `block`-pixel tiles of which every `changing`-th row of tiles is new in each
    frame (1: all of them): a keyframe fits a slow link, but a picture that keeps changing does not, so a
    slow link must cost either resolution or frame rate (the detail/smooth choice)."""
    import random

    rng = random.Random(7)
    header = f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode()
    grids: list[list[list[int]]] = []
    for w, b in ((width, block), (width // 2, block // 2)):
        h = height if b == block else height // 2
        grids.append([[rng.randrange(16, 236) for _ in range(-(-w // b))] for _ in range(-(-h // b))])
    with path.open("wb") as out:
        out.write(header)
        for n in range(frames):
            planes = []
            for grid, (w, h, b) in zip(
                grids, ((width, height, block), (width // 2, height // 2, block // 2)), strict=True
            ):
                for r, tile_row in enumerate(grid):
                    if (r + n) % changing == 0:
                        tile_row[:] = [rng.randrange(16, 236) for _ in tile_row]
                rows = [bytes(v for v in tile_row for _ in range(b))[:w] for tile_row in grid for _ in range(b)]
                planes.append(b"".join(rows[:h]))
            luma, chroma = planes
            out.write(b"FRAME\n" + luma + chroma + bytes([128]) * len(chroma))
    return path

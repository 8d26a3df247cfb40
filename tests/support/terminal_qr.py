"""Read a QR code printed in a terminal (or a log) in block characters, as a phone's camera would."""

from __future__ import annotations

import re

import numpy as np
import zxingcpp

# Each character is two modules, one above the other: a full block is two light ones (light text on a
# dark terminal), a space two dark ones.
_HALVES = {"█": (255, 255), "▀": (255, 0), "▄": (0, 255), " ": (0, 0)}


def qr_codes_in(text: str, scale: int = 6) -> list[str]:
    """The text of every QR code drawn in `text` (runs of lines made only of block characters)."""
    found: list[str] = []
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line and set(line) <= set(_HALVES) and "█" in line:
            block.append(line)
            continue
        if len(block) >= 10:
            found += _decode(block, scale)
        block = []
    return found


_ANSI_CELL = re.compile(r"\x1b\[(\d+);(\d+)m\u2580")
_DARK = {"30", "40"}


def ansi_qr_codes_in(text: str, scale: int = 6) -> list[str]:
    """The same for a code drawn with colours: each upper half block's foreground is the upper module,
    its background the lower one (black is dark, whatever the terminal's own colours)."""
    rows: list[list[int]] = []
    for line in text.splitlines():
        cells = _ANSI_CELL.findall(line)
        if cells:
            rows += [[0 if f in _DARK else 255 for f, _ in cells], [0 if b in _DARK else 255 for _, b in cells]]
    if not rows:
        return []
    picture = np.kron(np.array(rows, dtype=np.uint8), np.ones((scale, scale), dtype=np.uint8))
    return [code.text for code in zxingcpp.read_barcodes(picture)]


def _decode(lines: list[str], scale: int) -> list[str]:
    width = max(len(line) for line in lines)
    rows: list[list[int]] = []
    for line in lines:
        halves = [_HALVES[c] for c in line.ljust(width, "█")]
        rows += [[h[0] for h in halves], [h[1] for h in halves]]
    picture = np.kron(np.array(rows, dtype=np.uint8), np.ones((scale, scale), dtype=np.uint8))
    return [code.text for code in zxingcpp.read_barcodes(picture)]

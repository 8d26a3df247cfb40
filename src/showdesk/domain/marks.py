"""Marks the agent draws on the customer's live picture: an arrow, a circle, a freehand line or a short
text, placed in the picture's own coordinates.

A point is (x, y) with 0..1 across the picture's width and height as the camera sends it, so a mark
lands on the same spot of the product on both screens whatever their sizes, and stays there when the
customer's camera changes resolution or the phone turns (the picture is the same; only its size on
screen changes). Marks are not stored: they exist while the video is live and are cleared by either
side's Clear, by the video's end, or replaced as the agent goes on drawing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from showdesk.domain.errors import InvalidInput

KINDS = ("arrow", "circle", "pen", "text")
MAX_PEN_POINTS = 400  # a freehand line: plenty for a stroke across the picture at screen resolution
MAX_TEXT_CHARS = 80  # a label, not a message: the chat is for sentences
MAX_ID_CHARS = 40
COLORS = ("red", "yellow", "green", "blue", "white")


@dataclass(frozen=True)
class Mark:
    id: str
    kind: str
    points: tuple[tuple[float, float], ...]
    color: str = "red"
    text: str | None = None

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "points": [[x, y] for x, y in self.points],
            "color": self.color,
        }
        if self.text is not None:
            wire["text"] = self.text
        return wire


def _refuse(why: str) -> InvalidInput:
    return InvalidInput(f"a mark {why}", code="invalid_mark")


def _point(raw: object) -> tuple[float, float]:
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        raise _refuse("point is [x, y]")
    x, y = raw
    for value in (x, y):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise _refuse("point's x and y are numbers from 0 to 1 (a share of the picture's width and height)")
    return round(float(x), 4), round(float(y), 4)


def parse_mark(raw: object) -> Mark:
    """A mark from the agent's frame, or InvalidInput (`invalid_mark`) saying what is wrong with it."""
    if not isinstance(raw, dict):
        raise _refuse("is an object with id, kind and points")
    mark_id, kind = raw.get("id"), raw.get("kind")
    if not isinstance(mark_id, str) or not 0 < len(mark_id) <= MAX_ID_CHARS:
        raise _refuse(f"id is a string of 1 to {MAX_ID_CHARS} characters")
    if kind not in KINDS:
        raise _refuse(f"kind is one of {', '.join(KINDS)}")
    points = raw.get("points")
    if not isinstance(points, list):
        raise _refuse("has a list of points")
    wanted = {"arrow": (2, 2), "circle": (2, 2), "pen": (2, MAX_PEN_POINTS), "text": (1, 1)}[kind]
    if not wanted[0] <= len(points) <= wanted[1]:
        many = f"{wanted[0]}" if wanted[0] == wanted[1] else f"{wanted[0]} to {wanted[1]}"
        raise _refuse(f"of kind {kind} has {many} points")
    color = raw.get("color", "red")
    if color not in COLORS:
        raise _refuse(f"color is one of {', '.join(COLORS)}")
    text = raw.get("text")
    if kind == "text":
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT_CHARS:
            raise _refuse(f"of kind text has a text of 1 to {MAX_TEXT_CHARS} characters")
        text = text.strip()
    else:
        text = None
    return Mark(mark_id, str(kind), tuple(_point(p) for p in points), str(color), text)

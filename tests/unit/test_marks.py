"""The agent's marks on the live picture, as the domain reads them."""

from __future__ import annotations

import pytest

from showdesk.domain.errors import InvalidInput
from showdesk.domain.marks import MAX_PEN_POINTS, parse_mark


def test_a_mark_is_read_in_the_picture_s_own_coordinates() -> None:
    mark = parse_mark({"id": "m1", "kind": "pen", "points": [[0, 0], [0.123456, 1], [1, 0.5]], "color": "blue"})
    assert mark.points == ((0.0, 0.0), (0.1235, 1.0), (1.0, 0.5))  # rounded: a ten-thousandth of the picture
    wire = {"id": "m1", "kind": "pen", "points": [[0.0, 0.0], [0.1235, 1.0], [1.0, 0.5]], "color": "blue"}
    assert mark.to_wire() == wire
    label = parse_mark({"id": "m2", "kind": "text", "points": [[0.5, 0.5]], "text": " the fuse "})
    assert (label.text, label.color) == ("the fuse", "red")


@pytest.mark.parametrize(
    "raw",
    [
        None,
        {"kind": "arrow", "points": [[0, 0], [1, 1]]},
        {"id": "m", "kind": "arrow", "points": [[0, 0], [1, 1], [0.5, 0.5]]},
        {"id": "m", "kind": "circle", "points": [[0, 0], [-0.1, 1]]},
        {"id": "m", "kind": "pen", "points": [[0.1, 0.1]] * (MAX_PEN_POINTS + 1)},
        {"id": "m", "kind": "text", "points": [[0.1, 0.1]], "text": "   "},
        {"id": "m", "kind": "arrow", "points": [[0, 0], ["0.5", 1]]},
        {"id": "m" * 41, "kind": "arrow", "points": [[0, 0], [1, 1]]},
    ],
)
def test_a_mark_that_cannot_be_drawn_is_refused(raw: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_mark(raw)
    assert refused.value.code == "invalid_mark"

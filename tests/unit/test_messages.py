"""A message about to be stored becomes the stored message with every field it had."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from showdesk.domain.conversation import Message, NewMessage


def test_a_stored_message_keeps_every_field_of_the_new_one() -> None:
    new = NewMessage(
        conversation_id="c_1",
        sender="customer",
        sender_id=None,
        display_name="Ann",
        text="the kettle clicks off",
        client_id="k1",
        created_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        attachment={"photoId": "p_1"},
    )
    stored = new.stored_as("m_1", 7)
    assert stored == Message(id="m_1", seq=7, **vars(new))
    assert {f.name for f in dataclasses.fields(Message)} == {f.name for f in dataclasses.fields(NewMessage)} | {
        "id",
        "seq",
    }
    assert stored.to_wire()["seq"] == 7
    with pytest.raises(dataclasses.FrozenInstanceError):
        stored.text = "changed"  # type: ignore[misc]

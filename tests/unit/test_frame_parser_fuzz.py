"""The socket's frame parser under hypothesis: whatever arrives, a frame comes out (a JSON object with a
string `type`) or exactly one structured error goes back, and the socket stays open."""

from __future__ import annotations

import json
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from showdesk.transport.ws_connection import Connection

KNOWN = ["ping", "message", "start", "resume", "end", "videoStart", "videoSignal", "videoStatus", "videoPhoto"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
frames = st.one_of(
    st.text(max_size=200),  # anything typed
    st.binary(max_size=200),  # binary frames
    json_values.map(json.dumps),  # valid JSON that is rarely a frame
    st.fixed_dictionaries({"type": st.sampled_from(KNOWN) | json_values}, optional={"x": json_values}).map(json.dumps),
    st.integers(60_000, 70_000).map(lambda n: '{"type": "ping", "pad": "' + "x" * n + '"}'),  # around the size limit
)


class RecordingSocket:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send_text(self, text: str) -> None:
        self.sent.append(orjson.loads(text))


@given(frames)
@settings(max_examples=1500, deadline=None)
def test_every_input_is_a_frame_or_one_structured_error(raw: str | bytes) -> None:
    socket = RecordingSocket()
    conn = Connection(socket)  # type: ignore[arg-type]
    message = {"type": "websocket.receive", "text": raw} if isinstance(raw, str) else {"bytes": raw}

    frame = conn._parse(message)

    if frame is not None:
        assert isinstance(frame, dict) and isinstance(frame["type"], str) and socket.sent == []
        assert len(raw) <= 64 * 1024
    else:
        [error] = socket.sent
        assert error["type"] == "error" and isinstance(error["code"], str) and error["message"]
        assert error["code"] in ("binary_frame", "frame_too_large", "invalid_json", "invalid_frame")
    assert not conn.closed

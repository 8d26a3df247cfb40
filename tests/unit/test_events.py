"""Every event in the catalogue produces a frame whose type is its own and that JSON can carry."""

import dataclasses
import json
from datetime import UTC, datetime

from showdesk.domain.conversation import Message
from showdesk.domain.events import CATALOGUE, AgentEvent, ConversationEvent, DirectoryChanged

SAMPLE = {
    "message": Message("m", "c", 1, "customer", None, "Ann", "hi", "k", datetime(2026, 1, 1, tzinfo=UTC)),
    "state": "queued",
    "queue": "Q",
    "position": 1,
    "text": "t",
    "agent_name": "Dana",
    "reason": "timeout",
    "by": "agent",
    "customer_name": "Ann",
    "expires_at": "2026-01-01T00:00:00Z",
    "messages": (),
    "snapshot": {"conversationId": "c", "messages": []},
    "status": "on_queue",
    "conversation_id": "c",
    "session": {"id": "vid_1", "state": "requested"},
    "session_id": "vid_1",
    "to": "agent",
    "signal": {"signal": "offer", "sdp": "v=0"},
    "jti": "t_1",
}


def test_every_event_frames_as_its_type_on_its_topic() -> None:
    assert len(CATALOGUE) >= 10
    for cls in CATALOGUE:
        kwargs = {f.name: SAMPLE[f.name] for f in dataclasses.fields(cls) if f.name in SAMPLE}
        if cls is DirectoryChanged:
            event = cls(user_id="u1")
            assert event.topic == "directory"
        elif issubclass(cls, AgentEvent):
            event = cls("u1", **kwargs)
            assert event.topic == "agent:u1"
        else:
            assert issubclass(cls, ConversationEvent)
            kwargs.pop("conversation_id", None)
            event = cls("c1", **kwargs)
            assert event.topic == "conversation:c1"
        frame = event.frame()
        assert frame["type"] == cls.type
        assert json.loads(json.dumps(frame)) == frame

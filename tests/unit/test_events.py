"""The event catalogue: built from the event classes (none left out), each class named after its wire type,
and every event producing a frame of its own type, on its topic, that JSON can carry."""

import dataclasses
import importlib
import inspect
import json
import pkgutil
from datetime import UTC, datetime

import pytest

import showdesk.domain
import showdesk.services
from showdesk.domain import events
from showdesk.domain.conversation import Message
from showdesk.domain.events import CATALOGUE, AgentEvent, ConversationEvent, Event, MonitorSignal, VideoEvent

# Every wire type, written out: a new event (or one lost) shows here, and in docs/protocol.md and the SDK's
# types (test_events_documented.py).
WIRE_TYPES = [
    "message", "routing", "agentJoined", "agentLeft", "chatEnded", "customerPresence", "handoff", "phoneSuggested",
    "typing", "seen",
    "offer", "offerRevoked", "interaction", "interactionEnded", "presence", "signedOut", "directoryChanged",
    "videoRequested", "videoStarting", "videoStarted", "videoHeld", "videoResumed", "videoEnd", "videoRetrying",
    "videoPreference", "videoCamera", "videoMark", "videoMarksCleared", "videoPhotoRequested", "videoPhotoFailed",
    "videoPhotoMode", "videoStill", "videoProblem", "videoSignal",
    "qualitySampled", "customerBack",
    "monitorRequested", "monitorEnded", "monitorSignal", "monitorDeclined",
]  # fmt: skip

KINDS = {Event, ConversationEvent, AgentEvent, VideoEvent}  # kinds of events, never published as such

SAMPLE = {
    "conversation_id": "c1",
    "agent_id": "u1",
    "user_id": "u1",
    "message": Message("m", "c1", 1, "customer", None, "Ann", "hi", "k", datetime(2026, 1, 1, tzinfo=UTC)),
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
    "snapshot": {"conversationId": "c1", "messages": []},
    "status": "on_queue",
    "session": {"id": "vid_1", "state": "requested"},
    "session_id": "vid_1",
    "to": "agent",
    "signal": {"signal": "offer", "sdp": "v=0"},
    "jti": "t_1",
    "quality": {"fps": 24},
    "socket_id": "s_1",
    "token_id": "t_1",
    "device": "phone",
    "device_id": "d_1",
    "side": "customer",
    "active": True,
    "up_to": 3,
    "monitor_id": "m_1",
    "watcher_name": "Sky",
}

OWN_TOPICS = {
    "directoryChanged": "directory",
    "qualitySampled": "video.quality",
    "customerBack": "customers.back",
    "monitorSignal": "agent:u1",  # the watcher's answer; the agent's offer goes on the relay's own topic
    "monitorDeclined": "monitor:m_1",
}


def test_the_catalogue_holds_every_wire_type_once() -> None:
    assert list(CATALOGUE) == WIRE_TYPES
    assert all(CATALOGUE[wire_type].type == wire_type for wire_type in WIRE_TYPES)


def test_every_event_class_is_in_the_catalogue() -> None:
    """Found by walking the classes themselves, so an event defined without a wire type shows too."""
    found: set[type[Event]] = set()
    waiting: list[type[Event]] = [Event]
    while waiting:
        cls = waiting.pop()
        waiting.extend(cls.__subclasses__())
        found.add(cls)
    assert found - KINDS == set(CATALOGUE.values())
    defined = {cls for _, cls in inspect.getmembers(events, inspect.isclass) if issubclass(cls, Event)}
    assert defined - KINDS == set(CATALOGUE.values())


def test_two_events_cannot_share_a_wire_type() -> None:
    before = dict(CATALOGUE)
    with pytest.raises(TypeError, match="share the wire type 'message'"):
        type("Again", (ConversationEvent,), {"type": "message", "__module__": __name__})
    assert before == CATALOGUE


def _shared_type_names() -> set[str]:
    """Class names of the domain and the services, which an event's own name must not take."""
    names: set[str] = set()
    for package in (showdesk.domain, showdesk.services):
        for module_info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            module = importlib.import_module(module_info.name)
            names |= {
                name for name, cls in inspect.getmembers(module, inspect.isclass) if cls.__module__ == module.__name__
            }
    return names


def test_each_event_class_is_named_after_its_wire_type() -> None:
    taken = _shared_type_names()
    for wire_type, cls in CATALOGUE.items():
        word = wire_type[0].upper() + wire_type[1:]
        if cls.__name__ != word:
            # `Event` only where the word alone already names a type (Message, Presence, the router's Offer).
            assert cls.__name__ == word + "Event", f"{cls.__name__} sends {wire_type!r}: call it {word}"
            assert word in taken, f"{cls.__name__}: no other {word} exists, so call it {word}"


def test_every_event_frames_as_its_type_on_its_topic() -> None:
    for wire_type, cls in CATALOGUE.items():
        event = cls(**{f.name: SAMPLE[f.name] for f in dataclasses.fields(cls) if f.name in SAMPLE})
        if wire_type in OWN_TOPICS:
            assert event.topic == OWN_TOPICS[wire_type]
        elif issubclass(cls, AgentEvent):
            assert event.topic == "agent:u1"
        else:
            assert issubclass(cls, ConversationEvent), cls
            assert event.topic == "conversation:c1"
        frame = event.frame()
        assert frame["type"] == wire_type
        assert json.loads(json.dumps(frame)) == frame


def test_a_relay_s_signals_go_to_the_agent_or_to_the_one_watcher_who_asked() -> None:
    to_agent = MonitorSignal("c1", "m_1", "agent", "u1", {"signal": "answer", "sdp": "v=0"})
    to_watcher = MonitorSignal("c1", "m_1", "watcher", "u1", {"signal": "offer", "sdp": "v=0"})
    assert (to_agent.topic, to_watcher.topic) == ("agent:u1", "monitor:m_1")
    assert to_watcher.frame() == {
        "type": "monitorSignal",
        "conversationId": "c1",
        "monitorId": "m_1",
        "for": "watcher",
        "signal": "offer",
        "sdp": "v=0",
    }

"""The event catalogue against what people read: every wire type is documented in docs/protocol.md as a
frame the server sends (or one that only crosses between nodes), and every event the customer's socket
receives is either surfaced by the SDK as an event typed in webchat.d.ts or deliberately kept inside it;
every event the SDK emits is typed."""

from __future__ import annotations

import re
from pathlib import Path

from showdesk.domain.events import CATALOGUE, ConversationEvent

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = ROOT / "docs/protocol.md"
SDK = ROOT / "src/showdesk/web/sdk"

# Customer-facing events the SDK surfaces under another name, or keeps to itself (None), and why.
SURFACED_AS: dict[str, str | None] = {
    "videoCamera": "cameraRequest",
    "videoPhotoRequested": "photoRequested",
    "videoPhotoFailed": "photoFailed",
    "videoMark": "mark",
    "videoMarksCleared": "marksCleared",
    "videoPhotoMode": "photoMode",
    "videoStill": None,  # the session record only; the customer's own device hears `stillSent` from its upload
    "videoStarting": None,  # the session record only; `videoState` already says connecting
    "videoSignal": None,  # answered by the SDK's peer connection itself
    "customerPresence": None,  # the customer's own page knows whether it is there
}
# Frames the SDK handles that are answers, not events (docs/protocol.md's answer columns).
ANSWERS = {"started", "resumed", "ack", "error", "videoReady"}


def server_frames(text: str) -> set[str]:
    """Types in the first column of the tables of frames the server sends (their last column is `meaning`),
    and in the paragraph that starts `Server to both:`."""
    found: set[str] = set()
    sends = False
    for line in text.splitlines():
        if line.startswith("| type |") or line.startswith("| frame |"):
            sends = line.rstrip(" |").endswith("meaning")
        elif sends and line.startswith("| `"):
            found |= set(re.findall(r"`(\w+)`", line.split("|")[1]))
        elif not line.startswith("|"):
            sends = False
    for paragraph in text.split("\n\n"):
        if paragraph.startswith("Server to both:"):
            found |= set(re.findall(r"`(\w+)`", paragraph))
    return found


def typed_events() -> set[str]:
    dts = (SDK / "webchat.d.ts").read_text()
    event_map = re.search(r"export interface ChatEventMap \{(.*?)\n\}", dts, re.S)
    assert event_map is not None, "webchat.d.ts has no ChatEventMap"
    return set(re.findall(r"^  (\w+)\??:", event_map.group(1), re.M))


def sdk_sources() -> dict[str, str]:
    # socket.js is the connection's own emitter (frame, ready, state): the chat re-emits what concerns the page.
    return {p.name: p.read_text() for p in SDK.glob("*.js") if p.name not in ("socket.js", "react.js")}


def emitted_events() -> set[str]:
    return {name for text in sdk_sources().values() for name in re.findall(r"emit\('(\w+)'", text)}


def handled_frames() -> set[str]:
    return {name for text in sdk_sources().values() for name in re.findall(r"case '(\w+)':", text)}


def customer_events() -> set[str]:
    """What a customer's socket receives: the events of a conversation's topic."""
    return {wire_type for wire_type, cls in CATALOGUE.items() if issubclass(cls, ConversationEvent)}


def test_every_wire_type_is_documented_as_a_frame_the_server_sends() -> None:
    documented = server_frames(PROTOCOL.read_text())
    missing = [wire_type for wire_type in CATALOGUE if wire_type not in documented]
    assert not missing, f"docs/protocol.md does not say the server sends {missing}"


def test_every_event_the_sdk_emits_is_typed() -> None:
    untyped = sorted(emitted_events() - typed_events())
    assert not untyped, f"the SDK emits {untyped}, which webchat.d.ts's ChatEventMap does not type"


def test_every_customer_event_is_handled_by_the_sdk_and_typed() -> None:
    handled, typed = handled_frames(), typed_events()
    for wire_type in sorted(customer_events()):
        if wire_type == "customerPresence":
            continue  # not handled on purpose (see SURFACED_AS)
        assert wire_type in handled, f"the customer's socket receives {wire_type!r} but the SDK ignores it"
        surfaced = SURFACED_AS.get(wire_type, wire_type)
        if surfaced is not None:
            assert surfaced in typed, f"the SDK surfaces {wire_type!r} as {surfaced!r}, not typed in webchat.d.ts"


def test_the_sdk_handles_only_frames_the_server_sends() -> None:
    unknown = sorted(handled_frames() - set(CATALOGUE) - ANSWERS)
    assert not unknown, f"the SDK handles {unknown}: neither an event of the catalogue nor an answer"
    assert set(SURFACED_AS) <= customer_events()  # nothing stale in the list above


def test_the_checks_read_the_documents() -> None:
    """The parsers find what is there, so an empty reading cannot pass for a clean one."""
    assert {"routing", "offer", "videoStarted", "videoEnd"} <= server_frames(PROTOCOL.read_text())
    assert {"videoStart", "accept", "auth"}.isdisjoint(server_frames(PROTOCOL.read_text()))  # client frames
    assert {"message", "videoStarted", "connection", "videoState"} <= typed_events()
    assert {"videoStarted", "videoState", "cameraRequest"} <= emitted_events()
    assert {"started", "videoSignal"} <= handled_frames()

"""What a supervisor watching a chat is sent of each conversation-topic frame: the chat's own lines, video
as status lines (more of them with Video > Monitor), never signalling, ICE servers or photo requests."""

from __future__ import annotations

from showdesk.domain.events import CATALOGUE
from showdesk.services.watch import VIDEO_MONITORED, WATCHED, watched_frame

SESSION = {"id": "vs_1", "state": "live", "path": "relay", "mode": "one-way", "requestedBy": "u_1"}


def test_chat_lines_pass_as_they_are() -> None:
    line = {"type": "message", "conversationId": "c_1", "id": "m_1", "text": "hello", "from": "customer"}
    assert watched_frame(line, monitor=False) == line
    assert all(kind in CATALOGUE for kind in WATCHED | VIDEO_MONITORED)


def test_video_is_a_status_line_without_what_a_browser_connects_with() -> None:
    started = {"type": "videoStarted", "conversationId": "c_1", "video": SESSION, "text": "Live", "iceServers": [1]}
    assert watched_frame(started, monitor=False) == {
        "type": "videoStarted",
        "conversationId": "c_1",
        "text": "Live",
        "video": {"id": "vs_1", "state": "live", "path": "relay"},
    }
    held = {"type": "videoHeld", "conversationId": "c_1", "video": SESSION, "text": "On hold"}
    assert watched_frame(held, monitor=False) is None
    assert watched_frame(held, monitor=True) is not None


def test_signalling_and_everything_else_is_never_sent() -> None:
    for kind in ("videoSignal", "videoStarting", "videoPhotoRequested", "videoStill", "videoMark", "seen", "handoff"):
        frame = {"type": kind, "conversationId": "c_1", "video": SESSION, "sdp": "v=0", "candidate": {}}
        assert watched_frame(frame, monitor=False) is None, kind
    assert watched_frame({"type": "videoSignal", "conversationId": "c_1", "sdp": "v=0"}, monitor=True) is None

"""Each socket frame read once into its typed command (`services/commands.py`), after its fields' sizes
have been checked (`frame_fields.py`). Nothing is refused here but an unknown type: a field of the wrong
kind reads as missing, and a nested object that cannot be read is kept `Refused` for the service to raise
when it comes to it (see services/commands.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from showdesk.domain.customer_info import read_details
from showdesk.domain.errors import InvalidInput, ShowDeskError
from showdesk.domain.handoff import known_device
from showdesk.domain.marks import Mark, parse_mark
from showdesk.domain.quality import QualitySample, parse_quality
from showdesk.domain.routing import Presence
from showdesk.domain.video import camera_request
from showdesk.domain.video_words import failure_code
from showdesk.services.commands import (
    AcceptOffer,
    AdjustCamera,
    AgentCommand,
    CameraRequest,
    ClearMarks,
    CloseRelay,
    DeclineOffer,
    DeclineVideo,
    DrawMark,
    EndChat,
    EndVideo,
    GuestCommand,
    HoldVideo,
    MarkSeen,
    Ping,
    PostMessage,
    PreferVideo,
    Refused,
    ReportCameraResult,
    ReportPhotoFailed,
    ReportVideoStatus,
    RequestPhoto,
    RequestVideo,
    ResumeChat,
    RetryVideo,
    SendMonitorSignal,
    SendSignal,
    SetPresence,
    SetTyping,
    StartChat,
    StartVideo,
    StopVideo,
    SuggestPhone,
    UsePhotos,
)
from showdesk.services.video_signals import (
    AGENT_SIGNALS,
    CUSTOMER_SIGNALS,
    MAX_ATTEMPT,
    MAX_CANDIDATE_CHARS,
    MAX_SIGNAL_CHARS,
    RELAY_SIGNALS,
    WATCHER_SIGNALS,
    IceCandidate,
    Signal,
)

Frame = dict[str, Any]
PRESENCES = {"on_queue": Presence.ON_QUEUE, "off_queue": Presence.OFF_QUEUE}  # what an agent may choose


def text(frame: Frame, name: str) -> str | None:
    value = frame.get(name)
    return value if isinstance(value, str) else None


def read_signal(frame: Frame, allowed: tuple[str, ...]) -> Signal:
    """The frame's signal, or InvalidInput (`invalid_signal`, `invalid_sdp`) saying what is wrong with it."""
    kind = frame.get("signal")
    if kind not in allowed:
        raise InvalidInput(f"signal must be one of {', '.join(allowed)}", code="invalid_signal")
    attempt = frame.get("attempt", 0)
    if not isinstance(attempt, int) or isinstance(attempt, bool) or not 0 <= attempt <= MAX_ATTEMPT:
        raise InvalidInput("attempt must be a small whole number", code="invalid_signal")
    if kind == "candidate":
        return Signal(str(kind), attempt, candidate=_candidate(frame.get("candidate")))
    sdp = frame.get("sdp")
    if not isinstance(sdp, str) or not sdp.startswith("v=0") or len(sdp) > MAX_SIGNAL_CHARS:
        raise InvalidInput("sdp must be an SDP string (starting with v=0)", code="invalid_sdp")
    return Signal(str(kind), attempt, sdp=sdp)


def _candidate(raw: object) -> IceCandidate | None:
    if raw is None:
        return None  # the end of candidates
    if not isinstance(raw, dict):
        raise InvalidInput("candidate must be an RTCIceCandidateInit object or null", code="invalid_signal")
    line = raw.get("candidate", "")
    if not isinstance(line, str) or len(line) > MAX_CANDIDATE_CHARS:
        raise InvalidInput("candidate.candidate must be a short string", code="invalid_signal")
    mid = raw.get("sdpMid")
    index = raw.get("sdpMLineIndex")
    return IceCandidate(line, mid if isinstance(mid, str) else None, index if isinstance(index, int) else None)


def _refusable(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except InvalidInput as exc:
        return Refused(exc)


def _signal(frame: Frame, allowed: tuple[str, ...]) -> SendSignal:
    signal: Signal | Refused = _refusable(lambda: read_signal(frame, allowed))
    return SendSignal(text(frame, "conversationId"), text(frame, "sessionId"), signal)


def _camera_request(frame: Frame) -> CameraRequest | Refused:
    def read() -> CameraRequest:
        action, value = camera_request(frame.get("action"), frame.get("value"))
        return CameraRequest(action, value if isinstance(value, bool | str) else None)

    checked: CameraRequest | Refused = _refusable(read)
    return checked


def _mark(frame: Frame) -> Mark | Refused:
    checked: Mark | Refused = _refusable(lambda: parse_mark(frame.get("mark")))
    return checked


def _last_seq(frame: Frame) -> int:
    last_seq = frame.get("lastSeq")
    return last_seq if isinstance(last_seq, int) and last_seq >= 0 else 0


def _seq(frame: Frame, name: str) -> int | None:
    """A message's seq: a whole number (not a bool), or None."""
    value = frame.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _video_status(frame: Frame) -> ReportVideoStatus:
    quality: QualitySample | Refused = _refusable(lambda: parse_quality(frame.get("quality")))
    return ReportVideoStatus(
        text(frame, "conversationId"),
        text(frame, "sessionId"),
        text(frame, "state"),
        text(frame, "path"),
        cause=text(frame, "cause"),
        quality=quality,
        failure=failure_code(frame.get("reason") or "ice_failed"),
    )


def _presence(frame: Frame) -> SetPresence:
    status = frame.get("status")
    return SetPresence(PRESENCES.get(status) if isinstance(status, str) else None)


GUEST_FRAMES: dict[str, Callable[[Frame], GuestCommand]] = {
    "ping": lambda f: Ping(),
    "start": lambda f: StartChat(text(f, "displayName"), _refusable(lambda: read_details(f))),
    "resume": lambda f: ResumeChat(text(f, "token"), _last_seq(f)),
    "message": lambda f: PostMessage(text(f, "clientId"), text(f, "text")),
    "typing": lambda f: SetTyping(f.get("active") is True),
    "seen": lambda f: MarkSeen(_seq(f, "upTo")),
    "end": lambda f: EndChat(),
    "videoStart": lambda f: StartVideo(text(f, "sessionId"), bool(f.get("sessionId")), known_device(text(f, "device"))),
    "videoDecline": lambda f: DeclineVideo(text(f, "sessionId"), text(f, "reason")),
    "videoSignal": lambda f: _signal(f, CUSTOMER_SIGNALS),
    "videoStop": lambda f: StopVideo(text(f, "reason")),
    "videoCameraResult": lambda f: ReportCameraResult(
        text(f, "sessionId"), _camera_request(f), f.get("ok") is True, text(f, "reason")
    ),
    "videoPhotoFailed": lambda f: ReportPhotoFailed(text(f, "requestId"), text(f, "reason")),
    "videoRetry": lambda f: RetryVideo(text(f, "sessionId"), text(f, "how"), text(f, "reason")),
    "videoMarksClear": lambda f: ClearMarks(None),
    "videoPhotoMode": lambda f: UsePhotos(None, on=f.get("on") is True),
}

AGENT_FRAMES: dict[str, Callable[[Frame], AgentCommand]] = {
    "ping": lambda f: Ping(),
    "presence": _presence,
    "accept": lambda f: AcceptOffer(text(f, "conversationId")),
    "decline": lambda f: DeclineOffer(text(f, "conversationId")),
    "message": lambda f: PostMessage(text(f, "clientId"), text(f, "text"), text(f, "conversationId")),
    "typing": lambda f: SetTyping(f.get("active") is True, text(f, "conversationId")),
    "seen": lambda f: MarkSeen(_seq(f, "upTo"), text(f, "conversationId")),
    "end": lambda f: EndChat(text(f, "conversationId")),
    "videoRequest": lambda f: RequestVideo(text(f, "conversationId")),
    "suggestPhone": lambda f: SuggestPhone(text(f, "conversationId")),
    "videoSignal": lambda f: _signal(f, AGENT_SIGNALS),
    "videoStatus": _video_status,
    "videoCamera": lambda f: AdjustCamera(text(f, "conversationId"), _camera_request(f)),
    "videoPreference": lambda f: PreferVideo(text(f, "conversationId"), text(f, "preference")),
    "videoPhoto": lambda f: RequestPhoto(text(f, "conversationId")),
    "videoMark": lambda f: DrawMark(text(f, "conversationId"), _mark(f)),
    "videoMarksClear": lambda f: ClearMarks(text(f, "conversationId")),
    "videoHold": lambda f: HoldVideo(text(f, "conversationId"), held=True),
    "videoResume": lambda f: HoldVideo(text(f, "conversationId"), held=False),
    "videoPhotoMode": lambda f: UsePhotos(text(f, "conversationId"), on=f.get("on") is True),
    "videoEnd": lambda f: EndVideo(text(f, "conversationId")),
    "monitorSignal": lambda f: SendMonitorSignal(
        text(f, "conversationId"), text(f, "monitorId"), _refusable(lambda: read_signal(f, RELAY_SIGNALS))
    ),
    "monitorClosed": lambda f: CloseRelay(text(f, "conversationId"), text(f, "monitorId")),
}


def watcher_signal(frame: Frame) -> Signal:
    """A supervisor's answer or candidate for the relay of a picture (the watch socket's `monitorSignal`)."""
    return read_signal(frame, WATCHER_SIGNALS)


def unknown_type(kind: str) -> ShowDeskError:
    return ShowDeskError(f"unknown frame type '{kind}'", code="unknown_type")


def guest_command(frame: Frame) -> GuestCommand | None:
    """The customer's command, or None for a type the guest socket does not know."""
    read = GUEST_FRAMES.get(frame["type"])
    return read(frame) if read is not None else None


def agent_command(frame: Frame) -> AgentCommand:
    """The agent's command; `unknown_type` for a type the agent socket does not know."""
    read = AGENT_FRAMES.get(frame["type"])
    if read is None:
        raise unknown_type(frame["type"])
    return read(frame)

"""Video sessions: one escalation of a chat to live video, from the request to its end.

A session follows requested -> connecting -> live <-> held -> ended, or fails on the way. It keeps
what a supervisor or an auditor asks afterwards: who asked, when the customer consented, how long it
ran, how it ended and why, and whether media went direct or through a relay. No media is stored.

In one-way mode the agent sends nothing: `refuse_agent_answer` turns an agent SDP answer that
would send media into an error, whatever the desktop did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from showdesk.domain.errors import Conflict, InvalidInput, ShowDeskError
from showdesk.domain.quality import DEFAULT_PREFERENCE, PREFERENCES
from showdesk.domain.timestamps import wire_time

LIVE_VIDEO_FEATURE = "live-video"


class VideoState(StrEnum):
    REQUESTED = "requested"
    CONNECTING = "connecting"
    LIVE = "live"
    HELD = "held"
    ENDED = "ended"
    FAILED = "failed"


OPEN_STATES = frozenset({VideoState.REQUESTED, VideoState.CONNECTING, VideoState.LIVE, VideoState.HELD})
# Consented and not over: the states in which the browsers may hold ICE servers and relay credentials.
ACTIVE_STATES = frozenset({VideoState.CONNECTING, VideoState.LIVE, VideoState.HELD})

# How the customer's side tries again when the network fights back.
RELAY = "relay"  # the first attempt never connected: once more, through the TURN relay only
RESTART = "restart"  # the connection dropped (a network change): ICE restart on the same connection
RETRY_KINDS = (RELAY, RESTART)
MAX_ICE_RESTARTS = 3

# What the agent desktop can see go wrong with a connected picture, in words for both sides.
PICTURE_PROBLEMS: dict[str, str] = {
    "no_frames": "The video is connected, but no picture reaches the agent: a network in between may drop it.",
    "not_decoding": "Video data reaches the agent, but it cannot be shown: the picture cannot be decoded.",
    "black_frames": "The agent sees only a black picture: the camera may be covered or pointed at something dark.",
    "frozen": "The picture froze: no new frames have reached the agent for a few seconds.",
}

_ALLOWED: dict[VideoState, frozenset[VideoState]] = {
    VideoState.REQUESTED: frozenset({VideoState.CONNECTING, VideoState.ENDED, VideoState.FAILED}),
    VideoState.CONNECTING: frozenset({VideoState.LIVE, VideoState.ENDED, VideoState.FAILED}),
    VideoState.LIVE: frozenset({VideoState.HELD, VideoState.ENDED, VideoState.FAILED}),
    VideoState.HELD: frozenset({VideoState.LIVE, VideoState.ENDED, VideoState.FAILED}),
    VideoState.ENDED: frozenset(),
    VideoState.FAILED: frozenset(),
}


class VideoUnavailable(ShowDeskError):
    """Video cannot start here: licence, capacity, or the interaction is not video-capable."""

    code = "video_unavailable"


@dataclass
class VideoSession:
    id: str
    conversation_id: str
    organization_id: str
    mode: str  # one-way | two-way
    audio_source: str  # none | microphone
    video_source: str  # camera
    requested_by: str  # "customer" or the agent's user id
    requested_at: datetime
    agent_id: str | None = None
    state: str = VideoState.REQUESTED.value
    consent_at: datetime | None = None
    consent_by: str | None = None  # the customer's display name when they consented
    started_at: datetime | None = None  # first time live
    ended_at: datetime | None = None
    ended_by: str | None = None  # customer | agent | system
    outcome: str | None = None  # completed | declined | failed | cancelled
    failure_reason: str | None = None
    path: str | None = None  # direct | relay, as the agent desktop saw the selected ICE pair
    relay_retries: int = 0  # times the customer's side started again through the relay only (at most 1)
    ice_restarts: int = 0  # ICE restarts after the network changed under a connected session
    problems: list[str] = field(default_factory=list)  # picture problems the agent desktop saw, first seen first
    quality: dict[str, Any] | None = None  # QualitySummary.to_wire(), stored when the session ends
    preference: str = (
        DEFAULT_PREFERENCE  # detail: keep the resolution | smooth: keep the frame rate (the agent's toggle)
    )
    device: str | None = None  # phone | tablet | computer: the kind of browser that sends the video
    photo_mode: bool = False  # sharp stills instead of live frames (domain.photo_mode)
    stills: int = 0  # stills received in photo mode

    def use_photos(self, on: bool) -> bool:
        """Photo mode on or off while the video is live or on hold; True when that changed anything."""
        if VideoState(self.state) not in (VideoState.LIVE, VideoState.HELD):
            raise Conflict("photos can replace the video once it is live", code="video_state")
        changed = self.photo_mode != on
        self.photo_mode = on
        return changed

    def expect_still(self) -> None:
        """Conflict unless a still may come now: in photo mode, while the video is live (not on hold)."""
        if self.state != VideoState.LIVE.value or not self.photo_mode:
            raise Conflict("stills are taken only in photo mode, while the video is live", code="not_photo_mode")

    def take_still(self) -> int:
        """The next still's number (see expect_still)."""
        self.expect_still()
        self.stills += 1
        return self.stills

    @property
    def is_open(self) -> bool:
        return VideoState(self.state) in OPEN_STATES

    @property
    def is_active(self) -> bool:
        """Consented and not over: ICE servers (and relay credentials) may be handed out."""
        return VideoState(self.state) in ACTIVE_STATES

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return round((self.ended_at - self.started_at).total_seconds(), 3)

    def move_to(self, target: VideoState) -> None:
        current = VideoState(self.state)
        if target not in _ALLOWED[current]:
            raise Conflict(f"the video session is {current.value} and cannot become {target.value}", code="video_state")
        self.state = target.value

    def consent(self, who: str, at: datetime, device: str | None = None) -> None:
        self.move_to(VideoState.CONNECTING)
        self.consent_at = at
        self.consent_by = who
        self.device = device

    def went_live(self, at: datetime) -> None:
        """First frame seen, or resumed from hold; the start time is the first of these."""
        self.move_to(VideoState.LIVE)
        if self.started_at is None:
            self.started_at = at

    def retry(self, how: str) -> None:
        """The customer's side tries again: through the relay once while connecting, or an ICE restart
        (a few per session) once it has been live."""
        state = VideoState(self.state)
        if how == RELAY:
            if state != VideoState.CONNECTING:
                raise Conflict("a relay retry is only for video that has not connected yet", code="video_state")
            if self.relay_retries >= 1:
                raise Conflict("the relay was already tried for this video", code="relay_already_tried")
            self.relay_retries += 1
        elif how == RESTART:
            if state not in (VideoState.LIVE, VideoState.HELD):
                raise Conflict("an ICE restart is only for video that is live or on hold", code="video_state")
            if self.ice_restarts >= MAX_ICE_RESTARTS:
                raise Conflict(
                    f"the connection was already restarted {MAX_ICE_RESTARTS} times", code="too_many_restarts"
                )
            self.ice_restarts += 1
        else:
            raise InvalidInput(f"how must be one of {', '.join(RETRY_KINDS)}", code="invalid_retry")

    def prefer(self, preference: str) -> None:
        """The agent's detail/smooth toggle, while the video is being set up or shown."""
        if preference not in PREFERENCES:
            raise InvalidInput(f"preference must be one of {', '.join(PREFERENCES)}", code="invalid_preference")
        if not self.is_active:
            raise Conflict("there is no video on to adjust", code="video_state")
        self.preference = preference

    def note_problem(self, cause: str) -> bool:
        """Records a picture problem; True when this session had not seen that one before."""
        if cause not in PICTURE_PROBLEMS:
            raise InvalidInput(f"cause must be one of {', '.join(PICTURE_PROBLEMS)}", code="invalid_video_status")
        if cause in self.problems:
            return False
        self.problems = [*self.problems, cause]
        return True

    def finish(self, by: str, at: datetime, outcome: str, reason: str | None = None) -> None:
        failed = outcome == "failed"
        self.move_to(VideoState.FAILED if failed else VideoState.ENDED)
        self.ended_at = at
        self.ended_by = by
        self.outcome = outcome
        self.failure_reason = reason

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "conversationId": self.conversation_id,
            "mode": self.mode,
            "audioSource": self.audio_source,
            "videoSource": self.video_source,
            "state": self.state,
            "requestedBy": self.requested_by,
            "requestedAt": wire_time(self.requested_at),
            "consentAt": wire_time(self.consent_at),
            "consentBy": self.consent_by,
            "startedAt": wire_time(self.started_at),
            "endedAt": wire_time(self.ended_at),
            "endedBy": self.ended_by,
            "durationSeconds": self.duration_seconds,
            "outcome": self.outcome,
            "failureReason": self.failure_reason,
            "path": self.path,
            "relayRetries": self.relay_retries,
            "iceRestarts": self.ice_restarts,
            "problems": list(self.problems),
            "quality": self.quality,
            "preference": self.preference,
            "device": self.device,
            "photoMode": self.photo_mode,
            "stills": self.stills,
        }


def video_settings(flow_video: dict[str, Any] | None) -> dict[str, str]:
    """The Start Video block's settings for an interaction, or an error when it is not video-capable."""
    if not flow_video:
        raise VideoUnavailable(
            "this chat did not come through a Start Video block, so video cannot start here",
            code="video_not_allowed",
        )
    return {
        "mode": str(flow_video.get("mode", "one-way")),
        "audioSource": str(flow_video.get("audioSource", "none")),
        "videoSource": str(flow_video.get("videoSource", "camera")),
    }


def refuse_video(has_licence: bool, open_sessions: int, limit: int) -> VideoUnavailable | None:
    """Licence first, then the organization's concurrent video limit."""
    if not has_licence:
        return VideoUnavailable(
            "live video is not part of this organization's licence (feature 'live-video' is off)",
            code="video_not_allowed",
        )
    if open_sessions >= limit:
        return VideoUnavailable(
            f"all {limit} concurrent video sessions of this organization are in use; try again shortly",
            code="video_capacity",
        )
    return None


def _media_sections(sdp: str) -> list[list[str]]:
    sections: list[list[str]] = []
    for raw in sdp.splitlines():
        line = raw.strip()
        if line.startswith("m="):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
    return sections


def refuse_agent_answer(sdp: object, mode: str) -> ShowDeskError | None:
    """In one-way mode every media section of the agent's answer must be recvonly or inactive."""
    if not isinstance(sdp, str) or "v=0" not in sdp:
        return InvalidInput("the answer must be an SDP string", code="invalid_sdp")
    if mode != "one-way":
        return None
    kind = _sending_kind(sdp)
    if kind is not None:
        return ShowDeskError(
            f"this is a one-way video session: the agent's answer may not send {kind} "
            "(every media section must be recvonly)",
            code="one_way_violation",
        )
    return None


def refuse_watcher_answer(sdp: str) -> ShowDeskError | None:
    """A supervisor who sees the relayed picture sends nothing back: every media section recvonly or inactive."""
    kind = _sending_kind(sdp)
    if kind is not None:
        return ShowDeskError(
            f"a supervisor only receives the picture: the answer may not send {kind} "
            "(every media section must be recvonly)",
            code="one_way_violation",
        )
    return None


def _sending_kind(sdp: str) -> str | None:
    """The kind (video, audio, ...) of the first media section that would send, or None."""
    for section in _media_sections(sdp):
        port = section[0].split()[1] if len(section[0].split()) > 1 else "0"
        if port == "0":
            continue  # rejected section: sends nothing
        directions = {line[2:] for line in section if line in ("a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive")}
        if not directions & {"recvonly", "inactive"} or directions & {"sendrecv", "sendonly"}:
            return section[0][2:].split()[0]
    return None


# Camera control on request: the agent asks, the customer's device does what it can, both read it.


def camera_request(action: object, value: object) -> tuple[str, object]:
    """A checked request: switch (to the other camera), torch (True/False) or zoom ('in'/'out')."""
    if action == "switch":
        return "switch", None
    if action == "torch" and isinstance(value, bool):
        return "torch", value
    if action == "zoom" and value in ("in", "out"):
        return "zoom", value
    raise InvalidInput(
        "camera requests are switch, torch with value true or false, or zoom with value in or out",
        code="invalid_camera_request",
    )


def camera_request_text(who: str, action: str, value: object) -> str:
    if action == "switch":
        return f"{who} asked to switch to the other camera."
    if action == "torch":
        return f"{who} asked to turn the torch {'on' if value else 'off'}."
    return f"{who} asked to zoom {value}."


# Why a device could not do what was asked: codes from the customer's side, worded here (a customer's
# own text never becomes a system line).
CAMERA_REFUSALS = {
    "no_camera": "no camera is on",
    "no_torch": "this camera has no torch",
    "no_zoom": "this camera cannot zoom",
    "zoom_limit": "the zoom is already as far as it goes",
    "one_camera": "this device has only one camera",
    "camera_unavailable": "the other camera could not be opened",
    "failed": "the camera refused the change",
}


def camera_result_text(action: str, value: object, ok: bool, reason: object) -> str:
    if ok:
        done = {"switch": "switched to the other camera", "torch": f"turned the torch {'on' if value else 'off'}"}
        return f"The customer's device {done.get(action, f'zoomed {value}')}."
    wanted = {"switch": "switch cameras", "torch": "use a torch"}.get(action, "zoom")
    why = (
        CAMERA_REFUSALS.get(reason, CAMERA_REFUSALS["failed"]) if isinstance(reason, str) else CAMERA_REFUSALS["failed"]
    )
    return f"The customer's device cannot {wanted}: {why}."

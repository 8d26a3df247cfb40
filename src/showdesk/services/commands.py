"""What a socket asks of the services: one typed command per frame type, read once at the edge
(`transport/frames.py`).

A field is what the frame said when it is of the right kind, and None when it is missing or of another kind:
the service's own checks then refuse it as they refuse a missing one ("conversationId names no chat of
yours", "message text must be a string"). A nested object that cannot be read (a signal, a camera request, a
quality sample) is kept as `Refused`, and its refusal is raised only when the service comes to it: the checks
that come first (permission, the chat, the video session) keep answering first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from showdesk.domain.customer_info import CustomerDetails
from showdesk.domain.errors import InvalidInput
from showdesk.domain.marks import Mark
from showdesk.domain.quality import QualitySample
from showdesk.domain.routing import Presence
from showdesk.services.video_signals import Signal

T = TypeVar("T")


@dataclass(frozen=True)
class Refused:
    """A field that could not be read, and the refusal its reader raises."""

    error: InvalidInput


def accepted(value: T | Refused) -> T:
    """The field's value, or its refusal raised now."""
    if isinstance(value, Refused):
        raise value.error
    return value


@dataclass(frozen=True)
class CameraRequest:
    """Switch (to the other camera), torch (on/off) or zoom (in/out): `domain.video.camera_request`, checked."""

    action: str
    value: bool | str | None


# both sides -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class PostMessage:
    client_id: str | None
    text: str | None
    conversation_id: str | None = None  # the agent's: which of their chats (a customer's socket has one)


@dataclass(frozen=True)
class SetTyping:
    """The sender started (`active`) or stopped typing; relayed to the other side, never stored."""

    active: bool
    conversation_id: str | None = None  # the agent's: which of their chats


@dataclass(frozen=True)
class MarkSeen:
    """The sender's page has shown the other side's messages up to seq `up_to` (None: not a whole number);
    relayed to the other side, never stored."""

    up_to: int | None
    conversation_id: str | None = None  # the agent's: which of their chats


@dataclass(frozen=True)
class EndChat:
    conversation_id: str | None = None  # the agent's


@dataclass(frozen=True)
class SendSignal:
    conversation_id: str | None
    session_id: str | None
    signal: Signal | Refused


@dataclass(frozen=True)
class SendMonitorSignal:
    """The agent's desktop signals its relay of the picture to a supervisor (an offer or a candidate)."""

    conversation_id: str | None
    monitor_id: str | None
    signal: Signal | Refused


@dataclass(frozen=True)
class CloseRelay:
    """The agent's desktop closed a relay of the picture on its own (its connection to the watcher failed)."""

    conversation_id: str | None
    monitor_id: str | None


# the customer's ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StartChat:
    display_name: str | None
    # The site's customer block, attributes, signature and page (None: the frame has none of them)
    customer: CustomerDetails | Refused | None = None


@dataclass(frozen=True)
class ResumeChat:
    token: str | None
    last_seq: int  # 0 (everything) unless the frame says where the page's transcript ends


@dataclass(frozen=True)
class StartVideo:
    session_id: str | None
    answers_request: bool  # the frame names a session: the agent's request is accepted, else video starts unasked
    device: str | None = None  # phone | tablet | computer, as the customer's browser says (anything else: None)


@dataclass(frozen=True)
class DeclineVideo:
    session_id: str | None
    reason: str | None


@dataclass(frozen=True)
class StopVideo:
    reason: str | None


@dataclass(frozen=True)
class ReportCameraResult:
    session_id: str | None
    request: CameraRequest | Refused
    ok: bool
    reason: str | None


@dataclass(frozen=True)
class ReportPhotoFailed:
    request_id: str | None
    reason: str | None


@dataclass(frozen=True)
class RetryVideo:
    session_id: str | None
    how: str | None
    reason: str | None


# the agent's ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SetPresence:
    presence: Presence | None  # None: a status agents cannot choose


@dataclass(frozen=True)
class AcceptOffer:
    conversation_id: str | None


@dataclass(frozen=True)
class DeclineOffer:
    conversation_id: str | None


@dataclass(frozen=True)
class RequestVideo:
    conversation_id: str | None


@dataclass(frozen=True)
class SuggestPhone:
    """The agent suggests the customer show things with their phone's camera (a hand-off)."""

    conversation_id: str | None


@dataclass(frozen=True)
class ReportVideoStatus:
    """What the agent's desktop sees: `live` (with the media path), a picture `problem` (its cause), a
    `quality` sample, or `failed` (the failure, one of FAILURE_TEXT's codes)."""

    conversation_id: str | None
    session_id: str | None
    state: str | None
    path: str | None
    cause: str | None
    quality: QualitySample | Refused
    failure: str


@dataclass(frozen=True)
class AdjustCamera:
    conversation_id: str | None
    request: CameraRequest | Refused


@dataclass(frozen=True)
class PreferVideo:
    conversation_id: str | None
    preference: str | None


@dataclass(frozen=True)
class RequestPhoto:
    conversation_id: str | None


@dataclass(frozen=True)
class DrawMark:
    """The agent draws on the live picture."""

    conversation_id: str | None
    mark: Mark | Refused


@dataclass(frozen=True)
class ClearMarks:
    """Every mark on the live picture goes (the agent's Clear, or the customer's)."""

    conversation_id: str | None


@dataclass(frozen=True)
class UsePhotos:
    """Photo mode on (sharp stills instead of live frames) or off; either side may ask."""

    conversation_id: str | None
    on: bool


@dataclass(frozen=True)
class HoldVideo:
    conversation_id: str | None
    held: bool  # False: resume


@dataclass(frozen=True)
class EndVideo:
    conversation_id: str | None


GuestCommand = (
    Ping
    | StartChat
    | ResumeChat
    | PostMessage
    | SetTyping
    | MarkSeen
    | EndChat
    | StartVideo
    | DeclineVideo
    | SendSignal
    | StopVideo
    | ReportCameraResult
    | ReportPhotoFailed
    | RetryVideo
    | ClearMarks
    | UsePhotos
)
AgentCommand = (
    Ping
    | SetPresence
    | AcceptOffer
    | DeclineOffer
    | PostMessage
    | SetTyping
    | MarkSeen
    | EndChat
    | RequestVideo
    | SuggestPhone
    | SendSignal
    | ReportVideoStatus
    | AdjustCamera
    | PreferVideo
    | DrawMark
    | ClearMarks
    | RequestPhoto
    | HoldVideo
    | UsePhotos
    | EndVideo
    | SendMonitorSignal
    | CloseRelay
)

"""The typed catalogue of events. Only services publish them; sockets forward `frame()` to screens.

Each event names the topic it belongs to: `conversation:<id>` reaches everyone in a conversation,
`agent:<id>` reaches one agent's desktops. Each class is named after its wire type (`videoStarted` is
`VideoStarted`; `Event` is added where the word alone is already a ShowDesk type: `MessageEvent`), and
every concrete one is in CATALOGUE by its wire type as soon as it is defined; docs/protocol.md and the
SDK's webchat.d.ts are checked against it (tests/unit/test_events_documented.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from showdesk.domain.conversation import Message


def conversation_topic(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


def agent_topic(agent_id: str) -> str:
    return f"agent:{agent_id}"


def monitor_topic(monitor_id: str) -> str:
    """One supervisor's relay of one live picture: only the watch socket that asked for it follows it."""
    return f"monitor:{monitor_id}"


DIRECTORY_TOPIC = "directory"
QUALITY_TOPIC = "video.quality"  # every node keeps the latest quality of every live session
CUSTOMERS_TOPIC = "customers.back"  # a customer's socket resumed on some node: others stop waiting for it


CATALOGUE: dict[str, type[Event]] = {}
"""Every concrete event class by its wire type, in the order they are defined."""


@dataclass(frozen=True)
class Event:
    type: ClassVar[str]  # the wire type; only concrete events have one

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        wire_type = cls.__dict__.get("type")
        if wire_type is None:  # a kind of event (ConversationEvent, VideoEvent, ...), never published as such
            return
        if wire_type in CATALOGUE:
            raise TypeError(f"{cls.__name__} and {CATALOGUE[wire_type].__name__} share the wire type {wire_type!r}")
        CATALOGUE[wire_type] = cls

    @property
    def topic(self) -> str:  # pragma: no cover - every event overrides it
        raise NotImplementedError

    def frame(self) -> dict[str, Any]:
        raise NotImplementedError  # pragma: no cover


@dataclass(frozen=True)
class ConversationEvent(Event):
    conversation_id: str

    @property
    def topic(self) -> str:
        return conversation_topic(self.conversation_id)


@dataclass(frozen=True)
class AgentEvent(Event):
    agent_id: str

    @property
    def topic(self) -> str:
        return agent_topic(self.agent_id)


@dataclass(frozen=True)
class MessageEvent(ConversationEvent):
    type: ClassVar[str] = "message"
    message: Message = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "conversationId": self.conversation_id, **self.message.to_wire()}


@dataclass(frozen=True)
class Routing(ConversationEvent):
    type: ClassVar[str] = "routing"
    state: str = field(kw_only=True)
    queue: str | None = field(kw_only=True, default=None)
    position: int | None = field(kw_only=True, default=None)
    text: str = field(kw_only=True, default="")

    def frame(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "state": self.state,
            "queue": self.queue,
            "position": self.position,
            "text": self.text,
        }


@dataclass(frozen=True)
class AgentJoined(ConversationEvent):
    type: ClassVar[str] = "agentJoined"
    agent_name: str = field(kw_only=True)
    video: dict[str, Any] | None = field(kw_only=True, default=None)  # Start Video settings, None: no video

    def frame(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "agentName": self.agent_name,
            "video": self.video,
        }


@dataclass(frozen=True)
class AgentLeft(ConversationEvent):
    type: ClassVar[str] = "agentLeft"
    agent_name: str = field(kw_only=True)
    reason: str = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "agentName": self.agent_name,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ChatEnded(ConversationEvent):
    type: ClassVar[str] = "chatEnded"
    by: str = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "conversationId": self.conversation_id, "by": self.by}


@dataclass(frozen=True)
class CustomerPresence(ConversationEvent):
    """Whether the customer is there: `online` (a page of theirs is connected), `away` (none is, for less
    than the grace), `left` (none came back within it, or they ended the chat)."""

    type: ClassVar[str] = "customerPresence"
    status: str = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "conversationId": self.conversation_id, "status": self.status}


@dataclass(frozen=True)
class HandoffEvent(ConversationEvent):
    """Another device of the customer's (a redeemed hand-off) connected to the chat: the first device says
    "Continue on your phone"; the device itself knows its own `deviceId` and ignores it."""

    type: ClassVar[str] = "handoff"
    state: str = field(kw_only=True)  # opened
    device: str = field(kw_only=True)  # phone | tablet | computer
    device_id: str = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "state": self.state,
            "device": self.device,
            "deviceId": self.device_id,
        }


@dataclass(frozen=True)
class PhoneSuggested(ConversationEvent):
    """The agent suggests the customer use their phone's camera (the widget offers its hand-off)."""

    type: ClassVar[str] = "phoneSuggested"
    text: str = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "conversationId": self.conversation_id, "text": self.text}


@dataclass(frozen=True)
class Typing(ConversationEvent):
    """One side of the chat started or stopped typing: relayed to the other side only, never stored."""

    type: ClassVar[str] = "typing"
    side: str = field(kw_only=True)  # customer | agent: who types
    active: bool = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        other = "agent" if self.side == "customer" else "customer"
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "from": self.side,
            "active": self.active,
            "for": other,
        }


@dataclass(frozen=True)
class Seen(ConversationEvent):
    """One side's page has shown the other side's messages up to seq `up_to`: relayed to the other side only,
    never stored."""

    type: ClassVar[str] = "seen"
    side: str = field(kw_only=True)  # customer | agent: who saw
    up_to: int = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        other = "agent" if self.side == "customer" else "customer"
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "by": self.side,
            "upTo": self.up_to,
            "for": other,
        }


@dataclass(frozen=True)
class OfferEvent(AgentEvent):
    type: ClassVar[str] = "offer"
    conversation_id: str = field(kw_only=True)
    customer_name: str = field(kw_only=True)
    queue: str | None = field(kw_only=True)  # None: the queue was removed since
    expires_at: str = field(kw_only=True)
    messages: tuple[dict[str, Any], ...] = field(kw_only=True, default=())
    customer: str = field(kw_only=True, default="online")  # CustomerPresence's status
    transfer: dict[str, Any] | None = field(kw_only=True, default=None)  # how it came here, with the note

    def frame(self) -> dict[str, Any]:
        frame: dict[str, Any] = {
            "type": self.type,
            "conversationId": self.conversation_id,
            "customerName": self.customer_name,
            "queue": self.queue,
            "expiresAt": self.expires_at,
            "messages": list(self.messages),
            "customer": self.customer,
        }
        if self.transfer is not None:
            frame["transfer"] = self.transfer
        return frame


@dataclass(frozen=True)
class OfferRevoked(AgentEvent):
    type: ClassVar[str] = "offerRevoked"
    conversation_id: str = field(kw_only=True)
    reason: str = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "conversationId": self.conversation_id, "reason": self.reason}


@dataclass(frozen=True)
class Interaction(AgentEvent):
    type: ClassVar[str] = "interaction"
    snapshot: dict[str, Any] = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, **self.snapshot}


@dataclass(frozen=True)
class InteractionEnded(AgentEvent):
    type: ClassVar[str] = "interactionEnded"
    conversation_id: str = field(kw_only=True)
    by: str = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "conversationId": self.conversation_id, "by": self.by}


@dataclass(frozen=True)
class PresenceEvent(AgentEvent):
    type: ClassVar[str] = "presence"
    status: str = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "status": self.status}


@dataclass(frozen=True)
class SignedOut(AgentEvent):
    """An access token was signed out: the sockets opened with it close, on every node."""

    type: ClassVar[str] = "signedOut"
    jti: str = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "jti": self.jti}


@dataclass(frozen=True)
class DirectoryChanged(Event):
    """A user's roles, skills or status, or a role's permissions, changed: every node forgets what it cached."""

    type: ClassVar[str] = "directoryChanged"
    user_id: str | None = None  # None: anything may have changed

    @property
    def topic(self) -> str:
        return DIRECTORY_TOPIC

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "userId": self.user_id}


# What a staff socket hears to ask whether it may stay open (a token signed out, a user or role changed);
# never sent on to the desktop.
ACCESS_EVENTS = frozenset({SignedOut.type, DirectoryChanged.type})


@dataclass(frozen=True)
class VideoEvent(ConversationEvent):
    """A video session changed; both sides get the session as it is now and, when useful, words."""

    session: dict[str, Any] = field(kw_only=True)
    text: str | None = field(kw_only=True, default=None)
    extra: dict[str, Any] = field(kw_only=True, default_factory=dict)

    def frame(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "video": self.session,
            "text": self.text,
            **self.extra,
        }


@dataclass(frozen=True)
class VideoRequested(VideoEvent):
    type: ClassVar[str] = "videoRequested"


@dataclass(frozen=True)
class VideoStarting(VideoEvent):
    type: ClassVar[str] = "videoStarting"


@dataclass(frozen=True)
class VideoStarted(VideoEvent):
    type: ClassVar[str] = "videoStarted"


@dataclass(frozen=True)
class VideoHeld(VideoEvent):
    type: ClassVar[str] = "videoHeld"


@dataclass(frozen=True)
class VideoResumed(VideoEvent):
    type: ClassVar[str] = "videoResumed"


@dataclass(frozen=True)
class VideoEnd(VideoEvent):
    type: ClassVar[str] = "videoEnd"


@dataclass(frozen=True)
class VideoRetrying(VideoEvent):
    """The customer's side tries again (`how`: relay or restart); each side gets fresh ICE servers."""

    type: ClassVar[str] = "videoRetrying"


@dataclass(frozen=True)
class VideoPreference(VideoEvent):
    """The agent switched between detail and smooth; the customer's sender follows."""

    type: ClassVar[str] = "videoPreference"


@dataclass(frozen=True)
class VideoCamera(VideoEvent):
    """The agent asks the customer's device to switch camera, use the torch or zoom (`action`, `value`)."""

    type: ClassVar[str] = "videoCamera"


@dataclass(frozen=True)
class VideoMark(VideoEvent):
    """The agent drew on the live picture (`mark`: domain.marks.Mark, in the picture's own coordinates)."""

    type: ClassVar[str] = "videoMark"


@dataclass(frozen=True)
class VideoMarksCleared(VideoEvent):
    """Every mark on the live picture is gone (`by`: agent or customer)."""

    type: ClassVar[str] = "videoMarksCleared"


@dataclass(frozen=True)
class VideoPhotoRequested(VideoEvent):
    """The agent asks the customer's device for a full-resolution still (`requestId`, signed `request`)."""

    type: ClassVar[str] = "videoPhotoRequested"


@dataclass(frozen=True)
class VideoPhotoFailed(VideoEvent):
    """The customer's device could not take or send the photo asked for (`requestId`, `reason`)."""

    type: ClassVar[str] = "videoPhotoFailed"


@dataclass(frozen=True)
class VideoPhotoMode(VideoEvent):
    """Photo mode `offered` (the picture stayed under the detail goal), turned `on` or `off` (`state`, `by`)."""

    type: ClassVar[str] = "videoPhotoMode"


@dataclass(frozen=True)
class VideoStill(VideoEvent):
    """A still arrived in photo mode (`photo`: its attachment, `number`): the agent shows the latest."""

    type: ClassVar[str] = "videoStill"


@dataclass(frozen=True)
class VideoProblem(VideoEvent):
    """The agent desktop sees a connected session without a usable picture (`cause`)."""

    type: ClassVar[str] = "videoProblem"


@dataclass(frozen=True)
class VideoSignal(ConversationEvent):
    """WebRTC signaling for one side only: `offer`, `answer` or an ICE `candidate`."""

    type: ClassVar[str] = "videoSignal"
    session_id: str = field(kw_only=True)
    to: str = field(kw_only=True)  # customer | agent
    signal: dict[str, Any] = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "sessionId": self.session_id,
            "for": self.to,
            **self.signal,
        }


@dataclass(frozen=True)
class QualitySampled(Event):
    """An agent's desktop measured a live session's quality: every node keeps the latest for supervisors."""

    type: ClassVar[str] = "qualitySampled"
    session_id: str
    quality: dict[str, Any]

    @property
    def topic(self) -> str:
        return QUALITY_TOPIC

    def frame(self) -> dict[str, Any]:
        return {"type": self.type, "sessionId": self.session_id, "quality": self.quality}


@dataclass(frozen=True)
class CustomerBack(Event):
    """A customer's socket resumed their chat on some node: a node that saw their last socket drop stops
    counting down to ending their video, and an older socket of the same guest token, on any node, is
    replaced by this one (closed with 4409)."""

    type: ClassVar[str] = "customerBack"
    conversation_id: str
    socket_id: str = ""  # the socket that resumed
    token_id: str = ""  # the guest token it resumed with (its jti): the same guest, in another tab or socket

    @property
    def topic(self) -> str:
        return CUSTOMERS_TOPIC

    def frame(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "socketId": self.socket_id,
            "tokenId": self.token_id,
        }


# A supervisor sees a live picture, relayed by the agent's desktop (services/video_monitor.py) -------------
@dataclass(frozen=True)
class MonitorRequested(AgentEvent):
    """A supervisor with Video > Monitor asks to see the picture of a chat of this agent's: the desktop that
    shows it forwards it over a peer connection of its own (the agent socket adds ICE servers)."""

    type: ClassVar[str] = "monitorRequested"
    conversation_id: str = field(kw_only=True)
    monitor_id: str = field(kw_only=True)
    session_id: str = field(kw_only=True)
    watcher_name: str = field(kw_only=True)

    def frame(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "monitorId": self.monitor_id,
            "sessionId": self.session_id,
            "watcherName": self.watcher_name,
        }


@dataclass(frozen=True)
class MonitorEnded(AgentEvent):
    """The supervisor stopped seeing the picture (stopped, left, or lost the permission): the relay closes."""

    type: ClassVar[str] = "monitorEnded"
    conversation_id: str = field(kw_only=True)
    monitor_id: str = field(kw_only=True)
    reason: str = field(kw_only=True)  # stopped | left | permission

    def frame(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "monitorId": self.monitor_id,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class MonitorSignal(Event):
    """WebRTC signalling of one relay: the agent's desktop offers (to the watcher's topic), the watcher
    answers (to the agent's topic)."""

    type: ClassVar[str] = "monitorSignal"
    conversation_id: str
    monitor_id: str
    to: str  # watcher | agent
    agent_id: str
    signal: dict[str, Any]

    @property
    def topic(self) -> str:
        return monitor_topic(self.monitor_id) if self.to == "watcher" else agent_topic(self.agent_id)

    def frame(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "monitorId": self.monitor_id,
            "for": self.to,
            **self.signal,
        }


@dataclass(frozen=True)
class MonitorDeclined(Event):
    """The agent's side will not relay the picture to this watcher (`too_many_watchers`), or no longer does
    (`relay_closed`)."""

    type: ClassVar[str] = "monitorDeclined"
    conversation_id: str
    monitor_id: str
    reason: str

    @property
    def topic(self) -> str:
        return monitor_topic(self.monitor_id)

    def frame(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "conversationId": self.conversation_id,
            "monitorId": self.monitor_id,
            "reason": self.reason,
        }

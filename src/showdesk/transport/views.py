"""The REST API's JSON, declared once: request bodies derive from `Body`, answers are `View`s (FastAPI's
response models, so /openapi.json describes every answer and the server keeps to it). A view is made from
the domain object (`UserView.of(user)`); its field names are the wire's (camelCase).

Here are the shapes several areas share (users, messages and their photos, conversations, video sessions,
errors); each area's own are in its module in routes/. A message and a video session look the same in a
REST answer and in a socket frame: `MessageView` and `VideoSessionView` are that shape
(tests/unit/test_views.py holds the domain's frame dicts to them)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from showdesk.domain.conversation import Conversation, Message
from showdesk.domain.directory import User
from showdesk.domain.flow import Problem
from showdesk.domain.history import ConversationSummary
from showdesk.domain.permissions import Permission
from showdesk.domain.timestamps import wire_time
from showdesk.domain.video import VideoSession


class Body(BaseModel):
    """What a request may send: a field the API does not know is refused (400, naming it)."""

    model_config = ConfigDict(extra="forbid")


class View(BaseModel):
    """What an answer holds. Fields named like Python keywords (`from`) carry the wire name as alias."""

    model_config = ConfigDict(extra="forbid", serialize_by_alias=True, validate_by_name=True)


# A moment as every answer writes it (domain.timestamps.wire_time).
Timestamp = Annotated[
    datetime, PlainSerializer(wire_time, return_type=str), WithJsonSchema({"type": "string", "format": "date-time"})
]


def omitted_when_none(value: object) -> bool:
    return value is None


class ProblemView(View):
    """What is wrong with a flow (domain.flow.Problem)."""

    severity: str = Field(description="error or warning")
    block: str = Field(description="the block's name, or flow for the whole document")
    message: str

    @classmethod
    def of(cls, problem: Problem) -> ProblemView:
        return cls(severity=problem.severity, block=problem.block, message=problem.message)


class ErrorView(View):
    """Every refusal: a 4xx with a code to branch on and a sentence a person can act on."""

    code: str
    message: str
    retryAfterMs: int | None = Field(default=None, exclude_if=omitted_when_none, description="429: when to retry")
    problems: list[ProblemView] | None = Field(
        default=None, exclude_if=omitted_when_none, description="a flow refused: every problem, naming its block"
    )


class UserView(View):
    id: str
    organizationId: str
    email: str
    name: str
    roles: list[str]
    skills: list[str]
    videoEnabled: bool
    defaultCamera: str
    defaultMicrophone: str
    chatCapacity: int
    active: bool
    demo: bool = Field(description="a demo data account (CONTRACT §2): its documented password is short")

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(
            id=user.id,
            organizationId=user.organization_id,
            email=user.email,
            name=user.name,
            roles=user.roles,
            skills=user.skills,
            videoEnabled=user.video_enabled,
            defaultCamera=user.default_camera,
            defaultMicrophone=user.default_microphone,
            chatCapacity=user.chat_capacity,
            active=user.active,
            demo=user.demo,
        )


class SignedInUserView(UserView):
    """The signed-in user, with every permission their roles grant."""

    permissions: list[str]

    @classmethod
    def signed_in(cls, user: User, permissions: frozenset[Permission]) -> SignedInUserView:
        return cls(**dict(UserView.of(user)), permissions=sorted(p.value for p in permissions))


class PhotoAttachmentView(View):
    """A photo as its message carries it (domain.photos.Photo.attachment)."""

    id: str
    kind: str = Field(description="capture (the customer's) or annotation (the agent's marked-up copy)")
    contentType: str
    width: int
    height: int
    size: int
    url: str
    annotates: str | None = Field(default=None, exclude_if=omitted_when_none, description="the photo marked up")


class NoticeView(View):
    """What a system line says, as a code (domain.notices.NOTICE_CODES) and its parameters."""

    code: str
    params: dict[str, str | bool | None] = Field(
        description='names and codes the line is worded from, e.g. {"name": "Sam"} for agent_joined'
    )


class MessageView(View):
    id: str
    seq: int
    from_: str = Field(alias="from", description="customer, agent or system")
    text: str
    at: Timestamp
    displayName: str
    clientId: str
    photo: PhotoAttachmentView | None = Field(default=None, exclude_if=omitted_when_none)
    notice: NoticeView | None = Field(
        default=None,
        exclude_if=omitted_when_none,
        description="system lines: the code and parameters the customer's widget words the line from, in the "
        "customer's language (text stays the English sentence)",
    )

    @classmethod
    def of(cls, message: Message) -> MessageView:
        photo = PhotoAttachmentView.model_validate(message.attachment) if message.attachment is not None else None
        return cls(
            id=message.id,
            seq=message.seq,
            from_=message.sender,
            text=message.text,
            at=message.created_at,
            displayName=message.display_name,
            clientId=message.client_id,
            photo=photo,
            notice=NoticeView.model_validate(message.notice) if message.notice is not None else None,
        )


class QualitySummaryView(View):
    """Every quality sample of a session folded into one (domain.quality.QualitySummary), kept when it ends."""

    samples: int
    fpsAverage: float
    fpsMin: float | None
    kbpsAverage: float
    kbpsMin: float | None
    lossMaxPercent: float
    rttAverageMs: float | None
    relayShare: float
    resolution: str = Field(description="the one most seen, WxH")
    resolutions: dict[str, int] = Field(description="WxH: samples")


class VideoSessionView(View):
    id: str
    conversationId: str
    mode: str
    audioSource: str
    videoSource: str
    state: str
    requestedBy: str = Field(description="customer, or the agent's user id")
    requestedAt: Timestamp
    consentAt: Timestamp | None
    consentBy: str | None
    startedAt: Timestamp | None
    endedAt: Timestamp | None
    endedBy: str | None
    durationSeconds: float | None
    outcome: str | None
    failureReason: str | None
    path: str | None = Field(description="direct or relay, as the agent's desktop saw it")
    relayRetries: int
    iceRestarts: int
    problems: list[str]
    quality: QualitySummaryView | None
    preference: str
    device: str | None = Field(description="phone, tablet or computer: the kind of browser sending the video")
    photoMode: bool = Field(description="sharp stills every few seconds instead of live frames (a slow uplink)")
    stills: int = Field(description="stills received in photo mode")

    @classmethod
    def of(cls, session: VideoSession) -> VideoSessionView:
        s = session
        quality = QualitySummaryView.model_validate(s.quality) if s.quality is not None else None
        return cls(
            id=s.id,
            conversationId=s.conversation_id,
            mode=s.mode,
            audioSource=s.audio_source,
            videoSource=s.video_source,
            state=s.state,
            requestedBy=s.requested_by,
            requestedAt=s.requested_at,
            consentAt=s.consent_at,
            consentBy=s.consent_by,
            startedAt=s.started_at,
            endedAt=s.ended_at,
            endedBy=s.ended_by,
            durationSeconds=s.duration_seconds,
            outcome=s.outcome,
            failureReason=s.failure_reason,
            path=s.path,
            relayRetries=s.relay_retries,
            iceRestarts=s.ice_restarts,
            problems=list(s.problems),
            quality=quality,
            preference=s.preference,
            device=s.device,
            photoMode=s.photo_mode,
            stills=s.stills,
        )


class RoutingStateView(View):
    state: str = Field(description="as routing holds it now (queued, offered, connected, ...)")
    queueId: str | None
    agentId: str | None


class ConversationSummaryView(View):
    """One conversation in a search's answer (GET /api/v2/conversations/{id} has the whole record)."""

    id: str
    customerName: str
    state: str = Field(description="queued, offered, connected, ended or abandoned")
    queueId: str | None
    agentId: str | None
    createdAt: Timestamp
    connectedAt: Timestamp | None
    endedAt: Timestamp | None
    endedBy: str | None
    messages: int = Field(description="how many messages its transcript holds")
    hasVideo: bool = Field(description="a video was asked for or started in it")
    hasPhoto: bool = Field(description="a photo or a still is stored with it")
    wrapupCode: str | None = Field(default=None, description="the id of the wrap-up code it was closed with")
    wrapupName: str | None = Field(default=None, description="that code's name when it was chosen")
    transfers: int = Field(default=0, description="how many times it was passed on")

    @classmethod
    def of(cls, found: ConversationSummary) -> ConversationSummaryView:
        conv = found.conversation
        return cls(
            id=conv.id,
            customerName=conv.customer_name,
            state=conv.state,
            queueId=conv.queue_id,
            agentId=conv.agent_id,
            createdAt=conv.created_at,
            connectedAt=conv.connected_at,
            endedAt=conv.ended_at,
            endedBy=conv.ended_by,
            messages=conv.last_seq,
            wrapupCode=conv.wrapup_code_id,
            wrapupName=conv.wrapup_name,
            transfers=len(conv.transfers or []),
            hasVideo=found.has_video,
            hasPhoto=found.has_photo,
        )


class ConversationPageView(View):
    entities: list[ConversationSummaryView]
    nextCursor: str | None = Field(description="ask again with `cursor` set to it for the next page; null: no more")


class WrapupView(View):
    code: str | None = Field(description="the wrap-up code's id; null: closed without a code")
    name: str | None = Field(description="the code's name when it was chosen")
    note: str | None
    at: Timestamp

    @classmethod
    def of(cls, conv: Conversation) -> WrapupView | None:
        if conv.wrapped_up_at is None:
            return None
        return cls(code=conv.wrapup_code_id, name=conv.wrapup_name, note=conv.wrapup_note, at=conv.wrapped_up_at)


class TransferView(View):
    fromAgentId: str
    fromAgentName: str
    queueId: str
    queueName: str
    toAgentId: str | None
    toAgentName: str | None
    note: str | None = Field(description="the agent's note for whoever takes the chat next")
    at: str


class ConversationView(View):
    id: str
    organizationId: str
    deploymentId: str
    customerName: str
    state: str
    routing: RoutingStateView
    video: dict[str, Any] | None = Field(description="the Start Video block's settings; null: not video-capable")
    createdAt: Timestamp
    connectedAt: Timestamp | None
    endedAt: Timestamp | None
    endedBy: str | None
    endReason: str | None
    lastSeq: int
    videoSessions: list[VideoSessionView]
    wrapup: WrapupView | None = Field(description="how its agent closed it after it ended; null: not wrapped up")
    transfers: list[TransferView] = Field(description="each time it was passed on, oldest first")

    @classmethod
    def of(cls, conv: Conversation, routing_state: str | None, sessions: list[VideoSession]) -> ConversationView:
        return cls(
            id=conv.id,
            organizationId=conv.organization_id,
            deploymentId=conv.deployment_id,
            customerName=conv.customer_name,
            state=conv.state,
            routing=RoutingStateView(state=routing_state or conv.state, queueId=conv.queue_id, agentId=conv.agent_id),
            video=conv.video,
            createdAt=conv.created_at,
            connectedAt=conv.connected_at,
            endedAt=conv.ended_at,
            endedBy=conv.ended_by,
            endReason=conv.end_reason,
            lastSeq=conv.last_seq,
            videoSessions=[VideoSessionView.of(s) for s in sessions],
            wrapup=WrapupView.of(conv),
            transfers=[TransferView(**record) for record in conv.transfers or []],
        )

"""The ports the services need. Adapters implement them: SQL and memory stores, memory and Redis buses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from showdesk.domain.api_clients import ApiClient
from showdesk.domain.audit import AuditEntry
from showdesk.domain.canned_responses import CannedResponse
from showdesk.domain.conversation import Conversation, Message, NewMessage
from showdesk.domain.deployments import Deployment
from showdesk.domain.directory import Organization, Role, User
from showdesk.domain.flow import Flow, FlowVersion
from showdesk.domain.handoff import Handoff
from showdesk.domain.history import ConversationQuery, ConversationSummary
from showdesk.domain.photos import Photo
from showdesk.domain.queues import Queue, Skill
from showdesk.domain.rate_limit import Rule
from showdesk.domain.retention import PurgeCounts
from showdesk.domain.turn_servers import TurnServer
from showdesk.domain.video import VideoSession
from showdesk.domain.wrapup import WrapupCode


class ConversationStore(Protocol):
    """Chats and their messages."""

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        """With its `last_seq` as stored now."""
        ...

    async def list_open_conversations(self) -> list[Conversation]:
        """Every conversation not ended or abandoned, the longest waiting (`enqueued_at`) first."""
        ...

    async def list_agent_conversations(self, agent_id: str) -> list[Conversation]:
        """The agent's connected conversations, oldest first."""
        ...

    async def save_conversation(self, conversation: Conversation) -> None:
        """Insert or update; never moves `last_seq` (only append_message does)."""
        ...

    async def append_message(self, new: NewMessage) -> tuple[Message, bool]:
        """Store a message with the next sequence number, in one transaction, and return it.

        A `client_id` the same sender already stored in the conversation returns the stored message
        and False. Customer and agent messages are refused (`chat_ended`) once the conversation has
        ended, and an agent's message unless they are the conversation's agent (`not_your_conversation`);
        the check and the write are one transaction.
        """
        ...

    async def list_messages(self, conversation_id: str, after_seq: int = 0, limit: int | None = None) -> list[Message]:
        """Messages with seq > after_seq, in order; with `limit`, the latest `limit` of them."""
        ...

    async def search_conversations(self, query: ConversationQuery) -> list[ConversationSummary]:
        """The organization's conversations that match, newest first (`created_at`, then `id`, both descending),
        after `query.after`, at most `query.limit` (domain/history.py says how words match)."""
        ...

    async def list_unwrapped_conversations(self, agent_id: str, since: datetime) -> list[Conversation]:
        """The agent's chats that ended at or after `since` and are not wrapped up, oldest first."""
        ...

    async def count_wrapups(self, org_id: str, since: datetime) -> dict[str, int]:
        """The organization's chats wrapped up at or after `since`, counted by the wrap-up's name ("" for a
        wrap-up without a code)."""
        ...


class DirectoryStore(Protocol):
    """Organizations, their users (and each user's token version), roles, skills and queues."""

    async def get_organization(self, org_id: str) -> Organization | None: ...
    async def save_organization(self, org: Organization) -> None: ...
    async def list_organizations(self) -> list[Organization]:
        """By id."""
        ...

    async def get_user(self, user_id: str) -> User | None: ...
    async def get_user_by_email(self, email: str) -> User | None: ...
    async def list_users(self, org_id: str) -> list[User]:
        """By email."""
        ...

    async def save_user(self, user: User) -> None:
        """Insert or update (`Conflict` when another user has the email); an update never changes
        `token_version` (only bump_token_version does)."""
        ...

    async def bump_token_version(self, user_id: str) -> None:
        """Move the user's token version on by one, in one statement (ends every token they hold)."""
        ...

    # Roles, skills and queues: listed by name; a name taken in the organization is a `Conflict`.
    async def get_role(self, role_id: str) -> Role | None: ...
    async def list_roles(self, org_id: str) -> list[Role]: ...
    async def save_role(self, role: Role) -> None: ...
    async def delete_role(self, role_id: str) -> None: ...

    async def get_skill(self, skill_id: str) -> Skill | None: ...
    async def list_skills(self, org_id: str) -> list[Skill]: ...
    async def save_skill(self, skill: Skill) -> None: ...
    async def delete_skill(self, skill_id: str) -> None: ...

    async def get_queue(self, queue_id: str) -> Queue | None: ...
    async def list_queues(self, org_id: str) -> list[Queue]: ...
    async def save_queue(self, queue: Queue) -> None: ...
    async def delete_queue(self, queue_id: str) -> None: ...

    async def get_wrapup_code(self, code_id: str) -> WrapupCode | None: ...
    async def list_wrapup_codes(self, org_id: str) -> list[WrapupCode]: ...
    async def save_wrapup_code(self, code: WrapupCode) -> None: ...
    async def delete_wrapup_code(self, code_id: str) -> None: ...


class ConfigurationStore(Protocol):
    """What an organization configures: web-chat deployments, flows and their versions, API clients and
    TURN servers (their secrets given back as they were set); and the installation's id. Listed by name;
    a flow's, API client's or TURN server's name taken in the organization is a `Conflict`."""

    async def installation_id(self) -> str: ...  # shared by every node on this database

    async def get_deployment(self, deployment_id: str) -> Deployment | None: ...
    async def list_deployments(self, org_id: str) -> list[Deployment]: ...
    async def save_deployment(self, deployment: Deployment) -> None: ...
    async def delete_deployment(self, deployment_id: str) -> None: ...

    async def get_flow(self, flow_id: str) -> Flow | None: ...
    async def list_flows(self, org_id: str) -> list[Flow]: ...
    async def save_flow(self, flow: Flow) -> None: ...
    async def delete_flow(self, flow_id: str) -> None:
        """The flow and all its versions."""
        ...

    async def save_flow_version(self, version: FlowVersion) -> None: ...
    async def list_flow_versions(self, flow_id: str) -> list[FlowVersion]:
        """Oldest first."""
        ...

    async def get_api_client(self, client_id: str) -> ApiClient | None: ...
    async def list_api_clients(self, org_id: str) -> list[ApiClient]: ...
    async def save_api_client(self, client: ApiClient) -> None: ...
    async def delete_api_client(self, client_id: str) -> None: ...

    async def get_turn_server(self, server_id: str) -> TurnServer | None: ...
    async def list_turn_servers(self, org_id: str) -> list[TurnServer]: ...
    async def save_turn_server(self, server: TurnServer) -> None: ...
    async def delete_turn_server(self, server_id: str) -> None: ...


class VideoStore(Protocol):
    """Video sessions: one a request, kept with its outcome and quality summary."""

    async def save_video_session(self, session: VideoSession) -> None: ...
    async def get_video_session(self, session_id: str) -> VideoSession | None: ...
    async def list_video_sessions(self, conversation_id: str) -> list[VideoSession]:
        """The conversation's video sessions, oldest first."""
        ...

    async def list_video_sessions_since(self, org_id: str, since: datetime) -> list[VideoSession]:
        """The organization's video sessions requested at or after `since`, oldest first."""
        ...

    async def list_open_video_sessions(self, org_id: str) -> list[VideoSession]:
        """The organization's video sessions not over yet (requested, connecting, live, held), oldest first."""
        ...

    async def count_open_video_sessions(self, org_id: str) -> int: ...


class PhotoStore(Protocol):
    """Photos of a chat and their bytes (read only when asked for)."""

    async def add_photo(self, photo: Photo, data: bytes) -> tuple[Photo, bool]:
        """Store the photo and its bytes; when its (conversation, request) already has one: that one, False."""
        ...

    async def photo_for_request(self, conversation_id: str, request_id: str) -> Photo | None: ...
    async def get_photo(self, photo_id: str) -> Photo | None: ...
    async def get_photo_data(self, photo_id: str) -> bytes | None: ...
    async def list_photos(self, conversation_id: str) -> list[Photo]:
        """The conversation's photos, oldest first (without their bytes)."""
        ...

    async def delete_photo(self, photo_id: str) -> None:
        """The photo and its bytes gone (a still replaced by the next); nothing when there is none."""
        ...


class AuditStore(Protocol):
    async def append_audit(self, entry: AuditEntry) -> None: ...
    async def list_audit(
        self, org_id: str, target_type: str | None = None, before_id: str | None = None, limit: int = 50
    ) -> list[AuditEntry]:
        """Newest first; `before_id` pages back in time."""
        ...


class RetentionStore(Protocol):
    """Ended chats past their retention period, and their purge."""

    async def expired_conversations(
        self, cutoff: datetime, limit: int, organization_id: str | None = None
    ) -> list[tuple[str, str]]:
        """Up to `limit` conversations expired at `cutoff` (`domain.retention.is_expired`), oldest end
        first, as (conversation id, organization id); of one organization, or of all with None."""
        ...

    async def count_expired(self, cutoff: datetime, organization_id: str | None = None) -> PurgeCounts:
        """What purging every conversation expired at `cutoff` would remove, table by table."""
        ...

    async def delete_conversations(self, conversation_ids: Sequence[str]) -> PurgeCounts:
        """The conversations and every record of theirs (messages, video sessions, photos, hand-offs), in one
        transaction; what was removed, table by table."""
        ...


class RevokedTokenStore(Protocol):
    """Tokens signed out before they expire, by their `jti`."""

    async def revoke_token(self, jti: str, expires_at: datetime) -> None: ...
    async def is_token_revoked(self, jti: str) -> bool: ...


class HandoffStore(Protocol):
    """Hand-offs of a chat to another device, by the digest of their code (`domain.handoff`)."""

    async def save_handoff(self, handoff: Handoff) -> None: ...
    async def get_handoff(self, handoff_id: str) -> Handoff | None: ...

    async def redeem_handoff(self, handoff_id: str, now: datetime, device: str) -> bool:
        """Marks it redeemed by a `device` if it was neither redeemed nor expired at `now`, in one step: of two
        redemptions at once, one is True and the other False."""
        ...

    async def count_handoffs(self, conversation_id: str) -> int:
        """Hand-offs made for the chat, redeemed or not."""
        ...


class CannedResponseStore(Protocol):
    """Canned responses: an organization's (no owner) and each of its agents' own."""

    async def get_canned_response(self, response_id: str) -> CannedResponse | None: ...
    async def list_canned_responses(self, org_id: str, owner_user_id: str | None) -> list[CannedResponse]:
        """The organization-wide ones and, with an owner, that user's personal ones too; by title (any case),
        then id."""
        ...

    async def save_canned_response(self, response: CannedResponse) -> None: ...
    async def delete_canned_response(self, response_id: str) -> None: ...


class SchemaStore(Protocol):
    """The store as a whole: its schema (for /readyz) and its end."""

    async def schema_revisions(self) -> frozenset[str] | None:
        """The revisions the database's schema is at (one query, so it also says whether the database
        answers); None for a store with no schema (in memory)."""
        ...

    async def close(self) -> None: ...


class OrganizationStore(DirectoryStore, ConfigurationStore, Protocol):
    """Who works in an organization and what it configures: what the administration services read and write."""


class Store(
    ConversationStore,
    DirectoryStore,
    ConfigurationStore,
    VideoStore,
    PhotoStore,
    AuditStore,
    RetentionStore,
    RevokedTokenStore,
    HandoffStore,
    CannedResponseStore,
    SchemaStore,
    Protocol,
):
    """Every aggregate's port in one: what the wiring hands out. A service that needs only some of them
    takes those (its constructor shows what it reads and writes)."""


Handler = Callable[[dict[str, Any]], Awaitable[None]]


class Subscription(Protocol):
    async def add(self, topic: str) -> None: ...
    async def remove(self, topic: str) -> None: ...
    async def close(self) -> None: ...


class Bus(Protocol):
    """Pub/sub of event frames by topic. In-process by default; Redis for several nodes."""

    async def publish(self, topic: str, frame: dict[str, Any]) -> None: ...
    def subscribe(self, handler: Handler) -> Subscription: ...
    async def close(self) -> None: ...


class Lease(Protocol):
    """Leases across nodes: one node at a time holds a named lease (routing's); each node's heartbeat says it
    is alive. Redis across nodes; a node alone always holds it."""

    node_id: str
    ttl: float  # seconds a lease or a heartbeat lasts unrenewed
    shared: bool  # False: this node is alone, holds every lease and needs no renewing

    async def hold(self, name: str) -> bool: ...  # take or renew `name`, and beat this node's heart
    async def alive(self, node_ids: Iterable[str]) -> set[str]: ...  # those whose heartbeat is fresh
    async def release(self, name: str) -> None: ...
    async def close(self) -> None: ...


class Limiter(Protocol):
    """Named rate-limit rules per key (`domain.rate_limit.Rule`), shared by every node: in memory for a
    node alone, in Redis for several."""

    async def hit(self, rule: Rule, key: str) -> float:
        """Count one action: 0.0 when it may go (and it is counted), else the seconds to wait (not counted)."""
        ...

    async def peek(self, rule: Rule, key: str) -> float:
        """The seconds until one more action may go (0.0: now); nothing is counted."""
        ...

    async def bind(self, installation_id: str) -> None:
        """Name this installation's keys (several installations may share one Redis)."""
        ...

    async def close(self) -> None: ...


class Timer(Protocol):
    """Work a clock runs once, after a delay (`Clock.call_later`)."""

    @property
    def fired(self) -> bool:
        """Its delay has passed and its work has begun."""
        ...

    def cancel(self) -> None:
        """It never runs, or its work stops where it is; cancelled from within its own work, nothing happens."""
        ...

    async def stop(self) -> None:
        """Cancel it, and return once its work has stopped."""
        ...


class Clock(Protocol):
    """Time for the services: what time it is, and waiting. The system's in production; tests move theirs."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps (for measuring delays, not for dates)."""
        ...

    def sleep(self, seconds: float) -> Awaitable[None]:
        """Wait `seconds` (counted from this call)."""
        ...

    def call_later(self, seconds: float, work: Callable[[], Awaitable[None]]) -> Timer:
        """Run `work` in a task of its own once `seconds` have passed (counted from this call)."""
        ...

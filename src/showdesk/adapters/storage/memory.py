"""The in-memory store: the same contract as the SQL store, for fast service tests.

Entities are copied on the way in and out, as a database would, so a caller holding an object never
changes stored state by accident.
"""

from __future__ import annotations

import asyncio
import copy
import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any, TypeVar

from showdesk.adapters.storage.memory_config import MemoryConfigStore
from showdesk.adapters.storage.memory_photos import MemoryPhotoStore
from showdesk.adapters.storage.memory_retention import MemoryRetentionStore
from showdesk.domain.conversation import FINAL_STATES, Conversation, Message, NewMessage, refuse_message
from showdesk.domain.deployments import Deployment
from showdesk.domain.directory import Organization, Role, User
from showdesk.domain.errors import Conflict, NotFound
from showdesk.domain.flow import Flow
from showdesk.domain.ids import new_id
from showdesk.domain.photos import Photo
from showdesk.domain.queues import Queue, Skill
from showdesk.domain.video import VideoSession

E = TypeVar("E")


class MemoryStore(MemoryConfigStore, MemoryRetentionStore, MemoryPhotoStore):
    def __init__(self) -> None:
        self._rows: defaultdict[type[Any], dict[str, Any]] = defaultdict(dict)
        self._messages: defaultdict[str, list[Message]] = defaultdict(list)
        self._last_seq: defaultdict[str, int] = defaultdict(int)
        self._revoked: dict[str, datetime] = {}
        self._photos: dict[str, tuple[Photo, bytes]] = {}
        self._lock = asyncio.Lock()
        self._installation_id = uuid.uuid4().hex

    async def installation_id(self) -> str:
        return self._installation_id

    async def get_organization(self, org_id: str) -> Organization | None:
        return self._get(Organization, org_id)

    async def save_organization(self, org: Organization) -> None:
        self._rows[Organization][org.id] = copy.deepcopy(org)

    async def list_organizations(self) -> list[Organization]:
        return [copy.deepcopy(o) for _, o in sorted(self._rows[Organization].items())]

    async def get_user(self, user_id: str) -> User | None:
        return self._get(User, user_id)

    async def get_user_by_email(self, email: str) -> User | None:
        for user in self._rows[User].values():
            if user.email == email.lower():
                found: User = copy.deepcopy(user)
                return found
        return None

    async def list_users(self, org_id: str) -> list[User]:
        return self._list(User, org_id, "email")

    async def save_user(self, user: User) -> None:
        for other in self._rows[User].values():
            if other.id != user.id and other.email == user.email:
                raise Conflict(f"a user with email {user.email} already exists")
        saved = copy.deepcopy(user)
        if (stored := self._rows[User].get(user.id)) is not None:
            saved.token_version = stored.token_version  # moved by bump_token_version only
        self._rows[User][user.id] = saved

    async def bump_token_version(self, user_id: str) -> None:
        if (stored := self._rows[User].get(user_id)) is not None:
            stored.token_version += 1

    async def list_roles(self, org_id: str) -> list[Role]:
        return self._list(Role, org_id, "name")

    async def save_role(self, role: Role) -> None:
        self._save(role, ("name",))

    async def list_skills(self, org_id: str) -> list[Skill]:
        return self._list(Skill, org_id, "name")

    async def save_skill(self, skill: Skill) -> None:
        self._save(skill, ("name",))

    async def get_queue(self, queue_id: str) -> Queue | None:
        return self._get(Queue, queue_id)

    async def list_queues(self, org_id: str) -> list[Queue]:
        return self._list(Queue, org_id, "name")

    async def save_queue(self, queue: Queue) -> None:
        self._save(queue, ("name",))

    async def get_deployment(self, deployment_id: str) -> Deployment | None:
        return self._get(Deployment, deployment_id)

    async def list_deployments(self, org_id: str) -> list[Deployment]:
        return self._list(Deployment, org_id, "name")

    async def save_deployment(self, deployment: Deployment) -> None:
        self._save(deployment)

    async def get_flow(self, flow_id: str) -> Flow | None:
        return self._get(Flow, flow_id)

    async def list_flows(self, org_id: str) -> list[Flow]:
        return self._list(Flow, org_id, "name")

    async def save_flow(self, flow: Flow) -> None:
        self._save(flow, ("name",))

    def _read(self, conversation: Conversation) -> Conversation:
        """A copy with its last sequence number as it is now (appends move it, saves never do)."""
        found = copy.deepcopy(conversation)
        found.last_seq = self._last_seq.get(conversation.id, 0)
        return found

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        found = self._rows[Conversation].get(conversation_id)
        return self._read(found) if found is not None else None

    async def list_open_conversations(self) -> list[Conversation]:
        open_ = [c for c in self._rows[Conversation].values() if c.state not in FINAL_STATES]
        return [self._read(c) for c in sorted(open_, key=lambda c: c.enqueued_at or c.created_at)]

    async def list_agent_conversations(self, agent_id: str) -> list[Conversation]:
        return [c for c in await self.list_open_conversations() if c.agent_id == agent_id and c.state == "connected"]

    async def save_conversation(self, conversation: Conversation) -> None:
        self._rows[Conversation][conversation.id] = copy.deepcopy(conversation)

    async def append_message(self, new: NewMessage) -> tuple[Message, bool]:
        async with self._lock:
            for stored in self._messages.get(new.conversation_id, ()):
                same_sender = (stored.sender, stored.sender_id) == (new.sender, new.sender_id)
                if same_sender and stored.client_id == new.client_id:
                    return copy.deepcopy(stored), False
            conv = self._rows[Conversation].get(new.conversation_id)
            refusal = refuse_message(new, conv.state if conv else None, conv.agent_id if conv else None)
            if refusal is not None or conv is None:
                raise refusal or NotFound("conversation not found")
            self._last_seq[new.conversation_id] += 1
            message = new.stored_as(new_id("m"), self._last_seq[new.conversation_id])
            self._messages[new.conversation_id].append(message)
            return copy.deepcopy(message), True

    async def list_messages(self, conversation_id: str, after_seq: int = 0, limit: int | None = None) -> list[Message]:
        found = [copy.deepcopy(m) for m in self._messages[conversation_id] if m.seq > after_seq]
        if limit is None:
            return found
        return found[-limit:] if limit > 0 else []

    async def save_video_session(self, session: VideoSession) -> None:
        self._rows[VideoSession][session.id] = copy.deepcopy(session)

    async def get_video_session(self, session_id: str) -> VideoSession | None:
        return self._get(VideoSession, session_id)

    async def list_video_sessions(self, conversation_id: str) -> list[VideoSession]:
        found = [copy.deepcopy(v) for v in self._rows[VideoSession].values() if v.conversation_id == conversation_id]
        return sorted(found, key=lambda v: v.requested_at)

    async def list_video_sessions_since(self, org_id: str, since: datetime) -> list[VideoSession]:
        found = [
            copy.deepcopy(v)
            for v in self._rows[VideoSession].values()
            if v.organization_id == org_id and v.requested_at >= since
        ]
        return sorted(found, key=lambda v: v.requested_at)

    async def list_open_video_sessions(self, org_id: str) -> list[VideoSession]:
        found = [v for v in self._rows[VideoSession].values() if v.organization_id == org_id and v.is_open]
        return [copy.deepcopy(v) for v in sorted(found, key=lambda v: v.requested_at)]

    async def count_open_video_sessions(self, org_id: str) -> int:
        return sum(1 for v in self._rows[VideoSession].values() if v.organization_id == org_id and v.is_open)

    async def revoke_token(self, jti: str, expires_at: datetime) -> None:
        self._revoked[jti] = expires_at

    async def is_token_revoked(self, jti: str) -> bool:
        return jti in self._revoked

    async def schema_revisions(self) -> frozenset[str] | None:
        return None  # no schema: always ready

    async def close(self) -> None:
        return None

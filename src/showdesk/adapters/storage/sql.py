"""The SQL store: SQLAlchemy 2 async on SQLite (default) or PostgreSQL.

Messages go through a group-commit writer: appends that arrive together share one transaction,
each still getting its own gap-free sequence number, and nobody is answered before the commit.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.message_writer import MessageWriter
from showdesk.adapters.storage.private_files import sqlite_file
from showdesk.adapters.storage.sealed import NoSecretBox, Sealer, SecretBox
from showdesk.adapters.storage.sql_config import SqlConfigStore
from showdesk.adapters.storage.sql_photos import SqlPhotoStore
from showdesk.adapters.storage.sql_retention import SqlRetentionStore
from showdesk.adapters.storage.sql_rows import to_entity
from showdesk.adapters.storage.sqlite_backup import SqliteHold
from showdesk.domain.conversation import FINAL_STATES, Conversation, ConversationState, Message, NewMessage
from showdesk.domain.deployments import Deployment
from showdesk.domain.directory import Organization, Role, User
from showdesk.domain.flow import Flow
from showdesk.domain.queues import Queue, Skill
from showdesk.domain.video import OPEN_STATES, VideoSession

MIGRATIONS = Path(__file__).with_name("migrations")


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-8192")  # 8 MiB a connection: the hot ends of the message indexes fit
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _run_migrations(sync_conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = sync_conn
    command.upgrade(cfg, "head")


def migration_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """The schema revisions this version migrates to (Alembic's heads; one while history is linear), and
    every revision it knows."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(cfg)
    return frozenset(scripts.get_heads()), frozenset(s.revision for s in scripts.walk_revisions())


class SqlStore(SqlConfigStore, SqlRetentionStore, SqlPhotoStore):
    def __init__(self, url: str, secret_key: str | None = None) -> None:
        self.url = url
        # Without the server's key (commands that touch no secret), sealed secrets read as not set.
        self.secrets: Sealer = SecretBox(secret_key) if secret_key else NoSecretBox()
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            # A fixed pool: each aiosqlite connection is a thread, so none are made and dropped under load.
            self.engine: AsyncEngine = create_async_engine(url, pool_size=8, max_overflow=0, pool_timeout=30)
            event.listen(self.engine.sync_engine, "connect", _on_sqlite_connect)
        else:
            self.engine = create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
        self._writer = MessageWriter(self.engine, on_connect=_on_sqlite_connect if self.is_sqlite else None)
        database = sqlite_file(url)
        # Held while open: `showdesk restore` refuses a database a server or a command is using.
        self._hold = SqliteHold(database) if database is not None else None

    async def migrate(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(_run_migrations)

    async def close(self) -> None:
        await self._writer.close()
        await self.engine.dispose()
        if self._hold is not None:
            self._hold.release()

    async def schema_revisions(self) -> frozenset[str]:
        """The revisions the database's schema is at (Alembic's version table): one query, so it also says
        whether the database answers."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(str(row[0]) for row in rows)

    async def installation_id(self) -> str:
        async with self.engine.connect() as conn:
            found = await conn.scalar(select(t.installation.c.value).where(t.installation.c.key == "id"))
        return str(found)

    # directory ----------------------------------------------------------------------------------
    async def get_organization(self, org_id: str) -> Organization | None:
        return await self._one(t.organizations, Organization, id=org_id)

    async def save_organization(self, org: Organization) -> None:
        await self._save(t.organizations, org)

    async def list_organizations(self) -> list[Organization]:
        return await self._many(t.organizations, Organization, order="id")

    async def get_user(self, user_id: str) -> User | None:
        return await self._one(t.users, User, id=user_id)

    async def get_user_by_email(self, email: str) -> User | None:
        return await self._one(t.users, User, email=email.lower())

    async def list_users(self, org_id: str) -> list[User]:
        return await self._many(t.users, User, order="email", organization_id=org_id)

    async def save_user(self, user: User) -> None:
        # The version is moved only by bump_token_version: a save of a copy read before a bump must not undo it.
        await self._save(t.users, user, keep=("token_version",))

    async def bump_token_version(self, user_id: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(t.users).where(t.users.c.id == user_id).values(token_version=t.users.c.token_version + 1)
            )

    async def list_roles(self, org_id: str) -> list[Role]:
        return await self._many(t.roles, Role, order="name", organization_id=org_id)

    async def save_role(self, role: Role) -> None:
        await self._save(t.roles, role)

    async def list_skills(self, org_id: str) -> list[Skill]:
        return await self._many(t.skills, Skill, order="name", organization_id=org_id)

    async def save_skill(self, skill: Skill) -> None:
        await self._save(t.skills, skill)

    async def get_queue(self, queue_id: str) -> Queue | None:
        return await self._one(t.queues, Queue, id=queue_id)

    async def list_queues(self, org_id: str) -> list[Queue]:
        return await self._many(t.queues, Queue, order="name", organization_id=org_id)

    async def save_queue(self, queue: Queue) -> None:
        await self._save(t.queues, queue)

    async def get_deployment(self, deployment_id: str) -> Deployment | None:
        return await self._one(t.deployments, Deployment, id=deployment_id)

    async def list_deployments(self, org_id: str) -> list[Deployment]:
        return await self._many(t.deployments, Deployment, order="name", organization_id=org_id)

    async def save_deployment(self, deployment: Deployment) -> None:
        await self._save(t.deployments, deployment)

    async def get_flow(self, flow_id: str) -> Flow | None:
        return await self._one(t.flows, Flow, id=flow_id)

    async def list_flows(self, org_id: str) -> list[Flow]:
        return await self._many(t.flows, Flow, order="name", organization_id=org_id)

    async def save_flow(self, flow: Flow) -> None:
        await self._save(t.flows, flow)

    # conversations ------------------------------------------------------------------------------
    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        return await self._one(t.conversations, Conversation, id=conversation_id)

    async def list_open_conversations(self) -> list[Conversation]:
        query = (
            select(t.conversations)
            .where(t.conversations.c.state.not_in(FINAL_STATES))
            .order_by(t.conversations.c.enqueued_at)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [to_entity(Conversation, r) for r in rows]

    async def list_agent_conversations(self, agent_id: str) -> list[Conversation]:
        connected = ConversationState.CONNECTED.value
        return await self._many(t.conversations, Conversation, order="enqueued_at", agent_id=agent_id, state=connected)

    async def save_conversation(self, conversation: Conversation) -> None:
        await self._save(t.conversations, conversation, keep=("last_seq",))

    async def append_message(self, new: NewMessage) -> tuple[Message, bool]:
        return await self._writer.append(new)

    # video sessions -----------------------------------------------------------------------------
    async def save_video_session(self, session: VideoSession) -> None:
        await self._save(t.video_sessions, session)

    async def get_video_session(self, session_id: str) -> VideoSession | None:
        return await self._one(t.video_sessions, VideoSession, id=session_id)

    async def list_video_sessions(self, conversation_id: str) -> list[VideoSession]:
        return await self._many(t.video_sessions, VideoSession, order="requested_at", conversation_id=conversation_id)

    async def list_video_sessions_since(self, org_id: str, since: datetime) -> list[VideoSession]:
        v = t.video_sessions
        query = select(v).where(v.c.organization_id == org_id, v.c.requested_at >= since).order_by(v.c.requested_at)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [to_entity(VideoSession, r) for r in rows]

    async def list_open_video_sessions(self, org_id: str) -> list[VideoSession]:
        v = t.video_sessions
        query = (
            select(v)
            .where(v.c.state.in_([s.value for s in OPEN_STATES]), v.c.organization_id == org_id)
            .order_by(v.c.requested_at)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [to_entity(VideoSession, r) for r in rows]

    async def count_open_video_sessions(self, org_id: str) -> int:
        v = t.video_sessions
        query = select(func.count()).where(v.c.organization_id == org_id, v.c.state.in_([s.value for s in OPEN_STATES]))
        async with self.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def list_messages(self, conversation_id: str, after_seq: int = 0, limit: int | None = None) -> list[Message]:
        m = t.messages
        query = select(m).where(m.c.conversation_id == conversation_id, m.c.seq > after_seq)
        query = query.order_by(m.c.seq.desc()).limit(limit) if limit is not None else query.order_by(m.c.seq)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        found = [to_entity(Message, r) for r in rows]
        return sorted(found, key=lambda msg: msg.seq) if limit is not None else found

    # tokens -------------------------------------------------------------------------------------
    async def revoke_token(self, jti: str, expires_at: datetime) -> None:
        async with self.engine.begin() as conn:
            existing = (await conn.execute(select(t.revoked_tokens.c.jti).where(t.revoked_tokens.c.jti == jti))).first()
            if existing is None:
                await conn.execute(t.revoked_tokens.insert().values(jti=jti, expires_at=expires_at))

    async def is_token_revoked(self, jti: str) -> bool:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(t.revoked_tokens.c.jti).where(t.revoked_tokens.c.jti == jti))).first()
        return row is not None

"""The SQL schema. Column names equal the domain dataclasses' field names, so rows map one to one.

Lists (roles, skills, channels, members, origins, permissions) are JSON columns: they are read whole
with their owner and never queried inside.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData()

organizations = Table(
    "organizations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("license_tier", String(20), nullable=False),
    Column("features", JSON, nullable=False),
    Column("video_concurrency_limit", Integer, nullable=False),
)

roles = Table(
    "roles",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("permissions", JSON, nullable=False),
    Column("built_in", Boolean, nullable=False),
    UniqueConstraint("organization_id", "name"),
)

users = Table(
    "users",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False, index=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("skills", JSON, nullable=False),
    Column("video_enabled", Boolean, nullable=False),
    Column("default_camera", String(200), nullable=False),
    Column("default_microphone", String(200), nullable=False),
    Column("chat_capacity", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("token_version", Integer, nullable=False, server_default="0"),
    Column("demo", Boolean, nullable=False, server_default=false()),
)

skills = Table(
    "skills",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    UniqueConstraint("organization_id", "name"),
)

queues = Table(
    "queues",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("channels", JSON, nullable=False),
    Column("required_skills", JSON, nullable=False),
    Column("members", JSON, nullable=False),
    Column("wrapup_required", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("organization_id", "name"),
)

flows = Table(
    "flows",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("type", String(40), nullable=False),
    Column("definition", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("published_version", Integer, nullable=True),
    Column("published_definition", JSON, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("organization_id", "name"),
)

deployments = Table(
    "deployments",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("flow_id", String(64), ForeignKey("flows.id"), nullable=True),
    Column("allowed_origins", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("video_quality", JSON, nullable=True),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False, index=True),
    Column("deployment_id", String(64), nullable=False),
    Column("customer_name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("state", String(20), nullable=False, index=True),
    Column("flow_id", String(64), nullable=True),
    Column("queue_id", String(64), nullable=True),
    Column("agent_id", String(64), nullable=True),
    Column("enqueued_at", DateTime(timezone=True), nullable=True),
    Column("connected_at", DateTime(timezone=True), nullable=True),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("ended_by", String(20), nullable=True),
    Column("end_reason", String(40), nullable=True),
    Column("video", JSON, nullable=True),
    # Only message appends move last_seq, inside the transaction that stores the message.
    Column("last_seq", Integer, nullable=False, default=0),
    Column("wrapup_code_id", String(64), nullable=True),
    Column("wrapup_name", String(200), nullable=True),  # the code's name when it was chosen
    Column("wrapup_note", Text, nullable=True),
    Column("wrapped_up_at", DateTime(timezone=True), nullable=True),
    Column("transfers", JSON, nullable=True),
    Column("customer_info", JSON, nullable=True),  # the customer panel's facts (domain.customer_info)
    Column("customer_ref", String(100), nullable=True),  # the site's id for the customer
)

wrapup_codes = Table(
    "wrapup_codes",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    UniqueConstraint("organization_id", "name"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("sender", String(20), nullable=False),
    Column("sender_id", String(64), nullable=True),
    Column("sender_key", String(100), nullable=False),  # sender and sender id: idempotency is per sender
    Column("display_name", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("attachment", JSON, nullable=True),  # a photo's description, for messages that show one
    Column("notice", JSON, nullable=True),  # a system line's code and parameters, for the customer's language
    UniqueConstraint("conversation_id", "seq"),
    UniqueConstraint("conversation_id", "sender_key", "client_id"),
)

video_sessions = Table(
    "video_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False, index=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False),
    Column("mode", String(20), nullable=False),
    Column("audio_source", String(20), nullable=False),
    Column("video_source", String(20), nullable=False),
    Column("requested_by", String(64), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("agent_id", String(64), nullable=True),
    Column("state", String(20), nullable=False, index=True),
    Column("consent_at", DateTime(timezone=True), nullable=True),
    Column("consent_by", String(200), nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("ended_by", String(20), nullable=True),
    Column("outcome", String(20), nullable=True),
    Column("failure_reason", String(500), nullable=True),
    Column("path", String(20), nullable=True),
    Column("relay_retries", Integer, nullable=False, server_default="0"),
    Column("ice_restarts", Integer, nullable=False, server_default="0"),
    Column("problems", JSON, nullable=False, server_default="[]"),
    Column("quality", JSON, nullable=True),
    Column("preference", String(20), nullable=False, server_default="detail"),
    Column("device", String(20), nullable=True),  # phone | tablet | computer: the sending browser's kind
    Column("photo_mode", Boolean, nullable=False, server_default=false()),  # stills instead of live frames
    Column("stills", Integer, nullable=False, server_default="0"),
)

photos = Table(
    "photos",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("size", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(20), nullable=False),
    Column("request_id", String(100), nullable=False),
    Column("session_id", String(64), nullable=True),
    Column("annotates", String(64), nullable=True),
    Column("data", LargeBinary, nullable=False),  # the image as uploaded; read only by the photo's own route
    UniqueConstraint("conversation_id", "request_id"),  # one photo per request: an upload retried stores nothing new
)

handoffs = Table(
    "handoffs",
    metadata,
    Column("id", String(64), primary_key=True),  # the SHA-256 of the code; the code itself is never stored
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False, index=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False),
    Column("deployment_id", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("redeemed_at", DateTime(timezone=True), nullable=True),
    Column("device", String(20), nullable=True),
)

revoked_tokens = Table(
    "revoked_tokens",
    metadata,
    Column("jti", String(64), primary_key=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

flow_versions = Table(
    "flow_versions",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("flow_id", String(64), ForeignKey("flows.id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("definition", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    UniqueConstraint("flow_id", "version"),
)

api_clients = Table(
    "api_clients",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("secret_hash", String(200), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=True),
    Column("secret_rotated_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("organization_id", "name"),
)

turn_servers = Table(
    "turn_servers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("urls", JSON, nullable=False),
    Column("authentication", String(20), nullable=False),
    Column("secret", Text, nullable=False),  # sealed (adapters/storage/sealed.py)
    Column("username", String(200), nullable=False),
    Column("credential", Text, nullable=False),  # sealed
    Column("active", Boolean, nullable=False),
    UniqueConstraint("organization_id", "name"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", String(64), primary_key=True),  # ids sort by time: newest first is id descending
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_id", String(64), nullable=False),
    Column("actor_name", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("target_type", String(40), nullable=False),
    Column("target_id", String(80), nullable=False),
    Column("target_name", String(200), nullable=False),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
)

canned_responses = Table(
    "canned_responses",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), ForeignKey("organizations.id"), nullable=False, index=True),
    Column("owner_user_id", String(64), ForeignKey("users.id"), nullable=True),  # none: organization-wide
    Column("title", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

Index("ix_conversations_agent", conversations.c.agent_id)
# Searches read an organization's conversations newest first. Full-text search over messages.text is an
# index each database keeps in its own way, outside this model (migration 0015): these names start its parts.
FULL_TEXT_SEARCH = ("messages_fts", "ix_messages_text_search")
Index("ix_conversations_org_created", conversations.c.organization_id, conversations.c.created_at, conversations.c.id)
Index("ix_conversations_org_wrapped_up", conversations.c.organization_id, conversations.c.wrapped_up_at)
Index("ix_conversations_org_customer", conversations.c.organization_id, conversations.c.customer_ref)
Index("ix_audit_log_org_id", audit_log.c.organization_id, audit_log.c.id)

installation = Table(  # one row per fact about this installation; "id" names its cluster's Redis keys
    "installation",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)

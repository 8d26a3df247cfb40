"""Permissions and the built-in roles, with the meanings the product guide gives them."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    CHAT_ANSWER = "chat:answer"
    VIDEO_ANSWER = "video:answer"
    VIDEO_HOLD = "video:hold"
    VIDEO_EDIT = "telephony:video:edit"
    CHAT_EDIT = "engagement:chat:edit"
    TRUNK_EDIT = "telephony:trunk:edit"
    OAUTH_CLIENT_EDIT = "security:oauthclient:edit"
    USER_EDIT = "directory:user:edit"
    QUEUE_EDIT = "routing:queue:edit"
    SKILL_EDIT = "routing:skill:edit"
    LICENSE_EDIT = "billing:license:edit"
    DIRECTORY_VIEW = "directory:view"
    ANALYTICS_VIEW = "analytics:dashboard:view"
    TRANSCRIPT_VIEW = "conversation:transcript:view"
    AUDIT_VIEW = "audit:view"


BUILT_IN_ROLES: dict[str, frozenset[Permission]] = {
    "Administrator": frozenset(
        {
            Permission.TRUNK_EDIT,
            Permission.OAUTH_CLIENT_EDIT,
            Permission.USER_EDIT,
            Permission.QUEUE_EDIT,
            Permission.SKILL_EDIT,
            Permission.LICENSE_EDIT,
            Permission.DIRECTORY_VIEW,
            Permission.TRANSCRIPT_VIEW,
            Permission.AUDIT_VIEW,
        }
    ),
    "Architect": frozenset({Permission.VIDEO_EDIT, Permission.CHAT_EDIT, Permission.DIRECTORY_VIEW}),
    "Agent": frozenset({Permission.VIDEO_ANSWER, Permission.VIDEO_HOLD, Permission.CHAT_ANSWER}),
    # Answers chats but may not see a customer's camera (no Video > Answer, no Video > Hold).
    "Chat Agent": frozenset({Permission.CHAT_ANSWER}),
    "Supervisor": frozenset({Permission.ANALYTICS_VIEW, Permission.TRANSCRIPT_VIEW, Permission.DIRECTORY_VIEW}),
}


def parse_permissions(values: list[str]) -> frozenset[Permission]:
    """Turn stored strings into permissions, refusing unknown ones by name."""
    known = {p.value for p in Permission}
    unknown = [v for v in values if v not in known]
    if unknown:
        from showdesk.domain.errors import InvalidInput

        raise InvalidInput(f"unknown permission(s): {', '.join(sorted(unknown))}")
    return frozenset(Permission(v) for v in values)

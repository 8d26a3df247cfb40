"""Permissions and the built-in roles, with the meanings the product guide gives them."""

from __future__ import annotations

from enum import StrEnum

from showdesk.domain.errors import InvalidInput


class Permission(StrEnum):
    CHAT_ANSWER = "chat:answer"
    VIDEO_ANSWER = "video:answer"
    VIDEO_HOLD = "video:hold"
    VIDEO_EDIT = "telephony:video:edit"
    CHAT_EDIT = "engagement:chat:edit"
    FLOW_VIEW = "architect:flow:view"
    TRUNK_EDIT = "telephony:trunk:edit"
    OAUTH_CLIENT_EDIT = "security:oauthclient:edit"
    USER_EDIT = "directory:user:edit"
    ROLE_EDIT = "authorization:role:edit"
    QUEUE_EDIT = "routing:queue:edit"
    WRAPUP_CODE_EDIT = "routing:wrapupCode:edit"
    SKILL_EDIT = "routing:skill:edit"
    LICENSE_EDIT = "billing:license:edit"
    DIRECTORY_VIEW = "directory:view"
    ANALYTICS_VIEW = "analytics:dashboard:view"
    TRANSCRIPT_VIEW = "conversation:transcript:view"
    AUDIT_VIEW = "audit:view"
    METRICS_VIEW = "metrics:view"
    CANNED_RESPONSES_MANAGE = "cannedResponses:manage"
    VIDEO_MONITOR = "video:monitor"


DESCRIPTIONS: dict[Permission, str] = {
    Permission.CHAT_ANSWER: "Chat > Answer: go on queue, accept and answer web chats",
    Permission.VIDEO_ANSWER: "Video > Answer: ask for and receive a customer's video",
    Permission.VIDEO_HOLD: "Video > Hold: pause and resume a customer's video",
    Permission.VIDEO_EDIT: "Telephony > Video > Edit: put Start Video blocks in flows",
    Permission.CHAT_EDIT: "Engagement > Chat > Edit: save and publish web-chat flows",
    Permission.FLOW_VIEW: "Architect > Flow > View: read flows and their versions",
    Permission.TRUNK_EDIT: "Telephony > Trunk > Edit: manage TURN servers (video trunks)",
    Permission.OAUTH_CLIENT_EDIT: "Security > OAuth Client > Edit: web-chat deployments and API clients",
    Permission.USER_EDIT: "Directory > User > Edit: create users, set their roles, skills and video settings",
    Permission.ROLE_EDIT: "Authorization > Role > Edit: create and change custom roles",
    Permission.QUEUE_EDIT: "Routing > Queue > Edit: create and change queues",
    Permission.WRAPUP_CODE_EDIT: "Routing > Wrap-up Code > Edit: the codes agents close chats with",
    Permission.SKILL_EDIT: "Routing > Skill > Edit: create and delete skills",
    Permission.LICENSE_EDIT: "Billing > License > Edit: licence tier, Live Video, video concurrency",
    Permission.DIRECTORY_VIEW: "Directory > View: see users, roles, skills, queues and the licence",
    Permission.ANALYTICS_VIEW: "Analytics > Dashboard > View: the supervisor dashboard",
    Permission.TRANSCRIPT_VIEW: "Conversation > Transcript > View: read any conversation's transcript",
    Permission.AUDIT_VIEW: "Audit > View: read the log of configuration changes",
    Permission.METRICS_VIEW: "Metrics > View: scrape /metrics for this organization's series (e.g. Prometheus)",
    Permission.CANNED_RESPONSES_MANAGE: "Canned Responses > Manage: the organization-wide canned responses",
    Permission.VIDEO_MONITOR: (
        "Video > Monitor: see a watched chat's live video session, its state and quality, and its picture, "
        "relayed by the agent's desktop (the customer is told); given to no built-in role but Administrator"
    ),
}

BUILT_IN_ROLES: dict[str, frozenset[Permission]] = {
    # Every permission: nobody grants what they do not hold (not_held), and the administrator gives
    # every other role to people and API clients.
    "Administrator": frozenset(Permission),
    "Architect": frozenset(
        {Permission.VIDEO_EDIT, Permission.CHAT_EDIT, Permission.FLOW_VIEW, Permission.DIRECTORY_VIEW}
    ),
    "Agent": frozenset({Permission.VIDEO_ANSWER, Permission.VIDEO_HOLD, Permission.CHAT_ANSWER}),
    # Answers chats but may not see a customer's camera (no Video > Answer, no Video > Hold).
    "Chat Agent": frozenset({Permission.CHAT_ANSWER}),
    "Supervisor": frozenset(
        {
            Permission.ANALYTICS_VIEW,
            Permission.TRANSCRIPT_VIEW,
            Permission.DIRECTORY_VIEW,
            Permission.METRICS_VIEW,
            Permission.CANNED_RESPONSES_MANAGE,
        }
    ),
}


def not_held(held: frozenset[Permission], granted: frozenset[Permission]) -> list[str]:
    """The permissions in `granted` that `held` lacks, by name: what an actor may not give anyone."""
    return sorted(p.value for p in granted - held)


def parse_permissions(values: list[str]) -> list[str]:
    """Permission names as given, checked: unknown ones are refused by name."""
    known = {p.value for p in Permission}
    unknown = sorted({v for v in values if v not in known})
    if unknown:
        raise InvalidInput(f"unknown permission(s): {', '.join(unknown)}", code="unknown_permission")
    return sorted(set(values))

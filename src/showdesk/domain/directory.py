"""Organizations, users and roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from showdesk.domain.permissions import Permission


@dataclass
class Organization:
    id: str
    name: str
    license_tier: str = "CX 3"
    features: list[str] = field(default_factory=list)
    video_concurrency_limit: int = 10

    def has_feature(self, name: str) -> bool:
        return name in self.features


@dataclass
class Role:
    id: str
    organization_id: str
    name: str
    permissions: list[str] = field(default_factory=list)
    built_in: bool = False


@dataclass
class User:
    id: str
    organization_id: str
    email: str
    name: str
    password_hash: str
    roles: list[str] = field(default_factory=list)  # role names
    skills: list[str] = field(default_factory=list)  # skill names
    video_enabled: bool = False
    default_camera: str = ""
    default_microphone: str = ""
    chat_capacity: int = 3
    active: bool = True


def permissions_of(user: User, roles: list[Role]) -> frozenset[Permission]:
    """Everything the user's roles grant; roles the user does not hold count for nothing."""
    held = set(user.roles)
    granted: set[Permission] = set()
    for role in roles:
        if role.name in held:
            granted.update(Permission(p) for p in role.permissions if p in Permission._value2member_map_)
    return frozenset(granted)

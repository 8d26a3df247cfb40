"""Organizations, users and roles."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal, get_args

from showdesk.domain.permissions import Permission
from showdesk.domain.video import LIVE_VIDEO_FEATURE

LicenseTier = Literal["CX 1", "CX 2", "CX 3"]
LICENSE_TIERS: tuple[LicenseTier, ...] = get_args(LicenseTier)
MAX_VIDEO_CONCURRENCY = 10_000  # the highest concurrent video limit a licence may set
MAX_ORGANIZATION_ID = 40
MAX_CHAT_CAPACITY = 20  # chats an agent may be given at once (User.chat_capacity, from 1)


def organization_id_for(name: str) -> str:
    """The id `showdesk init` gives an organization: its name in lowercase letters, digits and dashes
    ("Acme Support" -> "acme-support"; accents dropped), or "organization" when nothing of it is left."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:MAX_ORGANIZATION_ID].strip("-")
    return slug or "organization"


@dataclass
class Organization:
    id: str
    name: str
    license_tier: str = "CX 3"
    features: list[str] = field(default_factory=list)
    video_concurrency_limit: int = 10

    def has_feature(self, name: str) -> bool:
        return name in self.features

    def license_changed(self, tier: str, live_video: bool, limit: int) -> Organization:
        """The organization with a new licence (`tier` one of LICENSE_TIERS, `limit` 0..MAX_VIDEO_CONCURRENCY).
        Video comes with every CX tier (the guide); the concurrency limit caps how many video sessions may be
        open at once."""
        features = [f for f in self.features if f != LIVE_VIDEO_FEATURE] + ([LIVE_VIDEO_FEATURE] if live_video else [])
        return Organization(self.id, self.name, tier, features, limit)


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
    # Every access token carries the version it was issued under; moving it on ends them all (a password
    # change, a disable, a lost permission, "sign out everywhere").
    token_version: int = 0
    demo: bool = False  # one of the demo data's documented accounts (CONTRACT §2), short password and all


def permissions_of(user: User, roles: list[Role]) -> frozenset[Permission]:
    """Everything the user's roles grant; roles the user does not hold count for nothing."""
    held = set(user.roles)
    granted: set[Permission] = set()
    for role in roles:
        if role.name in held:
            granted.update(Permission(p) for p in role.permissions if p in Permission._value2member_map_)
    return frozenset(granted)

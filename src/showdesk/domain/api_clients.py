"""API clients: OAuth client-credentials identities for programs (CI publishing flows, integrations)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from showdesk.domain.directory import User


@dataclass
class ApiClient:
    id: str  # the OAuth client_id
    organization_id: str
    name: str
    secret_hash: str
    roles: list[str] = field(default_factory=list)
    active: bool = True
    created_at: datetime | None = None
    secret_rotated_at: datetime | None = None

    def as_user(self) -> User:
        """The client as the actor of its actions: its roles, no password, never on a queue."""
        return User(
            id=self.id,
            organization_id=self.organization_id,
            email="",
            name=f"API client {self.name}",
            password_hash="",
            roles=list(self.roles),
            active=self.active,
            chat_capacity=0,
        )

    @property
    def secret_generation(self) -> str:
        """Names the secret in use; a token carries it, so rotating the secret ends the old tokens."""
        return self.secret_rotated_at.isoformat() if self.secret_rotated_at else "first"

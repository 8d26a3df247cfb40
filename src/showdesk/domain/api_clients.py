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

    def token_still_valid(self, issued_at: datetime) -> bool:
        """Tokens issued before the secret was rotated stop working with the old secret."""
        return self.secret_rotated_at is None or issued_at >= self.secret_rotated_at.replace(microsecond=0)

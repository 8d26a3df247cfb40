"""The in-memory store's revoked tokens: tokens_sql.py on a dictionary."""

from __future__ import annotations

from datetime import datetime


class MemoryRevokedTokenStore:
    _revoked: dict[str, datetime]

    async def revoke_token(self, jti: str, expires_at: datetime) -> None:
        self._revoked.setdefault(jti, expires_at)

    async def is_token_revoked(self, jti: str) -> bool:
        return jti in self._revoked

"""The SQL store's revoked tokens (signed out before they expire), by `jti`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.sql_rows import SqlRows


class SqlRevokedTokenStore(SqlRows):
    async def revoke_token(self, jti: str, expires_at: datetime) -> None:
        async with self.engine.begin() as conn:
            existing = (await conn.execute(select(t.revoked_tokens.c.jti).where(t.revoked_tokens.c.jti == jti))).first()
            if existing is None:
                await conn.execute(t.revoked_tokens.insert().values(jti=jti, expires_at=expires_at))

    async def is_token_revoked(self, jti: str) -> bool:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(t.revoked_tokens.c.jti).where(t.revoked_tokens.c.jti == jti))).first()
        return row is not None

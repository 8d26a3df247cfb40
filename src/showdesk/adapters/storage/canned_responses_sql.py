"""The SQL store's canned responses: one row each, an organization's with no owner."""

from __future__ import annotations

from sqlalchemy import or_, select

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.sql_rows import SqlRows, to_entity
from showdesk.domain.canned_responses import CannedResponse


class SqlCannedResponseStore(SqlRows):
    async def get_canned_response(self, response_id: str) -> CannedResponse | None:
        return await self._one(t.canned_responses, CannedResponse, id=response_id)

    async def list_canned_responses(self, org_id: str, owner_user_id: str | None) -> list[CannedResponse]:
        c = t.canned_responses.c
        owners = (
            c.owner_user_id.is_(None)
            if owner_user_id is None
            else or_(c.owner_user_id.is_(None), c.owner_user_id == owner_user_id)
        )
        query = select(t.canned_responses).where(c.organization_id == org_id, owners)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        # Ordered here, not by the database: collations differ between SQLite and PostgreSQL.
        return sorted((to_entity(CannedResponse, r) for r in rows), key=lambda r: (r.title.casefold(), r.id))

    async def save_canned_response(self, response: CannedResponse) -> None:
        await self._save(t.canned_responses, response)

    async def delete_canned_response(self, response_id: str) -> None:
        await self._delete(t.canned_responses, id=response_id)

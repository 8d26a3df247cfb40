"""The in-memory store's canned responses: canned_responses_sql.py on a dictionary."""

from __future__ import annotations

import copy

from showdesk.adapters.storage.memory_rows import MemoryRows
from showdesk.domain.canned_responses import CannedResponse


class MemoryCannedResponseStore(MemoryRows):
    async def get_canned_response(self, response_id: str) -> CannedResponse | None:
        return self._get(CannedResponse, response_id)

    async def list_canned_responses(self, org_id: str, owner_user_id: str | None) -> list[CannedResponse]:
        found = [
            copy.deepcopy(r)
            for r in self._rows[CannedResponse].values()
            if r.organization_id == org_id and r.owner_user_id in (None, owner_user_id)
        ]
        return sorted(found, key=lambda r: (r.title.casefold(), r.id))

    async def save_canned_response(self, response: CannedResponse) -> None:
        self._save(response)

    async def delete_canned_response(self, response_id: str) -> None:
        self._delete(CannedResponse, response_id)

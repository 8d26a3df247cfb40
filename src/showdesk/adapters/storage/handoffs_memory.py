"""The in-memory store's hand-offs: handoffs_sql.py on a dictionary (a redemption checked and made with
no await between, as the SQL store's one UPDATE)."""

from __future__ import annotations

from datetime import datetime

from showdesk.adapters.storage.memory_rows import MemoryRows
from showdesk.domain.handoff import Handoff


class MemoryHandoffStore(MemoryRows):
    async def save_handoff(self, handoff: Handoff) -> None:
        self._save(handoff)

    async def get_handoff(self, handoff_id: str) -> Handoff | None:
        return self._get(Handoff, handoff_id)

    async def redeem_handoff(self, handoff_id: str, now: datetime, device: str) -> bool:
        stored: Handoff | None = self._rows[Handoff].get(handoff_id)
        if stored is None or stored.redeemed_at is not None or now >= stored.expires_at:
            return False
        stored.redeemed_at = now
        stored.device = device
        return True

    async def count_handoffs(self, conversation_id: str) -> int:
        return sum(1 for h in self._rows[Handoff].values() if h.conversation_id == conversation_id)

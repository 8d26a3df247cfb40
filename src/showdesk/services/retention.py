"""Retention: a chat's transcript and video records are purged once it ended longer ago than the period.

The purge goes in batches of at most `batch_size` conversations, each batch (per organization) one
store transaction that removes the conversations' records and then the conversations. A conversation's
records are whatever the stores list as such (messages, video sessions, photos, hand-offs); a later table of
them is added to that list in the stores and to `PurgeCounts`, and is purged here with no change to
this service.

Each organization that lost anything gets one audit entry per run (actor Retention, action
`retention.purge`, the cutoff and the counts as `after`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from showdesk.domain.retention import PurgeCounts, PurgeRecord, retention_cutoff, retention_period
from showdesk.services.audit import AuditTrail
from showdesk.services.ports import Clock, RetentionStore

log = logging.getLogger(__name__)

ACTOR = ("retention", "Retention")
BATCH_SIZE = 500
EVERY = 3600.0  # seconds between the server's purges


@dataclass
class PurgeResult:
    """One run: the cutoff (None: the period keeps everything), the counts in all and per organization."""

    cutoff: datetime | None
    counts: PurgeCounts = field(default_factory=PurgeCounts)
    organizations: dict[str, PurgeCounts] = field(default_factory=dict)


class RetentionService:
    def __init__(
        self, store: RetentionStore, clock: Clock, audit: AuditTrail, keep_days: int = 0, batch_size: int = BATCH_SIZE
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._store = store
        self._clock = clock
        self._audit = audit
        self._period = retention_period(keep_days)
        self._batch_size = batch_size

    @property
    def enabled(self) -> bool:
        return self._period is not None

    async def count(self, organization_id: str | None, now: datetime) -> PurgeResult:
        """What `purge` would remove now, without removing anything."""
        cutoff = retention_cutoff(now, self._period)
        if cutoff is None:
            return PurgeResult(cutoff)
        return PurgeResult(cutoff, await self._store.count_expired(cutoff, organization_id))

    async def purge(self, organization_id: str | None, now: datetime) -> PurgeResult:
        """Remove every conversation of the organization (None: of all) that is expired at `now`."""
        cutoff = retention_cutoff(now, self._period)
        if cutoff is None:
            return PurgeResult(cutoff)
        per_org: defaultdict[str, PurgeCounts] = defaultdict(PurgeCounts)
        try:
            while True:
                batch = await self._store.expired_conversations(cutoff, self._batch_size, organization_id)
                removed = await self._delete(batch, per_org)
                if len(batch) < self._batch_size or removed.conversations == 0:
                    break  # the last batch, or nothing more could be removed (never an endless loop)
        finally:  # batches already committed are recorded even when a later one failed
            for org_id, counts in per_org.items():
                if not counts.nothing:
                    record = PurgeRecord.of(cutoff, counts)
                    await self._audit.record_by(org_id, ACTOR, "retention.purge", None, record)
        return PurgeResult(cutoff, sum(per_org.values(), PurgeCounts()), dict(per_org))

    async def _delete(self, batch: list[tuple[str, str]], per_org: defaultdict[str, PurgeCounts]) -> PurgeCounts:
        """One batch, one transaction per organization in it (the audit log is per organization)."""
        by_org: defaultdict[str, list[str]] = defaultdict(list)
        for conversation_id, org_id in batch:
            by_org[org_id].append(conversation_id)
        removed = PurgeCounts()
        for org_id, ids in by_org.items():
            counts = await self._store.delete_conversations(ids)
            per_org[org_id] += counts
            removed += counts
        return removed

    async def keep_purging(self, every: float = EVERY) -> None:
        """Purge every organization now and then every `every` seconds, until cancelled; a failed run
        is logged and the next one tried on time."""
        while True:
            try:
                result = await self.purge(None, self._clock.now())
                if not result.counts.nothing:
                    c = result.counts
                    log.info(
                        "retention: purged %d conversations (%d messages, %d video sessions, %d photos) ended before %s",  # noqa: E501
                        c.conversations,
                        c.messages,
                        c.video_sessions,
                        c.photos,
                        result.cutoff.isoformat() if result.cutoff else "-",
                    )
            except Exception:
                log.exception("retention: the purge failed; trying again in %.0f s", every)
            await self._clock.sleep(every)

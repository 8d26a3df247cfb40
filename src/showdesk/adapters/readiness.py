"""Whether this node can serve now, for `/readyz` (a reverse proxy's or an orchestrator's health check):
the database answers, its schema is the one this version migrates to (Alembic's head), and Redis
answers when one is configured.

`/healthz` says the process is up; `/readyz` says it is worth sending customers to. Each check is bounded
in time, so a database or a Redis that hangs makes `/readyz` say so within seconds instead of hanging
with it. What failed is said in words a person can act on, never with a connection string; the
exception itself goes to the log, once each time the answer changes.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import redis.asyncio as aioredis

from showdesk.adapters.storage.schema_sql import migration_revisions
from showdesk.services.ports import SchemaStore

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 2.0  # seconds each check may take before it counts as not answering


@dataclass(frozen=True)
class NotReady:
    code: str
    message: str


class Readiness:
    def __init__(self, store: SchemaStore, redis_url: str | None, timeout: float = CHECK_TIMEOUT) -> None:
        self._store = store
        self._timeout = timeout
        self._redis = (
            aioredis.from_url(redis_url, socket_connect_timeout=timeout, socket_timeout=timeout) if redis_url else None
        )
        self._schema: tuple[frozenset[str], frozenset[str]] | None = None  # heads, every known revision
        self._last: NotReady | None = None

    async def check(self) -> NotReady | None:
        """None when ready; else the first thing that is not (database, then schema, then Redis)."""
        problem = await self._database()
        if problem is None and self._redis is not None:
            problem = await self._ping_redis()
        if problem != self._last:
            if problem is None:
                log.info("ready again")
            else:
                log.warning("not ready: %s", problem.message)
            self._last = problem
        return problem

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()

    async def _database(self) -> NotReady | None:
        try:
            revisions = await asyncio.wait_for(self._store.schema_revisions(), self._timeout)
        except Exception as exc:
            log.debug("database check failed", exc_info=exc)
            return NotReady("database_unavailable", "the database does not answer")
        if revisions is None:  # a store with no schema (in memory: tests) always answers
            return None
        if self._schema is None:
            self._schema = await asyncio.to_thread(migration_revisions)  # reads the migration scripts once
        heads, known = self._schema
        if revisions == heads:
            return None
        found = ", ".join(sorted(revisions)) or "none"
        wanted = ", ".join(sorted(heads))
        if revisions and not revisions <= known:
            return NotReady(
                "schema_newer",
                f"the database's schema is at revision {found}, which this version does not know: a newer "
                "ShowDesk migrated it; run that version on this node",
            )
        return NotReady(
            "migrations_pending",
            f"the database's schema is at revision {found}, this version needs {wanted}: restart this node "
            "(a node migrates the database when it starts)",
        )

    async def _ping_redis(self) -> NotReady | None:
        assert self._redis is not None
        try:
            await asyncio.wait_for(self._redis.ping(), self._timeout)
        except Exception as exc:
            log.debug("Redis check failed", exc_info=exc)
            return NotReady("redis_unavailable", "Redis does not answer: nodes cannot share events or routing")
        return None

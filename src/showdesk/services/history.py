"""Interaction history: finding conversations by time, queue, agent, state, video, photos and words.

Whoever holds Conversation > Transcript > View searches their whole organization; an agent (Chat >
Answer) without it searches only the conversations they took, and asking for another agent's is
refused. The answer is a page, newest first, with the cursor of the next page when there is one.
A search reads the database harder than other requests: each user may make `searches_per_user` a minute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from showdesk.domain.errors import Forbidden, InvalidInput
from showdesk.domain.history import (
    DEFAULT_PAGE,
    MAX_PAGE,
    ConversationQuery,
    ConversationSummary,
    Cursor,
    search_words,
    states_for,
)
from showdesk.domain.permissions import Permission
from showdesk.domain.rate_limit import RateLimited, Rule
from showdesk.services.access import AccessService, Principal
from showdesk.services.ports import ConversationStore, Limiter


@dataclass(frozen=True)
class HistorySearch:
    """A search as asked for (transport reads it from the query string)."""

    since: datetime | None = None
    until: datetime | None = None
    queue_id: str | None = None
    agent_id: str | None = None
    states: list[str] = field(default_factory=list)  # waiting, connected, ended, abandoned
    has_video: bool | None = None
    has_photo: bool | None = None
    text: str | None = None
    cursor: str | None = None
    page_size: int = DEFAULT_PAGE
    wrapup_code_id: str | None = None


@dataclass(frozen=True)
class HistoryPage:
    entities: list[ConversationSummary]
    next_cursor: str | None


class InteractionHistory:
    def __init__(self, store: ConversationStore, access: AccessService, limiter: Limiter, per_minute: int) -> None:
        self._store = store
        self._access = access
        self._limiter = limiter
        self._per_user = Rule("conversation_search_user", per_minute, 60.0)

    async def search(self, principal: Principal, search: HistorySearch) -> HistoryPage:
        query = await self.query_for(principal, search)
        found = await self._store.search_conversations(query)
        page = found[: search.page_size]
        last = page[-1].conversation if page else None
        more = len(found) > search.page_size and last is not None
        return HistoryPage(page, Cursor(last.created_at, last.id).encode() if more and last else None)

    async def query_for(self, principal: Principal, search: HistorySearch) -> ConversationQuery:
        """The store's query for what `principal` asked: permissions checked, counted against their searches."""
        current = await self._access.refresh(principal)
        agent_id = search.agent_id
        if not current.has(Permission.TRANSCRIPT_VIEW):
            if not current.has(Permission.CHAT_ANSWER):
                raise Forbidden(
                    "searching conversations needs Conversation > Transcript > View", code="permission_denied"
                )
            if agent_id not in (None, current.user.id):
                raise Forbidden("you may search only the conversations you took", code="permission_denied")
            agent_id = current.user.id
        wait = await self._limiter.hit(self._per_user, current.user.id)
        if wait > 0:
            raise RateLimited(
                f"too many searches just now; please try again in {math.ceil(wait)} seconds", retry_after=wait
            )
        if not 1 <= search.page_size <= MAX_PAGE:
            raise InvalidInput(f"pageSize is from 1 to {MAX_PAGE}", code="invalid_page_size")
        since, until = _utc(search.since), _utc(search.until)
        if since is not None and until is not None and since >= until:
            raise InvalidInput("from must be before to", code="invalid_time_range")
        return ConversationQuery(
            organization_id=current.user.organization_id,
            since=since,
            until=until,
            queue_id=search.queue_id,
            agent_id=agent_id,
            states=states_for(search.states),
            has_video=search.has_video,
            has_photo=search.has_photo,
            wrapup_code_id=search.wrapup_code_id,
            words=search_words(search.text),
            after=Cursor.decode(search.cursor) if search.cursor else None,
            limit=search.page_size + 1,  # one more than the page: whether there is a next one
        )


def _utc(when: datetime | None) -> datetime | None:
    """A time without a zone is read as UTC (as every stored time is)."""
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when

"""Interaction exports: every conversation a search finds, up to `export_max_conversations`, read from the
store a page at a time while the answer is written, each with its queue's and agent's names.

Who may export what is who may search what (InteractionHistory.query_for: the organization with
Transcript > View, an agent only their own chats), checked before anything is read; an export counts as
one search against the user's limit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Protocol

from showdesk.domain.history import ConversationQuery, ConversationSummary, Cursor
from showdesk.services.access import Principal
from showdesk.services.history import HistorySearch, InteractionHistory
from showdesk.services.ports import ConversationStore, DirectoryStore

EXPORT_PAGE = 100  # conversations read from the store at a time


class ExportStore(ConversationStore, DirectoryStore, Protocol):
    """What an export reads: the conversations, and the names of their queues and agents."""


@dataclass(frozen=True)
class ExportedConversation:
    summary: ConversationSummary
    queue_name: str | None
    agent_name: str | None


class ConversationExport:
    """An export's conversations, newest first, read as they are iterated. `complete` turns False when the
    limit cut the export short (known once the pages have been read)."""

    def __init__(
        self,
        store: ConversationStore,
        query: ConversationQuery,
        limit: int,
        queues: dict[str, str],
        agents: dict[str, str],
    ) -> None:
        self._store = store
        self._query = query
        self._queues = queues
        self._agents = agents
        self.limit = limit
        self.complete = True

    async def pages(self) -> AsyncIterator[list[ExportedConversation]]:
        query, left = self._query, self.limit
        while left > 0:
            size = min(EXPORT_PAGE, left)
            found = await self._store.search_conversations(replace(query, limit=size + 1))
            page = found[:size]
            if page:
                yield [self._named(summary) for summary in page]
            left -= len(page)
            if len(found) <= size:
                return
            if left == 0:
                self.complete = False
                return
            last = page[-1].conversation
            query = replace(query, after=Cursor(last.created_at, last.id))

    def _named(self, summary: ConversationSummary) -> ExportedConversation:
        conv = summary.conversation
        queue = self._queues.get(conv.queue_id) if conv.queue_id else None
        agent = self._agents.get(conv.agent_id) if conv.agent_id else None
        return ExportedConversation(summary, queue, agent)


class InteractionExports:
    def __init__(self, store: ExportStore, history: InteractionHistory, limit: int) -> None:
        self._store = store
        self._history = history
        self._limit = limit

    async def conversations(self, principal: Principal, search: HistorySearch) -> ConversationExport:
        """The export of what `search` finds; refused (before any conversation is read) as the search would be."""
        query = await self._history.query_for(principal, search)
        org_id = query.organization_id
        queues = {queue.id: queue.name for queue in await self._store.list_queues(org_id)}
        agents = {user.id: user.name for user in await self._store.list_users(org_id)}
        return ConversationExport(self._store, query, self._limit, queues, agents)

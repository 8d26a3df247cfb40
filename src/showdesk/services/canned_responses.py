"""Canned responses: read by whoever answers chats (or manages them), the organization's changed with
Canned Responses > Manage (audited), an agent's own only by that agent. Another agent's personal response
reads as one that does not exist."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from showdesk.domain.canned_responses import (
    MAX_ORGANIZATION_RESPONSES,
    MAX_PERSONAL_RESPONSES,
    MAX_QUERY_CHARS,
    CannedResponse,
    Scope,
    checked_text,
    checked_title,
    fill,
    matches,
)
from showdesk.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import Permission
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.conversation_access import agents_conversation
from showdesk.services.ports import CannedResponseStore, Clock, ConversationStore


@dataclass(frozen=True)
class CannedChanges:
    """What to change of a response (a new one needs all three); None leaves a field as it is."""

    scope: str | None = None  # organization | personal; only when creating
    title: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Found:
    response: CannedResponse
    filled: str | None  # its text with the chat's names in, when a chat was named


class CannedResponseService:
    def __init__(
        self,
        responses: CannedResponseStore,
        conversations: ConversationStore,
        clock: Clock,
        access: AccessService,
        audit: AuditTrail,
    ) -> None:
        self._responses = responses
        self._conversations = conversations
        self._clock = clock
        self._access = access
        self._audit = audit

    async def find(self, principal: Principal, query: str | None, conversation_id: str | None) -> list[Found]:
        """The organization's responses and the caller's own, those a search finds; with a chat of the caller's
        (connected), each also filled in with its customer's name and the caller's."""
        current = await self._reader(principal)
        if query is not None and len(query) > MAX_QUERY_CHARS:
            raise InvalidInput(f"q must be at most {MAX_QUERY_CHARS} characters", code="invalid_query")
        names: tuple[str, str] | None = None
        if conversation_id is not None:
            conv = await agents_conversation(self._conversations, current, conversation_id)
            names = (conv.customer_name, current.user.name)
        found = await self._responses.list_canned_responses(current.user.organization_id, current.user.id)
        return [Found(r, fill(r.text, *names) if names else None) for r in found if not query or matches(r, query)]

    async def create(self, principal: Principal, changes: CannedChanges) -> CannedResponse:
        if changes.scope not in (Scope.ORGANIZATION.value, Scope.PERSONAL.value):
            raise InvalidInput("scope must be organization or personal", code="invalid_scope")
        scope = Scope(changes.scope)
        current = await self._access.require(principal, _needed(scope))
        org = current.user.organization_id
        owner = current.user.id if scope is Scope.PERSONAL else None
        now = self._clock.now()
        response = CannedResponse(
            new_id("cr"), org, owner, checked_title(changes.title or ""), checked_text(changes.text or ""), now, now
        )
        kept = [r for r in await self._responses.list_canned_responses(org, owner) if r.owner_user_id == owner]
        most = MAX_PERSONAL_RESPONSES if owner else MAX_ORGANIZATION_RESPONSES
        if len(kept) >= most:
            raise Conflict(
                f"{'you keep' if owner else 'the organization keeps'} {most} canned responses, the most there may be",
                code="canned_response_limit",
            )
        _refuse_taken(kept, response)
        await self._responses.save_canned_response(response)
        if owner is None:
            await self._audit.record(current, "canned_response.create", None, response)
        return response

    async def update(self, principal: Principal, response_id: str, changes: CannedChanges) -> CannedResponse:
        current, response = await self._writable(principal, response_id)
        before = copy.deepcopy(response)
        if changes.title is not None:
            response.title = checked_title(changes.title)
        if changes.text is not None:
            response.text = checked_text(changes.text)
        siblings = await self._responses.list_canned_responses(response.organization_id, response.owner_user_id)
        _refuse_taken([r for r in siblings if r.owner_user_id == response.owner_user_id], response)
        response.updated_at = self._clock.now()
        await self._responses.save_canned_response(response)
        if response.scope is Scope.ORGANIZATION:
            await self._audit.record(current, "canned_response.update", before, response)
        return response

    async def delete(self, principal: Principal, response_id: str) -> None:
        current, response = await self._writable(principal, response_id)
        await self._responses.delete_canned_response(response.id)
        if response.scope is Scope.ORGANIZATION:
            await self._audit.record(current, "canned_response.delete", response, None)

    async def _reader(self, principal: Principal) -> Principal:
        """Chat > Answer or Canned Responses > Manage: who may read canned responses at all."""
        current = await self._access.refresh(principal)
        if not (current.has(Permission.CHAT_ANSWER) or current.has(Permission.CANNED_RESPONSES_MANAGE)):
            raise Forbidden(
                f"{current.user.name} lacks the permission {Permission.CHAT_ANSWER.value} "
                f"(or {Permission.CANNED_RESPONSES_MANAGE.value})",
                code="permission_denied",
            )
        return current

    async def _writable(self, principal: Principal, response_id: str) -> tuple[Principal, CannedResponse]:
        """The response, for a change: the organization's with Manage, one's own with Chat > Answer."""
        current = await self._reader(principal)
        response = await self._responses.get_canned_response(response_id)
        if (
            response is None
            or response.organization_id != current.user.organization_id
            or response.owner_user_id not in (None, current.user.id)
        ):
            raise NotFound(f"canned response {response_id} does not exist", code="canned_response_not_found")
        return await self._access.require(current, _needed(response.scope)), response


def _needed(scope: Scope) -> Permission:
    return Permission.CANNED_RESPONSES_MANAGE if scope is Scope.ORGANIZATION else Permission.CHAT_ANSWER


def _refuse_taken(kept: list[CannedResponse], response: CannedResponse) -> None:
    """One title once in a scope (the organization's, or one agent's own), whatever its case."""
    title = response.title.casefold()
    if any(r.id != response.id and r.title.casefold() == title for r in kept):
        raise Conflict(f"a canned response titled '{response.title}' already exists", code="canned_response_exists")

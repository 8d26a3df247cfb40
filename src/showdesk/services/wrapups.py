"""Wrap-up codes (the organization's list, audited) and the wrap-up an agent closes an ended chat with."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Protocol

from showdesk.domain.conversation import Conversation
from showdesk.domain.errors import Conflict, Forbidden, NotFound
from showdesk.domain.ids import new_id
from showdesk.domain.permissions import Permission
from showdesk.domain.wrapup import MAX_WRAPUP_CODES, WrapupCode, wrap_up
from showdesk.services import input as check
from showdesk.services.access import AccessService, Principal
from showdesk.services.audit import AuditTrail
from showdesk.services.owned import owned
from showdesk.services.ports import Clock, ConversationStore, OrganizationStore

WRAPUP_ASKED_FOR = 8 * 3600.0  # seconds after its end a required wrap-up is asked for again on a new desktop
MAX_AWAITING = 20  # ... at most this many chats


class WrapupStore(ConversationStore, OrganizationStore, Protocol):
    """The codes, the queues that may require one, and the chats they close."""


class WrapupService:
    def __init__(self, store: WrapupStore, clock: Clock, access: AccessService, audit: AuditTrail) -> None:
        self._store = store
        self._clock = clock
        self._access = access
        self._audit = audit

    async def list_codes(self, principal: Principal) -> list[WrapupCode]:
        """For the agents who close chats with them and for those who keep the list."""
        current = await self._access.require_any(
            principal, (Permission.CHAT_ANSWER, Permission.WRAPUP_CODE_EDIT, Permission.DIRECTORY_VIEW)
        )
        return await self._store.list_wrapup_codes(current.user.organization_id)

    async def create_code(self, principal: Principal, name: str) -> WrapupCode:
        current = await self._access.require(principal, Permission.WRAPUP_CODE_EDIT)
        org = current.user.organization_id
        code_name = check.name(name, "wrap-up code name", 200)
        codes = await self._store.list_wrapup_codes(org)
        if any(c.name == code_name for c in codes):
            raise Conflict(f"wrap-up code '{code_name}' already exists", code="wrapup_code_exists")
        if len(codes) >= MAX_WRAPUP_CODES:
            raise Conflict(f"an organization keeps at most {MAX_WRAPUP_CODES} wrap-up codes", code="too_many_codes")
        code = WrapupCode(new_id("w"), org, code_name)
        await self._store.save_wrapup_code(code)
        await self._audit.record(current, "wrapupCode.create", None, code)
        return code

    async def rename_code(self, principal: Principal, code_id: str, name: str) -> WrapupCode:
        current = await self._access.require(principal, Permission.WRAPUP_CODE_EDIT)
        code = await self._code_of(current, code_id)
        before = copy.deepcopy(code)
        code.name = check.name(name, "wrap-up code name", 200)
        if code.name != before.name and any(
            c.name == code.name for c in await self._store.list_wrapup_codes(code.organization_id)
        ):
            raise Conflict(f"wrap-up code '{code.name}' already exists", code="wrapup_code_exists")
        await self._store.save_wrapup_code(code)
        await self._audit.record(current, "wrapupCode.update", before, code)
        return code

    async def delete_code(self, principal: Principal, code_id: str) -> None:
        """Chats closed with it keep its name."""
        current = await self._access.require(principal, Permission.WRAPUP_CODE_EDIT)
        code = await self._code_of(current, code_id)
        await self._store.delete_wrapup_code(code.id)
        await self._audit.record(current, "wrapupCode.delete", code, None)

    async def wrap_up(
        self, principal: Principal, conversation_id: str, code_id: str | None, note: str | None
    ) -> Conversation:
        """The ended chat's agent closes it with a code (required when its queue says so) and a note."""
        current = await self._access.require(principal, Permission.CHAT_ANSWER)
        conv = await self._store.get_conversation(conversation_id)
        if conv is None or conv.organization_id != current.user.organization_id:
            raise NotFound(f"conversation {conversation_id} does not exist", code="conversation_not_found")
        if conv.agent_id != current.user.id:
            raise Forbidden("only the chat's own agent wraps it up", code="not_your_conversation")
        code = None
        if code_id is not None:
            code = await self._code_of(current, code_id)
        queue = await self._store.get_queue(conv.queue_id or "")
        wrap_up(conv, code, note, queue is not None and queue.wrapup_required, self._clock.now())
        await self._store.save_conversation(conv)
        return conv

    async def awaiting(self, principal: Principal) -> list[Conversation]:
        """The agent's ended chats whose queue requires a wrap-up they have not given yet (lately): a desktop
        that reconnects asks for it again."""
        current = await self._access.require(principal, Permission.CHAT_ANSWER)
        since = self._clock.now() - timedelta(seconds=WRAPUP_ASKED_FOR)
        waiting = []
        for conv in await self._store.list_unwrapped_conversations(current.user.id, since):
            queue = await self._store.get_queue(conv.queue_id or "")
            if queue is not None and queue.wrapup_required:
                waiting.append(conv)
        return waiting[-MAX_AWAITING:]

    async def _code_of(self, current: Principal, code_id: str) -> WrapupCode:
        return await owned(
            self._store.get_wrapup_code, code_id, current.user.organization_id, "wrap-up code", "wrapup_code_not_found"
        )

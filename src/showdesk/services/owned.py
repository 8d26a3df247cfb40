"""Reading one entity by id for someone of an organization: another organization's is not found, in the same
words as one that does not exist (nobody learns what other organizations hold)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from showdesk.domain.errors import NotFound


class OfOrganization(Protocol):
    @property
    def organization_id(self) -> str: ...


T = TypeVar("T", bound=OfOrganization)


async def owned(get: Callable[[str], Awaitable[T | None]], entity_id: str, org_id: str, what: str, code: str) -> T:
    """`get(entity_id)` when it belongs to `org_id`; else NotFound ("`what` <id> does not exist", `code`)."""
    found = await get(entity_id)
    if found is None or found.organization_id != org_id:
        raise NotFound(f"{what} {entity_id} does not exist", code=code)
    return found

"""The in-memory store's generic rows: entities by type and id, copied on the way in and out (as a
database would), so a caller holding an object never changes stored state by accident."""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any, TypeVar

from showdesk.domain.errors import Conflict

E = TypeVar("E")


class MemoryRows:
    """The state every part of the in-memory store shares; MemoryStore makes it."""

    _rows: defaultdict[type[Any], dict[str, Any]]

    def _get(self, cls: type[E], key: str) -> E | None:
        found = self._rows[cls].get(key)
        return copy.deepcopy(found) if found is not None else None

    def _list(self, cls: type[E], org_id: str, order: str) -> list[E]:
        found = [copy.deepcopy(e) for e in self._rows[cls].values() if e.organization_id == org_id]
        return sorted(found, key=lambda e: getattr(e, order))

    def _save(self, entity: Any, unique: tuple[str, ...] = ()) -> None:
        """Insert or update by id; a value of a `unique` field another entity of the organization has is a
        `Conflict` (the SQL tables' unique constraints)."""
        for field_name in unique:
            for other in self._rows[type(entity)].values():
                same_scope = getattr(other, "organization_id", None) == getattr(entity, "organization_id", None)
                if other.id != entity.id and same_scope and getattr(other, field_name) == getattr(entity, field_name):
                    raise Conflict(f"{type(entity).__name__.lower()} {field_name} already exists")
        self._rows[type(entity)][entity.id] = copy.deepcopy(entity)

    def _delete(self, cls: type[Any], key: str) -> None:
        self._rows[cls].pop(key, None)

"""The audit log: every configuration change, who made it, and the entity before and after."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Never written to the log: hashes and secrets are replaced by whether they changed.
SECRET_FIELDS = frozenset({"password_hash", "secret_hash", "secret", "credential"})


@dataclass
class AuditEntry:
    id: str
    organization_id: str
    at: datetime
    actor_id: str
    actor_name: str
    action: str  # "<target type>.<verb>", e.g. queue.create, flow.publish, license.update
    target_type: str
    target_id: str
    target_name: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def snapshot(entity: Any) -> dict[str, Any] | None:
    """What the log keeps of an entity: its fields in camelCase, secrets only as `set`/`unset`."""
    if entity is None:
        return None
    out: dict[str, Any] = {}
    for f in dataclasses.fields(entity):
        if f.name in ("organization_id",):
            continue
        value = getattr(entity, f.name)
        if f.name in SECRET_FIELDS:
            value = "set" if value else "unset"
        elif isinstance(value, datetime):
            value = value.isoformat()
        out[_camel(f.name)] = value
    return out


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)

"""How a moment is written wherever clients read one (REST answers, socket frames): ISO 8601 in UTC, to
the millisecond, with a Z (`2026-03-01T09:30:00.250Z`)."""

from __future__ import annotations

from datetime import datetime
from typing import overload


@overload
def wire_time(at: datetime) -> str: ...
@overload
def wire_time(at: datetime | None) -> str | None: ...
def wire_time(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="milliseconds").replace("+00:00", "Z")

"""Rows to dataclasses and back: the generic reads and upserts every SQL table shares."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from showdesk.domain.errors import Conflict

E = TypeVar("E")


def _aware(value: Any) -> Any:
    # SQLite hands datetimes back without a zone; every time ShowDesk stores is UTC.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def to_entity(cls: type[E], row: Any) -> E:
    data = row._mapping
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    return cls(**{n: _aware(data[n]) for n in names})


def _column(value: Any) -> Any:
    """A field as it is stored. Not dataclasses.asdict on the whole entity: that deep-copies every dict,
    which for a large flow definition holds up the event loop for tens of milliseconds."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


class SqlRows:
    """Generic row access; the stores built on it name their tables and entity types."""

    engine: AsyncEngine
    is_sqlite: bool

    async def _one(self, table: Table, cls: type[E], **where: Any) -> E | None:
        query = select(table).where(*(table.c[k] == v for k, v in where.items()))
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return to_entity(cls, row) if row is not None else None

    async def _many(self, table: Table, cls: type[E], order: str | None = None, **where: Any) -> list[E]:
        query = select(table).where(*(table.c[k] == v for k, v in where.items()))
        if order:
            query = query.order_by(table.c[order])
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [to_entity(cls, r) for r in rows]

    async def _save(self, table: Table, entity: Any, keep: tuple[str, ...] = ()) -> None:
        values = {f.name: _column(getattr(entity, f.name)) for f in dataclasses.fields(entity) if f.name in table.c}
        try:
            async with self.engine.begin() as conn:
                await self._upsert(conn, table, values, keep)
        except IntegrityError as exc:
            kind = table.name.rstrip("s")
            raise Conflict(f"a {kind} with the same name or email already exists") from exc

    async def _upsert(self, conn: AsyncConnection, table: Table, values: dict[str, Any], keep: tuple[str, ...]) -> None:
        changes = {k: v for k, v in values.items() if k != "id" and k not in keep}
        stmt: Any
        if self.is_sqlite:
            stmt = sqlite_insert(table).values(**values).on_conflict_do_update(index_elements=["id"], set_=changes)
        else:
            stmt = pg_insert(table).values(**values).on_conflict_do_update(index_elements=["id"], set_=changes)
        await conn.execute(stmt)

    async def _delete(self, table: Table, **where: Any) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(delete(table).where(*(table.c[k] == v for k, v in where.items())))

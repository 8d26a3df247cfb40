"""The SQL store's photos: metadata and image bytes in one table, the bytes read only when asked for."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.sql_rows import SqlRows, to_entity
from showdesk.domain.photos import Photo

_META = [c for c in t.photos.c if c.name != "data"]


class SqlPhotoStore(SqlRows):
    async def add_photo(self, photo: Photo, data: bytes) -> tuple[Photo, bool]:
        """Store the photo; if its request already has one, that one (and False)."""
        try:
            async with self.engine.begin() as conn:
                await conn.execute(t.photos.insert().values(**dataclasses.asdict(photo), data=data))
        except IntegrityError:
            existing = await self.photo_for_request(photo.conversation_id, photo.request_id)
            if existing is None:
                raise
            return existing, False
        return photo, True

    async def photo_for_request(self, conversation_id: str, request_id: str) -> Photo | None:
        p = t.photos
        query = select(*_META).where(p.c.conversation_id == conversation_id, p.c.request_id == request_id)
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return to_entity(Photo, row) if row is not None else None

    async def get_photo(self, photo_id: str) -> Photo | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(*_META).where(t.photos.c.id == photo_id))).first()
        return to_entity(Photo, row) if row is not None else None

    async def get_photo_data(self, photo_id: str) -> bytes | None:
        async with self.engine.connect() as conn:
            data = (await conn.execute(select(t.photos.c.data).where(t.photos.c.id == photo_id))).scalar()
        return bytes(data) if data is not None else None

    async def list_photos(self, conversation_id: str) -> list[Photo]:
        p = t.photos
        query = select(*_META).where(p.c.conversation_id == conversation_id).order_by(p.c.created_at, p.c.id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [to_entity(Photo, r) for r in rows]

    async def delete_photo(self, photo_id: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(t.photos.delete().where(t.photos.c.id == photo_id))

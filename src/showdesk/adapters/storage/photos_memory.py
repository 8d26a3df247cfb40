"""The in-memory store's photos: photos_sql.py on a dictionary (one photo per conversation and request)."""

from __future__ import annotations

import copy

from showdesk.domain.photos import Photo


class MemoryPhotoStore:
    _photos: dict[str, tuple[Photo, bytes]]

    async def add_photo(self, photo: Photo, data: bytes) -> tuple[Photo, bool]:
        existing = await self.photo_for_request(photo.conversation_id, photo.request_id)
        if existing is not None:
            return existing, False
        self._photos[photo.id] = (copy.deepcopy(photo), bytes(data))
        return copy.deepcopy(photo), True

    async def photo_for_request(self, conversation_id: str, request_id: str) -> Photo | None:
        for photo, _ in self._photos.values():
            if photo.conversation_id == conversation_id and photo.request_id == request_id:
                return copy.deepcopy(photo)
        return None

    async def get_photo(self, photo_id: str) -> Photo | None:
        found = self._photos.get(photo_id)
        return copy.deepcopy(found[0]) if found else None

    async def get_photo_data(self, photo_id: str) -> bytes | None:
        found = self._photos.get(photo_id)
        return found[1] if found else None

    async def list_photos(self, conversation_id: str) -> list[Photo]:
        found = [copy.deepcopy(p) for p, _ in self._photos.values() if p.conversation_id == conversation_id]
        return sorted(found, key=lambda p: (p.created_at, p.id))

    async def delete_photo(self, photo_id: str) -> None:
        self._photos.pop(photo_id, None)

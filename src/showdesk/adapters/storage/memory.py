"""The in-memory store: the same contract as the SQL store (tests/contract holds both to it), one part
per aggregate (`<aggregate>_memory.py`) over shared dictionaries, for fast service tests."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from showdesk.adapters.storage.audit_memory import MemoryAuditStore
from showdesk.adapters.storage.canned_responses_memory import MemoryCannedResponseStore
from showdesk.adapters.storage.configuration_memory import MemoryConfigurationStore
from showdesk.adapters.storage.conversations_memory import MemoryConversationStore
from showdesk.adapters.storage.directory_memory import MemoryDirectoryStore
from showdesk.adapters.storage.handoffs_memory import MemoryHandoffStore
from showdesk.adapters.storage.photos_memory import MemoryPhotoStore
from showdesk.adapters.storage.retention_memory import MemoryRetentionStore
from showdesk.adapters.storage.tokens_memory import MemoryRevokedTokenStore
from showdesk.adapters.storage.video_memory import MemoryVideoStore
from showdesk.domain.conversation import Message
from showdesk.domain.photos import Photo

if TYPE_CHECKING:
    from showdesk.services.ports import Store


class MemoryStore(
    MemoryConversationStore,
    MemoryDirectoryStore,
    MemoryConfigurationStore,
    MemoryVideoStore,
    MemoryPhotoStore,
    MemoryAuditStore,
    MemoryRetentionStore,
    MemoryRevokedTokenStore,
    MemoryHandoffStore,
    MemoryCannedResponseStore,
):
    def __init__(self) -> None:
        self._rows: defaultdict[type[Any], dict[str, Any]] = defaultdict(dict)
        self._messages: defaultdict[str, list[Message]] = defaultdict(list)
        self._last_seq: defaultdict[str, int] = defaultdict(int)
        self._lock = asyncio.Lock()
        self._photos: dict[str, tuple[Photo, bytes]] = {}
        self._revoked: dict[str, datetime] = {}
        self._installation_id = uuid.uuid4().hex

    async def schema_revisions(self) -> frozenset[str] | None:
        return None  # no schema: always ready

    async def close(self) -> None:
        return None


if TYPE_CHECKING:

    def _every_port(store: MemoryStore) -> Store:  # mypy holds MemoryStore to every port, as open_store does SqlStore
        return store

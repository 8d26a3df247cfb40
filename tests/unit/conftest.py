"""Fixtures shared by the unit tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from showdesk.adapters.ice.stun import StunServer, start_stun_responder


@pytest.fixture
async def responder() -> AsyncIterator[StunServer]:
    """ShowDesk's STUN responder on a free loopback port."""
    server = await start_stun_responder("127.0.0.1", 0)
    yield server
    server.close()

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server import ServerProcess


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    """One demo server per test module; short routing timers so tests stay quick."""
    proc = ServerProcess("--offer-timeout", "3", "--agent-grace", "1").start()
    yield proc
    proc.cleanup()

"""Integration tests run against a real server on every backend that is reachable: a SQLite file with
the in-process bus, and PostgreSQL with Redis. A backend that is not there is skipped, saying why."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.backends import BACKENDS, unreachable
from tests.support.server import ServerProcess


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    reason = unreachable(request.param)
    if reason:
        pytest.skip(reason)
    return str(request.param)


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    """One demo server per test module, on each backend; short routing timers so tests stay quick."""
    proc = ServerProcess("--offer-timeout", "3", "--agent-grace", "1", backend=backend).start()
    yield proc
    proc.cleanup()

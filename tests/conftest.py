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


# Tests that measure time or load: scripts/test runs them in its second phase, one at a time, with the
# browser tests (marked e2e), while everything else shares the cores in the first phase.
SERIAL_MODULES = {
    "tests/integration/test_flow_limits.py": "/healthz's p50 and max during a large flow's validation",
    "tests/integration/test_password_flood.py": "a guest's ping p99 during a flood of password hashing",
    "tests/integration/test_slow_clients.py": "how long a slow client holds others up",
    "tests/integration/test_graceful_shutdown.py": "how long a node takes to stop",
    "tests/unit/test_flow_worst_cases.py": "a worst-case flow parsed within a second",
    "tests/unit/test_routing_cluster.py": "routing leases with short real-time TTLs",
    "tests/integration/test_rolling_restart.py": "two nodes behind nginx restarted in turn, within set waits",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(str(item.path).endswith(module) for module in SERIAL_MODULES):
            item.add_marker(pytest.mark.serial)

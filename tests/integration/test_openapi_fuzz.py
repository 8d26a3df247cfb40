"""Schemathesis over /openapi.json: every operation, with data that fits the schema and data that
does not, as an administrator; no answer may be a 5xx."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from showdesk.config import Settings
from showdesk.transport.app import create_app
from tests.support.server import ServerProcess

SCHEMA = schemathesis.openapi.from_dict(create_app(Settings(secret_key="s" * 40)).openapi())
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}
# Logging out (or out everywhere) would end the token the fuzzer uses; the RBAC matrix covers them.
SIGN_OUTS = {"POST /api/v2/auth/logout", "POST /api/v2/auth/logout-all"}
FUZZED = sorted(label for label in OPERATIONS if label not in SIGN_OUTS)
EXAMPLES = 15


@pytest.fixture(scope="module")
def server():
    proc = ServerProcess().start()
    yield proc
    proc.cleanup()


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"}


@pytest.mark.parametrize("label", FUZZED)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_input_gets_a_server_error(server: ServerProcess, admin: dict[str, str], label: str, mode: Any) -> None:
    operation = OPERATIONS[label]
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy(generation_mode=mode))
    def call(case: Any) -> None:
        response = case.call(base_url=server.base, headers=admin)
        if response.status_code >= 500:
            failures.append(
                f"{response.status_code} {response.text[:200]} for {case.path_parameters} {case.body!r:.200}"
            )
        elif response.status_code >= 400:
            body = response.json()
            assert set(body) >= {"code", "message"}, response.text

    try:
        call()
    except Unsatisfiable:
        pytest.skip(f"{label} has no {mode.value} inputs to make")
    assert failures == []

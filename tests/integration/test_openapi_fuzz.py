"""Schemathesis over /openapi.json: every operation, with data that fits the schema and data that
does not, as an administrator. No answer may be a 5xx, and every answer must be what the schema says:
a documented status, content type and headers, and a body of the documented shape (a 4xx `{code, message}`)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from showdesk.config import Settings
from showdesk.transport.app import create_app
from tests.support.server import ServerProcess

SCHEMA = schemathesis.openapi.from_dict(create_app(Settings(secret_key="s" * 40)).openapi())
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}
# Logging out (or out everywhere) would end the token the fuzzer uses; the RBAC matrix covers them.
SIGN_OUTS = {"POST /api/v2/auth/logout", "POST /api/v2/auth/logout-all"}
FUZZED = sorted(label for label in OPERATIONS if label not in SIGN_OUTS)
EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


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
def test_every_answer_is_what_the_schema_says(
    server: ServerProcess, admin: dict[str, str], label: str, mode: Any
) -> None:
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
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as failed:  # every check that failed, in words
            found = "; ".join(str(f) for f in failed.exceptions)
            sent = f"{case.path_parameters} {case.query} {case.body!r:.200}"
            failures.append(f"{response.status_code} {found:.600}\n  for {sent}")

    try:
        call()
    except Unsatisfiable:
        pytest.skip(f"{label} has no {mode.value} inputs to make")
    assert failures == []

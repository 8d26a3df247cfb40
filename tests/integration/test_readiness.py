"""/readyz beside /healthz: 200 while the database answers with this version's schema and Redis answers;
503 `{code, message}` saying which when the schema is behind (or ahead), Redis is gone or the database
is, and 200 again once it is back. /healthz stays 200 throughout: the process is up."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.support.backends import POSTGRES_REDIS, REDIS_URL, ScratchDatabase, unreachable
from tests.support.server import ServerProcess
from tests.support.tcp_relay import TcpRelay
from tests.support.waiting import wait_until


def _readyz(server: ServerProcess) -> httpx.Response:
    return httpx.get(f"{server.base}/readyz", timeout=10)


def _eventually_not_ready(server: ServerProcess, code: str) -> dict[str, Any]:
    def refused() -> dict[str, Any] | None:
        answer = _readyz(server)
        return dict(answer.json()) if answer.status_code == 503 and answer.json()["code"] == code else None

    found: dict[str, Any] = wait_until(refused, 10, f"/readyz saying {code}", every=0.2)
    return found


@pytest.fixture
def sqlite_server() -> Iterator[ServerProcess]:
    proc = ServerProcess().start()
    yield proc
    proc.cleanup()


def test_ready_with_its_schema_and_not_while_the_schema_is_behind_or_ahead(sqlite_server: ServerProcess) -> None:
    ready = _readyz(sqlite_server)
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    path = make_url(sqlite_server.database_url).database
    assert path is not None
    with sqlite3.connect(path) as db:
        [(current,)] = db.execute("SELECT version_num FROM alembic_version").fetchall()
        db.execute("UPDATE alembic_version SET version_num = '0001'")  # as if an older backup were restored
    behind = _eventually_not_ready(sqlite_server, "migrations_pending")
    assert "0001" in behind["message"] and current in behind["message"] and "restart" in behind["message"]
    assert httpx.get(f"{sqlite_server.base}/healthz").status_code == 200  # up, not ready

    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999_from_a_newer_version'")
    ahead = _eventually_not_ready(sqlite_server, "schema_newer")
    assert "newer" in ahead["message"]

    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = ?", (current,))
    assert _readyz(sqlite_server).status_code == 200


def test_the_openapi_schema_documents_both_answers(sqlite_server: ServerProcess) -> None:
    readyz = httpx.get(f"{sqlite_server.base}/openapi.json").json()["paths"]["/readyz"]["get"]
    assert set(readyz["responses"]) >= {"200", "503"}
    assert "redis_unavailable" in readyz["description"]


@dataclass
class Cuttable:
    """Redis and a scratch PostgreSQL database, each reached through a relay a test can cut."""

    to_redis: TcpRelay
    to_postgres: TcpRelay
    redis_url: str
    database_url: str


@pytest.fixture
def cuttable() -> Iterator[Cuttable]:
    reason = unreachable(POSTGRES_REDIS)
    if reason:
        pytest.skip(reason)
    redis, scratch = urlsplit(REDIS_URL), ScratchDatabase()
    database = make_url(scratch.url)
    to_redis = TcpRelay(redis.hostname or "127.0.0.1", redis.port or 6379).start()
    to_postgres = TcpRelay(database.host or "127.0.0.1", database.port or 5432).start()
    through = database.set(host="127.0.0.1", port=to_postgres.port).render_as_string(hide_password=False)
    yield Cuttable(to_redis, to_postgres, f"redis://127.0.0.1:{to_redis.port}{redis.path}", through)
    to_redis.close()
    to_postgres.close()
    scratch.drop()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.parametrize("cut", ["redis", "database"])
def test_not_ready_while_redis_or_the_database_is_gone(cuttable: Cuttable, cut: str) -> None:
    server = ServerProcess("--redis-url", cuttable.redis_url, database_url=cuttable.database_url).start()
    try:
        assert _readyz(server).status_code == 200
        (cuttable.to_redis if cut == "redis" else cuttable.to_postgres).stop()
        gone = _eventually_not_ready(server, f"{cut}_unavailable")
        assert "does not answer" in gone["message"]
        assert "127.0.0.1" not in gone["message"]  # what failed, never where it lives
        assert httpx.get(f"{server.base}/healthz").status_code == 200
    finally:
        server.cleanup()

"""What a real `showdesk serve` leaves on disk is its owner's alone: the data folder 0700, the SQLite
database with its -wal and -shm files and the generated secret key 0600, whatever the umask, and
those of an older version found open to others are tightened at start."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.server import ServerProcess

DEFAULT_DATABASE = "sqlite+aiosqlite:///showdesk-data/showdesk.db"  # the default, under the server's folder


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def default_server() -> ServerProcess:
    """`showdesk serve --demo` as a first-time operator runs it: default database, no --secret-key."""
    server = ServerProcess()
    server.database_url = DEFAULT_DATABASE
    server.env.pop("SHOWDESK_SECRET_KEY")
    return server


def assert_owner_only(data: Path) -> None:
    assert mode(data) == 0o700
    for name in ("showdesk.db", "showdesk.db-wal", "showdesk.db-shm", "secret.key"):
        assert (data / name).exists(), name
        assert mode(data / name) == 0o600, f"{name}: {oct(mode(data / name))}"


def test_a_first_start_makes_the_data_folder_and_its_files_owner_only() -> None:
    server = default_server()
    try:
        with umask(0o022):  # the usual umask would give 0755 folders and 0644 files
            server.start()
        token = server.login()  # something written, so the WAL has content
        assert httpx.get(f"{server.base}/api/v2/users/me", headers={"authorization": f"Bearer {token}"}).is_success
        assert_owner_only(server.workdir / "showdesk-data")
    finally:
        server.cleanup()


def test_an_older_data_folder_open_to_others_is_tightened_at_start() -> None:
    first = default_server()
    try:
        first.start()
        first.stop()
        data = first.workdir / "showdesk-data"
        data.chmod(0o755)
        for path in data.iterdir():
            path.chmod(0o644)
        again = default_server()
        shutil.rmtree(again.workdir)
        again.workdir, again.log = first.workdir, first.log
        again.start()
        try:
            again.login()
            assert_owner_only(data)
        finally:
            again.stop()
    finally:
        first.cleanup()

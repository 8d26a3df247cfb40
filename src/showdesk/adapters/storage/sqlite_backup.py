"""Backing up and restoring a SQLite database while ShowDesk may be serving it.

A backup is SQLite's online backup API in one step: it reads the database inside one read transaction,
so the copy is the database as of one moment (every commit before it, none after, never half of one),
and in WAL mode the server goes on writing meanwhile. The copy is checked (`PRAGMA quick_check`), made a
single self-contained file (journal mode DELETE), owner-only, and moved into place only when complete.
Photos are rows of the database, so they are in it.

Every ShowDesk process that opens a SQLite database holds a shared lock (`flock`) on a file beside it
(`<database>-lock`; SQLite's own locks are POSIX record locks on the database itself, which these never
touch). A restore takes that lock exclusively, so it refuses a database a server or a command is using,
and a server cannot start on a database being restored. A restore removes the database's old `-wal` and
`-shm` files before the restored file takes its place (SQLite would otherwise replay the old WAL into it).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from showdesk.adapters.storage.private_files import FILE_MODE, SQLITE_COMPANIONS, owner_only

LOCK_SUFFIX = "-lock"
BUSY_TIMEOUT = 30.0  # seconds to wait for a lock SQLite itself holds (recovery, a checkpoint)


class BackupProblem(Exception):
    """Why a backup or a restore was not done, in words for the operator."""


@dataclass(frozen=True)
class Copied:
    size: int  # bytes of the copy
    revision: str  # the schema's revision (Alembic)


def lock_file(database: Path) -> Path:
    return database.with_name(database.name + LOCK_SUFFIX)


def _open_lock(database: Path) -> int:
    return os.open(lock_file(database), os.O_CREAT | os.O_RDWR, FILE_MODE)


class SqliteHold:
    """A ShowDesk process's shared hold on a SQLite database, for as long as it has it open."""

    def __init__(self, database: Path) -> None:
        self._fd: int | None = _open_lock(database)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self.release()
            raise BackupProblem(f"{database} is being restored; start again once the restore is done") from exc

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing lets go of the lock
            self._fd = None


@contextlib.contextmanager
def _exclusive(database: Path) -> Iterator[None]:
    fd = _open_lock(database)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BackupProblem(
                f"{database} is in use by a running ShowDesk server (or command): stop it first"
            ) from exc
        yield
    finally:
        os.close(fd)


def _new_private_file(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))


def _copy(source: sqlite3.Connection, destination: Path) -> Copied:
    """The source database as of one moment into `destination` (a new file), checked, self-contained."""
    _new_private_file(destination)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)  # every page in one step: one read transaction, one consistent moment
        target.execute("PRAGMA journal_mode=DELETE")  # no -wal file beside it: the copy is one file
        [(check,)] = target.execute("PRAGMA quick_check").fetchall()
        if check != "ok":
            raise BackupProblem(f"the copy failed SQLite's check ({check}); nothing was replaced")
        revision = _revision(target)
    finally:
        target.close()
    return Copied(destination.stat().st_size, revision)


def _revision(conn: sqlite3.Connection) -> str:
    try:
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupProblem("it holds no ShowDesk database (no schema version)") from exc
    if len(rows) != 1:
        raise BackupProblem("it holds no ShowDesk database (no schema version)")
    return str(rows[0][0])


def backup(database: Path, destination: Path) -> Copied:
    """Copy the live database to `destination` (written beside it, then moved into place)."""
    if not database.is_file() or database.stat().st_size == 0:
        raise BackupProblem(f"there is no database at {database}")
    partial = destination.with_name(f".{destination.name}.partial")
    copied = _copy_whole(sqlite3.connect(database, timeout=BUSY_TIMEOUT), partial)
    os.replace(partial, destination)
    return copied


def _copy_whole(source: sqlite3.Connection, partial: Path) -> Copied:
    """`_copy` from `source` (closed after) into `partial`, which is removed when the copy fails."""
    try:
        return _copy(source, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()


def check_backup(path: Path) -> str:
    """The schema revision of a backup file; BackupProblem when it is not a sound ShowDesk database."""
    if not path.is_file():
        raise BackupProblem(f"there is no file {path}")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupProblem(f"{path} cannot be opened as a SQLite database ({exc})") from exc
    try:
        [(check,)] = conn.execute("PRAGMA quick_check").fetchall()
        if check != "ok":
            raise BackupProblem(f"{path} fails SQLite's check ({check})")
        return _revision(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupProblem(f"{path} is not a SQLite database ({exc})") from exc
    finally:
        conn.close()


def restore(backup_file: Path, database: Path, *, force: bool) -> Copied:
    """Put a backup in place of `database`: refused while any ShowDesk process uses it, and over an
    existing database without `force`."""
    check_backup(backup_file)
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _exclusive(database):
        if database.is_file() and database.stat().st_size > 0 and not force:
            raise BackupProblem(f"{database} exists: restore over it with --force (its chats are then lost)")
        partial = database.with_name(f".{database.name}.restoring")
        copied = _copy_whole(sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True), partial)
        for companion in SQLITE_COMPANIONS:  # the old database's WAL must never be replayed into this one
            database.with_name(database.name + companion).unlink(missing_ok=True)
        os.replace(partial, database)
        owner_only(database, FILE_MODE)
    return copied

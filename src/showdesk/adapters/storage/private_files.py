"""The files that hold customers' chats and the server's key, readable by their owner only.

A folder ShowDesk makes is 0700; the SQLite database is created 0600 before SQLite opens it, and SQLite
gives its -wal, -shm and -journal files the database's own mode. Files of ours found looser (made by an
older version, or under a wide umask) are tightened at start; a folder the operator chose and files
owned by another user are left as they are.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_folder(path: Path) -> None:
    """Make `path` and each missing parent, owner-only."""
    missing: list[Path] = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=FOLDER_MODE, exist_ok=True)
        owner_only(made, FOLDER_MODE)


def owner_only(path: Path, mode: int) -> None:
    """Tighten an existing file or folder of ours to `mode`; missing or someone else's: left alone."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return
    if found.st_uid != os.getuid() or stat.S_IMODE(found.st_mode) == mode:
        return
    try:
        path.chmod(mode)
    except OSError as exc:
        log.warning("could not make %s owner-only (%s)", path, exc)


def sqlite_file(database_url: str) -> Path | None:
    """The database file of a SQLite URL; None for PostgreSQL and in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def prepare_sqlite_file(database_url: str) -> None:
    """Before SQLite opens it: the database's folder (when ShowDesk makes it) and the file, owner-only."""
    path = sqlite_file(database_url)
    if path is None:
        return
    private_folder(path.parent)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))  # an empty file is an empty database
    for name in ("", *SQLITE_COMPANIONS):
        owner_only(path.with_name(path.name + name), FILE_MODE)


def read_secret_key(path: Path) -> str | None:
    """The key kept in `path` (tightened to 0600), or None when there is none."""
    if not path.exists():
        return None
    owner_only(path, FILE_MODE)
    return path.read_text().strip()


def kept_secret_key(path: Path) -> str:
    """The key kept in `path`; made there, owner-only, the first time."""
    found = read_secret_key(path)
    if found is not None:
        return found
    private_folder(path.parent)
    key = secrets.token_urlsafe(48)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(key)
    return key

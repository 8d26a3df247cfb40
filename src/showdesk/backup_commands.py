"""`showdesk backup FILE` and `showdesk restore FILE`, for a SQLite database (PostgreSQL has pg_dump).

The backup is consistent while the server serves and writes (adapters/storage/sqlite_backup.py), and
holds the photos (they are rows of the database). The server's secret key (`showdesk-data/secret.key`)
opens the TURN secrets sealed in the database and signs every token: the backup copies it beside the
file as `FILE.key`, and the restore puts it back. A key given by `--secret-key` / `SHOWDESK_SECRET_KEY`
is not in a file: keep it with the backup yourself. Each command says what it did in one line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from showdesk.config import DATA_DIR, default_database_url

KEY_SUFFIX = ".key"
_DATABASE_URL = typer.Option(envvar="SHOWDESK_DATABASE_URL", help="default: SQLite in ./showdesk-data/")
_POSTGRES_BACKUP = (
    "error: {url} is PostgreSQL: back it up with pg_dump (pg_dump --format=custom --file=showdesk.dump "
    'DATABASE) and keep the secret key with it; see docs/deploy.md, "Backups"'
)
_POSTGRES_RESTORE = (
    "error: {url} is PostgreSQL: restore a pg_dump file with pg_restore into a new, empty database while no "
    'node runs; see docs/deploy.md, "Backups"'
)


def _sqlite_path(url: str, refusal: str) -> Path:
    from showdesk.adapters.storage.private_files import sqlite_file

    path = sqlite_file(url)
    if path is None:
        typer.echo(refusal.format(url=_shown(url)), err=True)
        raise typer.Exit(2)
    return path


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _key_from_settings() -> bool:
    return bool(os.environ.get("SHOWDESK_SECRET_KEY"))


def _size(count: int) -> str:
    return f"{count / (1 << 20):.1f} MiB" if count >= 1 << 20 else f"{count / 1024:.0f} KiB"


def _write_private(path: Path, text: str) -> None:
    from showdesk.adapters.storage.private_files import FILE_MODE, owner_only, private_folder

    private_folder(path.parent)
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    owner_only(path, FILE_MODE)


def backup(
    file: Annotated[Path, typer.Argument(help="where to write the backup (refused if it exists, unless --force)")],
    database_url: Annotated[str, _DATABASE_URL] = "",
    force: Annotated[bool, typer.Option("--force", help="replace FILE (and FILE.key) if they exist")] = False,
) -> None:
    """Back up the SQLite database (photos included) and the secret key, consistently, while the server runs."""
    from showdesk.adapters.storage.private_files import read_secret_key
    from showdesk.adapters.storage.sqlite_backup import BackupProblem
    from showdesk.adapters.storage.sqlite_backup import backup as copy_database

    database = _sqlite_path(database_url or default_database_url(), _POSTGRES_BACKUP)
    key_file = file.with_name(file.name + KEY_SUFFIX)
    if not force and (file.exists() or key_file.exists()):
        typer.echo(f"error: {file if file.exists() else key_file} exists: choose another name, or --force", err=True)
        raise typer.Exit(1)
    try:
        copied = copy_database(database, file)
    except (BackupProblem, OSError) as exc:
        typer.echo(f"error: backup of {database} not made: {exc}", err=True)
        raise typer.Exit(1) from exc
    kept = None if _key_from_settings() else read_secret_key(DATA_DIR / "secret.key")
    if kept is not None:
        _write_private(key_file, kept)
        key = f"and the secret key to {key_file} (keep both together, and private)"
    elif _key_from_settings():
        key = "the secret key is SHOWDESK_SECRET_KEY's: keep it with the backup"
        key_file.unlink(missing_ok=True)
    else:
        key = f"no secret key was found in {DATA_DIR / 'secret.key'}"
    typer.echo(
        f"backed up {database} ({_size(copied.size)}, schema {copied.revision}, photos included) to {file}, {key}"
    )


def restore(
    file: Annotated[Path, typer.Argument(help="a file made by `showdesk backup`")],
    database_url: Annotated[str, _DATABASE_URL] = "",
    force: Annotated[
        bool,
        typer.Option("--force", help="replace an existing database (and secret key); never one a server is using"),
    ] = False,
) -> None:
    """Restore a backup as the SQLite database (and its secret key), with no server running on it."""
    from showdesk.adapters.storage.private_files import read_secret_key
    from showdesk.adapters.storage.sqlite_backup import BackupProblem, check_backup
    from showdesk.adapters.storage.sqlite_backup import restore as put_back

    database = _sqlite_path(database_url or default_database_url(), _POSTGRES_RESTORE)
    key_file, kept_key = file.with_name(file.name + KEY_SUFFIX), DATA_DIR / "secret.key"
    backup_key = read_secret_key(key_file) if key_file.is_file() else None
    current_key = read_secret_key(kept_key)
    try:
        check_backup(file)
        if backup_key is not None and current_key not in (None, backup_key) and not force:
            raise BackupProblem(f"{kept_key} holds another secret key: restore over it with --force")
        copied = put_back(file, database, force=force)
    except (BackupProblem, OSError) as exc:
        typer.echo(f"error: {file} not restored: {exc}", err=True)
        raise typer.Exit(1) from exc
    if backup_key is None:
        key = f"no {key_file} beside it: the server needs the key the backup was made with"
    elif _key_from_settings():
        _write_private(kept_key, backup_key)
        key = f"its secret key to {kept_key} (SHOWDESK_SECRET_KEY is set, and wins: set it to that key)"
    else:
        _write_private(kept_key, backup_key)
        key = f"and its secret key to {kept_key}"
    typer.echo(f"restored {file} ({_size(copied.size)}, schema {copied.revision}) to {database}, {key}")

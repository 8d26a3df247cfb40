"""`showdesk backup FILE` while a server serves a burst of messages, then `showdesk restore FILE` into a
fresh folder: a server on the restored database shows every message acknowledged before the backup
began, a transcript that is exactly the live one up to a point (nothing torn), the chat's photo, and the
TURN secrets sealed with the secret key the backup carried. Restore refuses a database a server uses, an
existing one without --force, and anything but a backup; both refuse PostgreSQL, naming pg_dump/pg_restore."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.integration.test_graceful_shutdown import Writer
from tests.integration.test_photos_api import _asked
from tests.integration.test_turn_secrets_at_rest import add_turn_servers, assert_relays_work
from tests.support.images import encoded
from tests.support.server import ServerProcess
from tests.support.waiting import eventually

KEPT_KEY = {"SHOWDESK_SECRET_KEY": ""}  # the server makes and keeps its key in showdesk-data/, as it does by default


def showdesk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWDESK_")}
    return subprocess.run(
        [sys.executable, "-m", "showdesk.cli", *args], capture_output=True, text=True, timeout=60, cwd=cwd, env=env
    )


def _path(server: ServerProcess) -> Path:
    found = make_url(server.database_url).database
    assert found is not None
    return Path(found)


async def test_a_backup_during_a_burst_restores_every_acked_message_the_photo_and_the_key(tmp_path: Path) -> None:
    live = ServerProcess("--guest-message-rate", "0", env=KEPT_KEY).start()
    fresh = ServerProcess(env=KEPT_KEY)  # its folder is empty until the restore
    try:
        add_turn_servers(live)
        guest, agent, cid, asked = await _asked(live)
        jpeg = encoded(800, 600)
        photos = f"{live.base}/api/v2/conversations/{cid}/photos"
        headers = {"authorization": f"Bearer {guest.started['token']}", "content-type": "image/jpeg"}  # type: ignore[attr-defined]
        uploaded = httpx.post(photos, content=jpeg, headers={**headers, "x-photo-request": asked["request"]})
        assert uploaded.status_code == 201, uploaded.text

        customer, staff = Writer(guest.ws, None), Writer(agent.ws, cid)
        tasks = [asyncio.create_task(w) for w in (customer.read(), staff.read(), customer.write(), staff.write())]
        await eventually(lambda: len(customer.acked) + len(staff.acked) >= 100, timeout=30)
        acked_before = {**customer.acked, **staff.acked}
        made = await asyncio.to_thread(showdesk, "backup", str(tmp_path / "nightly.db"), "--database-url",
                                       live.database_url, cwd=live.workdir)  # fmt: skip
        more = len(acked_before) + 100  # writes went on meanwhile
        await eventually(lambda: len(customer.acked) + len(staff.acked) >= more, timeout=30)
        await guest.close()
        await agent.close()
        await asyncio.gather(*tasks)
        assert made.returncode == 0, made.stderr
        [said] = made.stdout.splitlines()
        assert f"to {tmp_path / 'nightly.db'}" in said and "photos included" in said
        assert f"secret key to {tmp_path / 'nightly.db.key'}" in said
        assert os.stat(tmp_path / "nightly.db").st_mode & 0o077 == 0
        assert os.stat(tmp_path / "nightly.db.key").st_mode & 0o077 == 0

        restored = showdesk("restore", str(tmp_path / "nightly.db"), "--database-url", fresh.database_url,
                            cwd=fresh.workdir)  # fmt: skip
        assert restored.returncode == 0, restored.stderr
        [said] = restored.stdout.splitlines()
        assert f"to {_path(fresh)}" in said and "secret key to showdesk-data/secret.key" in said
        live_key = (live.workdir / "showdesk-data" / "secret.key").read_text()
        assert (fresh.workdir / "showdesk-data" / "secret.key").read_text() == live_key
        with sqlite3.connect(_path(fresh)) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

        fresh.start()
        token = {"authorization": f"Bearer {fresh.login()}"}
        stored = httpx.get(f"{fresh.base}/api/v2/conversations/{cid}/messages", headers=token).json()
        by_id = {m["id"]: m for m in stored}
        for message in acked_before.values():  # every message acknowledged before the backup began
            assert by_id[message["id"]]["text"] == message["text"]
        live_token = {"authorization": f"Bearer {live.login()}"}
        everything = httpx.get(f"{live.base}/api/v2/conversations/{cid}/messages", headers=live_token).json()
        assert stored == everything[: len(stored)]  # the live transcript up to one moment: nothing torn
        assert len(stored) < len(everything)  # and that moment was during the burst
        print(f"{len(acked_before)} acked before the backup; restored {len(stored)} of {len(everything)} messages")
        photo = uploaded.json()["photo"]
        assert httpx.get(f"{fresh.base}{photo['url']}", headers=token).content == jpeg
        await assert_relays_work(fresh)  # the sealed TURN secrets open with the restored key
        assert "cannot be read with this server's secret key" not in fresh.server_log()
    finally:
        fresh.cleanup()
        live.cleanup()


def test_restore_refuses_a_database_in_use_an_existing_one_without_force_and_a_non_backup(tmp_path: Path) -> None:
    server = ServerProcess().start()
    try:
        url = ["--database-url", server.database_url]
        assert showdesk("backup", str(tmp_path / "b.db"), *url, cwd=tmp_path).returncode == 0
        again = showdesk("backup", str(tmp_path / "b.db"), *url, cwd=tmp_path)
        assert again.returncode == 1 and "exists" in again.stderr  # a backup is not overwritten by mistake
        before = _path(server).stat().st_mtime_ns
        for force in ([], ["--force"]):
            held = showdesk("restore", str(tmp_path / "b.db"), *url, *force, cwd=tmp_path)
            assert held.returncode == 1 and "in use by a running ShowDesk server" in held.stderr, held.stderr
        assert _path(server).stat().st_mtime_ns == before
        assert httpx.get(f"{server.base}/readyz").status_code == 200

        server.stop()
        existing = showdesk("restore", str(tmp_path / "b.db"), *url, cwd=tmp_path)
        assert existing.returncode == 1 and "--force" in existing.stderr
        assert showdesk("restore", str(tmp_path / "b.db"), *url, "--force", cwd=tmp_path).returncode == 0
        (tmp_path / "not-a-backup.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
        for junk in ("not-a-backup.db", "missing.db"):
            refused = showdesk("restore", str(tmp_path / junk), "--database-url",
                               f"sqlite+aiosqlite:///{tmp_path / 'new.db'}", cwd=tmp_path)  # fmt: skip
            assert refused.returncode == 1 and "not restored" in refused.stderr
            assert not (tmp_path / "new.db").exists() or (tmp_path / "new.db").stat().st_size == 0
        server.start()  # the restored database serves
        assert httpx.get(f"{server.base}/readyz").status_code == 200
    finally:
        server.cleanup()


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_is_pointed_at_pg_dump_and_pg_restore(tmp_path: Path, command: str) -> None:
    url = "postgresql+asyncpg://showdesk:secret-password@db.example/showdesk"
    refused = showdesk(command, str(tmp_path / "x.dump"), "--database-url", url, cwd=tmp_path)
    assert refused.returncode == 2
    [line] = refused.stderr.splitlines()
    assert ("pg_dump" if command == "backup" else "pg_restore") in line and "secret-password" not in line

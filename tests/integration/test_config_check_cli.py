"""`showdesk config check` as an operator runs it: the same flags and SHOWDESK_* environment as serve,
secrets never printed, exit 1 with what is unsafe, 0 when nothing is; console TURN servers read from the
database without writing to it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from showdesk.adapters.storage import open_store
from showdesk.domain.directory import Organization
from showdesk.domain.turn_servers import TurnServer

LONG = "config-check-long-secret-" + "z9y8x7w6" * 3


def config_check(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SHOWDESK_")}
    return subprocess.run(
        [sys.executable, "-m", "showdesk.cli", "config", "check", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**clean, **env},
    )


def test_safe_settings_from_the_environment_exit_0_with_secrets_masked(tmp_path: Path) -> None:
    done = config_check(cwd=tmp_path, SHOWDESK_METRICS_TOKEN=LONG, SHOWDESK_SECRET_KEY=LONG + "k")

    assert done.returncode == 0, done.stdout
    assert done.stdout.rstrip().endswith("Nothing unsafe found.")
    assert LONG not in done.stdout
    assert f"(set, {len(LONG)} characters)  *" in done.stdout  # read from SHOWDESK_METRICS_TOKEN
    assert not (tmp_path / "showdesk-data").exists()  # nothing made: no database, no key


def test_demo_on_a_public_address_over_plain_http_exits_1_saying_why(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://showdesk:db-password-1@127.0.0.1:1/showdesk"
    flags = ["--host", "0.0.0.0", "--demo", "--demo-public", "--metrics-token", "change-me"]  # noqa: S104
    done = config_check(*flags, "--database-url", url, cwd=tmp_path)

    assert done.returncode == 1
    out = done.stdout
    assert "db-password-1" not in out and "postgresql+asyncpg://showdesk:***@127.0.0.1:1/showdesk" in out
    unsafe = [line for line in out.splitlines() if line.startswith("UNSAFE")]
    assert any("admin@demo.local / admin" in line for line in unsafe)
    assert any("plain HTTP" in line for line in unsafe)
    assert any("--metrics-token" in line for line in unsafe)
    assert "NOTE the console's TURN servers could not be read" in out  # nothing listens on port 1
    assert out.rstrip().endswith("3 problems found.")


def test_a_turn_server_in_the_console_counts_as_a_relay(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'showdesk.db'}"
    public = ("--host", "0.0.0.0", "--public-origin", "https://chat.example.com", "--database-url", url)  # noqa: S104
    env = {"SHOWDESK_METRICS_TOKEN": LONG, "SHOWDESK_SECRET_KEY": LONG + "k"}

    async def add_relay() -> None:
        store = await open_store(url, LONG + "k")
        try:
            await store.save_organization(Organization("acme", "Acme"))
            await store.save_turn_server(TurnServer("t1", "acme", "Relay", ["turn:turn.example.com"], secret=LONG))
        finally:
            await store.close()

    without = config_check(*public, cwd=tmp_path, **env)
    assert without.returncode == 1 and "FAILS no TURN relay" in without.stdout
    assert not (tmp_path / "showdesk.db").exists()  # a database that is not there is not made
    asyncio.run(add_relay())
    with_relay = config_check(*public, cwd=tmp_path, **env)
    assert with_relay.returncode == 0, with_relay.stdout
    assert "TURN" not in with_relay.stdout.split("(* differs from the default)")[1]

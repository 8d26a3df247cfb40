"""`showdesk user create|set-password|disable` against the database of a running server, on every backend:
the API's rules, the changes audit-logged as the operator, and sign-ins ended (with --redis-url, the
running nodes close the user's live sockets at once)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.support.backends import POSTGRES_REDIS, REDIS_URL
from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent

OPERATOR = "Operator (command line)"
PASSWORD = "from-a-file-password"


def user_cli(
    server: ServerProcess, backend: str, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWDESK_")}
    more = ["--redis-url", REDIS_URL] if backend == POSTGRES_REDIS and args[0] != "create" else []
    return subprocess.run(
        [sys.executable, "-m", "showdesk.cli", "user", *args, "--database-url", server.database_url, *more],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=server.workdir,
        env=env,
        input=stdin,
    )


def shown_password(output: str) -> str:
    found = re.search(r"shown this once .*: (\S+)$", output, re.MULTILINE)
    assert found, output
    return found.group(1)


def me(server: ServerProcess, token: str) -> httpx.Response:
    return httpx.get(f"{server.base}/api/v2/users/me", headers={"authorization": f"Bearer {token}"})


def operator_entries(server: ServerProcess, email: str) -> list[dict[str, Any]]:
    admin = {"authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"}
    page = httpx.get(f"{server.base}/api/v2/audit", headers=admin, params={"targetType": "user", "limit": 200})
    return [e for e in page.json()["items"] if e["actorName"] == OPERATOR and email in (e["after"] or {}).values()]


async def test_create_set_password_and_disable_as_the_operator(
    server: ServerProcess, backend: str, tmp_path: Path
) -> None:
    email = f"nia{uuid.uuid4().hex[:8]}@demo.local"
    made = user_cli(
        server, backend, "create", "--organization", "demo", "--email", email, "--name", "Nia Night", "--role", "Agent"
    )
    assert made.returncode == 0, made.stderr
    first = server.login(email, shown_password(made.stdout))
    mine = me(server, first).json()
    assert mine["name"] == "Nia Night" and mine["roles"] == ["Agent"] and mine["videoEnabled"] is True
    desktop = await Agent.connect(server.ws_base, first)

    password_file = tmp_path / "password.txt"
    password_file.write_text(PASSWORD + "\n")
    changed = user_cli(server, backend, "set-password", "--email", email, "--password-file", str(password_file))
    assert changed.returncode == 0, changed.stderr
    assert "shown this once" not in changed.stdout
    refused = me(server, first)
    assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"
    if backend == POSTGRES_REDIS:  # told over Redis, the node closes the live socket at once
        assert (await desktop.expect("error"))["code"] == "token_revoked"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(desktop.ws.recv(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    else:
        await desktop.close()
    second = server.login(email, PASSWORD)

    disabled = user_cli(server, backend, "disable", "--email", email)
    assert disabled.returncode == 0, disabled.stderr
    assert me(server, second).status_code == 401
    login = httpx.post(f"{server.base}/api/v2/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 401 and login.json()["code"] == "account_disabled"
    assert user_cli(server, backend, "disable", "--email", email).stdout.endswith("nothing was changed.\n")

    actions = sorted(e["action"] for e in operator_entries(server, email))
    assert actions == ["user.create", "user.update", "user.update"]


def test_refusals_are_one_line_and_change_nothing(server: ServerProcess, backend: str) -> None:
    email = f"zed{uuid.uuid4().hex[:8]}@demo.local"
    unknown_role = user_cli(server, backend, "create", "--organization", "demo", "--email", email, "--role", "Wizard")
    assert unknown_role.returncode == 1 and unknown_role.stderr == "error: unknown role(s): Wizard\n"
    nowhere = user_cli(server, backend, "create", "--organization", "nowhere", "--email", email, "--role", "Agent")
    assert nowhere.returncode == 1 and "organization 'nowhere' does not exist" in nowhere.stderr
    short = user_cli(
        server, backend, "create", "--organization", "demo", "--email", email, "--password-file", "-", stdin="short\n"
    )
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    taken = user_cli(server, backend, "create", "--organization", "demo", "--email", "agent@demo.local")
    assert taken.returncode == 1 and "signs in to one account only" in taken.stderr
    missing = user_cli(server, backend, "set-password", "--email", email)
    assert missing.returncode == 1 and missing.stderr == f"error: no user signs in with {email}\n"

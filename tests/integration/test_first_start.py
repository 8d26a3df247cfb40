"""A first start without demo data, as an operator runs it: `showdesk serve` on an empty database says to run
`showdesk init`; init makes the organization and an administrator who signs in with the password it printed
once; again it changes nothing, and it refuses what it would overwrite without --force. `--demo` says what
it opened, and refuses an address beyond loopback without --demo-public."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.support.server import ServerProcess, free_port

OPERATOR = "Operator (command line)"


def showdesk(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWDESK_")}
    env["SHOWDESK_SECRET_KEY"] = "first-start-test-secret-" + "k" * 32
    return subprocess.run(
        [sys.executable, "-m", "showdesk.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
        input=stdin,
    )


def shown_password(output: str, email: str) -> str:
    found = re.search(rf"Password for {re.escape(email)}, shown this once .*: (\S+)$", output, re.MULTILINE)
    assert found, output
    return found.group(1)


def bearer(server: ServerProcess, email: str, password: str) -> dict[str, str]:
    return {"authorization": f"Bearer {server.login(email, password)}"}


def audit(server: ServerProcess, headers: dict[str, str]) -> list[dict[str, Any]]:
    page = httpx.get(f"{server.base}/api/v2/audit", headers=headers, params={"limit": 200})
    assert page.status_code == 200, page.text
    return list(page.json()["items"])


def test_serve_on_an_empty_database_says_the_command_to_run_and_exits(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    port = free_port()
    done = showdesk("serve", "--port", str(port), "--stun-port", "0", "--database-url", url, cwd=tmp_path)

    assert done.returncode == 1, done.stdout + done.stderr
    assert 'showdesk init --organization "Your Company" --admin-email you@example.com' in done.stderr
    assert "showdesk serve --demo" in done.stderr
    assert "Uvicorn running" not in done.stdout + done.stderr


def test_init_makes_an_administrator_who_signs_in_and_again_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'showdesk.db'}"
    made = showdesk(
        "init",
        "--organization",
        "Acme Support",
        "--admin-email",
        "ops@acme.example",
        "--database-url",
        url,
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    assert "its id, made from its name, is acme-support" in made.stdout
    password = shown_password(made.stdout, "ops@acme.example")
    assert len(password) >= 12

    server = ServerProcess(database_url=url, demo=False).start()
    try:
        admin = bearer(server, "ops@acme.example", password)
        me = httpx.get(f"{server.base}/api/v2/users/me", headers=admin).json()
        assert me["organizationId"] == "acme-support" and me["roles"] == ["Administrator"]
        assert "directory:user:edit" in me["permissions"]
        roles = httpx.get(f"{server.base}/api/v2/authorization/roles", headers=admin).json()
        assert {"Administrator", "Agent", "Supervisor", "Architect"} <= {r["name"] for r in roles}
        entries = audit(server, admin)
        assert {(e["action"], e["actorName"]) for e in entries} >= {
            ("organization.create", OPERATOR),
            ("user.create", OPERATOR),
        }
        assert (
            httpx.post(  # no demo accounts here
                f"{server.base}/api/v2/auth/login", json={"email": "admin@demo.local", "password": "admin"}
            ).status_code
            == 401
        )

        again = showdesk(
            "init", "--organization", "Acme Support", "--admin-email", "ops@acme.example", "--database-url", url,
            cwd=tmp_path,
        )  # fmt: skip
        assert again.returncode == 0, again.stderr
        assert again.stdout.startswith("Nothing to do:") and "Password for" not in again.stdout
        assert len(audit(server, bearer(server, "ops@acme.example", password))) == len(entries)

        other = showdesk(
            "init",
            "--organization",
            "Other Co",
            "--admin-email",
            "x@other.example",
            "--database-url",
            url,
            cwd=tmp_path,
        )
        assert other.returncode == 1
        assert other.stderr.count("\n") == 1 and "--force would add 'Other Co' (id other-co)" in other.stderr

        forced = showdesk(
            "init", "--organization", "Other Co", "--admin-email", "boss@other.example", "--database-url", url,
            "--admin-password-file", "-", "--force", cwd=tmp_path, stdin="piped-in-password-42\n",
        )  # fmt: skip
        assert forced.returncode == 0, forced.stderr
        assert "Password for" not in forced.stdout  # the operator chose it
        other_me = httpx.get(
            f"{server.base}/api/v2/users/me", headers=bearer(server, "boss@other.example", "piped-in-password-42")
        ).json()
        assert other_me["organizationId"] == "other-co"
    finally:
        server.cleanup()


def test_init_takes_the_password_from_a_file_and_refuses_a_short_one(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'showdesk.db'}"
    short = tmp_path / "short.txt"
    short.write_text("tiny\n")
    refused = showdesk(
        "init", "--organization", "Acme", "--admin-email", "ops@acme.example", "--database-url", url,
        "--admin-password-file", str(short), cwd=tmp_path,
    )  # fmt: skip
    assert refused.returncode == 1 and "at least 12 characters" in refused.stderr
    missing = showdesk(
        "init", "--organization", "Acme", "--admin-email", "ops@acme.example", "--database-url", url,
        "--admin-password-file", str(tmp_path / "nowhere.txt"), cwd=tmp_path,
    )  # fmt: skip
    assert missing.returncode == 2 and "cannot read the password file" in missing.stderr


def test_demo_says_what_it_opened_once() -> None:
    server = ServerProcess().start()
    try:
        log = server.server_log()
        assert log.count("demo accounts with well-known passwords") == 1
        assert "admin@demo.local / admin" in log and "agent@demo.local / agent" in log
        for page in ("/demo/", "/agent/", "/admin/", "/supervisor/"):
            assert f"{server.base}{page}" in log
    finally:
        server.cleanup()


def test_demo_refuses_an_address_beyond_loopback_without_demo_public(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'showdesk.db'}"
    args = ["serve", "--demo", "--host", "0.0.0.0", "--port", str(free_port()), "--stun-port", "0"]  # noqa: S104
    refused = showdesk(*args, "--database-url", url, cwd=tmp_path)
    assert refused.returncode == 2
    assert "--demo-public" in refused.stderr and "admin@demo.local" in refused.stderr
    assert not (tmp_path / "showdesk.db").exists()  # refused before anything was made

    public = ServerProcess("--host", "0.0.0.0").start()  # noqa: S104 - ServerProcess adds --demo-public
    try:
        assert httpx.get(f"{public.base}/healthz").status_code == 200
    finally:
        public.cleanup()

"""`showdesk doctor` is no port scanner: a TURN server on loopback, a private, link-local or other
non-public address (checked after the name resolves) is refused without a single packet sent, whether it
comes from the flags or from the console, where an admin types it in; `--allow-private-turn` lets it
connect."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import ServerProcess

SECRET = "doctor-test-secret-" + "d" * 16


def run_doctor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWDESK_")}
    command = [sys.executable, "-m", "showdesk.cli", "doctor", "--timeout", "1", "--stun-port", "0", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=cwd, env=env)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A UDP socket on loopback that would see any datagram doctor sent it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        yield sock


def received(sock: socket.socket) -> bool:
    try:
        sock.recv(2048)
    except BlockingIOError:
        return False
    return True


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("turn:10.1.2.3:3478", "10.1.2.3 is a private address"),
        ("turn:169.254.169.254:3478", "169.254.169.254 is a link-local address"),
        ("turn:100.64.0.7:3478?transport=tcp", "100.64.0.7 is a shared (carrier-grade NAT) address"),
        ("turn:[::1]:3478", "::1 is a loopback address"),
        ("turn:[fd12::1]:3478", "fd12::1 is a unique local (private) address"),
        ("turn:localhost:3478", "localhost resolves to"),
    ],
)
def test_non_public_turn_servers_are_refused_by_default(url: str, said: str, tmp_path: Path) -> None:
    done = run_doctor("--turn-url", url, "--turn-secret", SECRET, cwd=tmp_path)
    assert done.returncode == 1
    [fail] = [line for line in done.stdout.splitlines() if line.startswith("FAIL ")]
    assert fail.startswith(f"FAIL turn {url}: not checked: {said}")
    assert "pass --allow-private-turn" in fail


def test_loopback_is_refused_without_a_packet_and_reached_with_the_flag(
    listener: socket.socket, tmp_path: Path
) -> None:
    url = f"turn:127.0.0.1:{listener.getsockname()[1]}"
    refused = run_doctor("--turn-url", url, "--turn-secret", SECRET, cwd=tmp_path)
    assert f"FAIL turn {url}: not checked: 127.0.0.1 is a loopback address" in refused.stdout
    assert not received(listener)

    allowed = run_doctor("--turn-url", url, "--turn-secret", SECRET, "--allow-private-turn", cwd=tmp_path)
    assert "no answer in 1 s" in allowed.stdout  # it did try: the socket got the Allocate and stayed silent
    assert received(listener)


def test_a_console_admin_cannot_point_doctor_at_the_host_s_own_services(
    listener: socket.socket, tmp_path: Path
) -> None:
    server = ServerProcess().start()
    try:
        admin = {"authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"}
        port = listener.getsockname()[1]
        body = {"name": "Redis next door", "urls": [f"turn:127.0.0.1:{port}"], "secret": SECRET}
        made = httpx.post(f"{server.base}/api/v2/telephony/turn-servers", headers=admin, json=body)
        assert made.status_code == 201
        key = server.env["SHOWDESK_SECRET_KEY"]
        done = run_doctor("--database-url", server.database_url, "--secret-key", key, cwd=tmp_path)
    finally:
        server.cleanup()
    line = f"FAIL turn turn:127.0.0.1:{port} [console: Redis next door]: not checked: 127.0.0.1 is a loopback address"
    assert line in done.stdout
    assert not received(listener)

"""A real `showdesk serve --demo` in a scratch folder on a free port, for integration and e2e tests."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from tests.support.backends import POSTGRES_REDIS, REDIS_URL, SQLITE_MEMORY, ScratchDatabase
from tests.support.waiting import wait_until

METRICS_TOKEN = "integration-metrics-token-" + "m" * 16


def stop_process(proc: subprocess.Popen[bytes] | None, kill: bool = False) -> None:
    """Stop a child process: politely (SIGTERM) unless `kill`, and by force if it lingers past 10 s."""
    if proc is None or proc.poll() is not None:
        return
    if kill:
        proc.kill()
    else:
        proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# A node is ready in about a second; on a machine busy with other tests (browsers, a second pytest worker),
# hashing the demo accounts' passwords can take many times that.
START_TIMEOUT = 30


class ServerProcess:
    """With `--tls self-signed` or `--tls-cert` among the flags the base is https (and wss); `verify` then
    trusts the server's local CA, or `ca_file` (the issuer of the --tls-cert given)."""

    def __init__(
        self,
        *extra: str,
        database_url: str | None = None,
        env: dict[str, str] | None = None,
        backend: str = SQLITE_MEMORY,
        ca_file: Path | None = None,
        demo: bool = True,
    ) -> None:
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="showdesk-test-"))
        self_signed = "--tls" in extra
        https = self_signed or "--tls-cert" in extra
        self.base = f"{'https' if https else 'http'}://127.0.0.1:{self.port}"
        self.ws_base = f"{'wss' if https else 'ws'}://127.0.0.1:{self.port}"
        self.tls_folder = self.workdir / "showdesk-data" / "tls"  # where --tls self-signed keeps its CA
        self.ca_file = self.tls_folder / "ca.pem" if self_signed else ca_file
        self.scratch: ScratchDatabase | None = None
        if database_url is None and backend == POSTGRES_REDIS:
            self.scratch = ScratchDatabase()  # dropped by cleanup()
            database_url = self.scratch.url
        self.database_url = database_url or f"sqlite+aiosqlite:///{self.workdir / 'showdesk.db'}"
        self.extra = list(extra)
        self.demo = demo  # off: the database must hold an organization already (`showdesk init`)
        if backend == POSTGRES_REDIS:
            self.extra += ["--redis-url", REDIS_URL]
        self.env = {
            **os.environ,
            "SHOWDESK_SECRET_KEY": "integration-test-secret-" + "k" * 32,
            "SHOWDESK_METRICS_TOKEN": METRICS_TOKEN,  # /metrics answers 401 without it (see metrics())
            # Every test starts its chats from 127.0.0.1, many a minute; the tests of the limit set their own.
            "SHOWDESK_CHAT_STARTS_PER_ADDRESS": "0",
            **(env or {}),
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = self.workdir / "server.log"

    def start(self) -> ServerProcess:
        cmd = [
            sys.executable,
            "-m",
            "showdesk.cli",
            "serve",
            *self._demo_flags(),
            "--port",
            str(self.port),
            "--database-url",
            self.database_url,
            "--stun-port",
            "0",
            *self.extra,
        ]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        proc = self.proc

        def answering() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log.read_text()}")
            try:  # readiness only: whether the certificate is trusted is for the tests to check
                return httpx.get(self.base + "/healthz", timeout=1, verify=False).status_code == 200  # noqa: S501
            except httpx.HTTPError:
                return False

        try:
            wait_until(answering, START_TIMEOUT, "/healthz")
        except AssertionError:
            raise RuntimeError(f"server not ready in {START_TIMEOUT} s:\n{self.log.read_text()}") from None
        return self

    @property
    def verify(self) -> ssl.SSLContext | bool:
        """What httpx (and websockets, as `ssl=`) should trust to reach this server."""
        if self.ca_file is None:
            return True
        return ssl.create_default_context(cafile=str(self.ca_file))

    def _demo_flags(self) -> list[str]:
        """--demo, with --demo-public when the test listens beyond loopback (its own network namespace)."""
        if not self.demo:
            return []
        host = self.extra[self.extra.index("--host") + 1] if "--host" in self.extra else "127.0.0.1"
        return ["--demo"] if host.startswith("127.") or host in ("localhost", "::1") else ["--demo", "--demo-public"]

    def stop(self, kill: bool = False) -> None:
        stop_process(self.proc, kill)

    def cleanup(self) -> None:
        self.stop()
        if self.scratch is not None:
            self.scratch.drop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def login(self, email: str = "agent@demo.local", password: str = "agent") -> str:
        body = {"email": email, "password": password}
        r = httpx.post(self.base + "/api/v2/auth/login", json=body, timeout=10, verify=self.verify)
        r.raise_for_status()
        return str(r.json()["access_token"])

    def server_log(self) -> str:
        return self.log.read_text(errors="replace")

    def metrics(self) -> str:
        """What a Prometheus scrape of /metrics reads, with the server's metrics token."""
        headers = {"authorization": f"Bearer {METRICS_TOKEN}"}
        r = httpx.get(self.base + "/metrics", headers=headers, timeout=10, verify=self.verify)
        r.raise_for_status()
        return r.text

    def grace_outcomes(self) -> tuple[int, int, int]:
        """This node's dropped customer sockets: (graces counting down, ended with the customer back, gone)."""
        found = {"counting": 0.0, "back": 0.0, "gone": 0.0}
        for line in self.metrics().splitlines():
            if line.startswith("showdesk_customer_graces_counting "):
                found["counting"] = float(line.rsplit(" ", 1)[1])
            for outcome in ("back", "gone"):
                if line.startswith(f'showdesk_customer_graces_total{{outcome="{outcome}"}} '):
                    found[outcome] = float(line.rsplit(" ", 1)[1])
        return int(found["counting"]), int(found["back"]), int(found["gone"])

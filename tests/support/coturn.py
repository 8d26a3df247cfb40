"""A real coturn (`turnserver -c <file>`) running the configuration `showdesk turn config` generates.

Listens on a free port of 127.0.0.1 (or ::1) with a small free relay port range; `start()` returns once it
answers a STUN Binding request. Tests that use it are skipped when Debian's coturn is not installed
(`scripts/install` adds it).
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from showdesk.adapters.ice.coturn import coturn_config
from showdesk.adapters.ice.stun import binding_request, parse_binding_response
from tests.support.server import stop_process
from tests.support.waiting import wait_until

SECRET = "coturn-test-secret-" + "s" * 16


def turnserver_or_skip() -> str:
    path = shutil.which("turnserver")
    if path is None:
        pytest.skip("turnserver is not installed (Debian package coturn; scripts/install adds it)")
    return path


def _free_udp_and_tcp_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _ in range(50):
        with socket.socket(family, socket.SOCK_DGRAM) as udp:
            udp.bind((host, 0))
            port = int(udp.getsockname()[1])
            try:
                with socket.socket(family, socket.SOCK_STREAM) as tcp:
                    tcp.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def _free_udp_range(host: str, size: int) -> tuple[int, int]:
    """`size` consecutive free UDP ports, away from the kernel's ephemeral range (32768-60999)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _ in range(100):
        low = random.randrange(20000, 32000 - size)
        sockets: list[socket.socket] = []
        try:
            for port in range(low, low + size):
                s = socket.socket(family, socket.SOCK_DGRAM)
                sockets.append(s)
                s.bind((host, port))
            return low, low + size - 1
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free UDP port range")


class CoturnProcess:
    def __init__(self, host: str = "127.0.0.1", secret: str = SECRET, **config: Any) -> None:
        self.binary = turnserver_or_skip()
        self.host = host
        self.secret = secret
        self.port = _free_udp_and_tcp_port(host)
        self.min_port, self.max_port = _free_udp_range(host, 100)
        self.workdir = Path(tempfile.mkdtemp(prefix="showdesk-coturn-"))
        self.config_path = self.workdir / "turnserver.conf"
        self.config_text = coturn_config(
            secret,
            listening_ip=host,
            port=self.port,
            min_port=self.min_port,
            max_port=self.max_port,
            **config,
        )
        self.config_path.write_text(self.config_text)
        self.log = self.workdir / "turnserver.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"turn:{host}:{self.port}"

    def start(self, timeout: float = 10) -> CoturnProcess:
        # The pid file and user database go to the scratch folder, not /var.
        cmd = [self.binary, "-c", str(self.config_path), "--pidfile", str(self.workdir / "turnserver.pid")]
        cmd += ["--db", str(self.workdir / "turndb")]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT)
        proc = self.proc

        def answering() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"turnserver exited early ({proc.returncode}):\n{self.server_log()}")
            return self.answers_stun()

        try:
            wait_until(answering, timeout, "STUN")
        except AssertionError:
            self.stop()
            raise RuntimeError(f"turnserver did not answer STUN in {timeout} s:\n{self.server_log()}") from None
        return self

    def answers_stun(self) -> bool:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        request = binding_request()
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.settimeout(0.2)
            try:
                s.sendto(request, (self.host, self.port))
                data = s.recv(2048)
            except OSError:  # timeout, or port unreachable while it starts
                return False
        return parse_binding_response(data, request[8:20]) is not None

    def stop(self) -> None:
        stop_process(self.proc)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def server_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def ipv6_loopback_available() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return os.path.exists("/proc/net/if_inet6")


@pytest.fixture(scope="module", name="coturn")
def coturn_fixture() -> Iterator[CoturnProcess]:
    """`coturn`: coturn on 127.0.0.1 with the generated configuration and the test secret.

    Import `coturn_fixture` into a test module to use it."""
    server = CoturnProcess().start()
    yield server
    server.cleanup()

"""The reverse proxies of deploy/ (nginx, Caddy) in front of test nodes, run from the shipped files: only
the site's name, the certificate, the ports and the nodes' addresses are replaced, each replacement
checked to have happened, so a test runs the configuration an operator copies."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.support.backends import POSTGRES_REDIS, unreachable
from tests.support.certificates import TestCertificates, make_certificates
from tests.support.server import ServerProcess, free_port, stop_process
from tests.support.waiting import wait_until
from tests.support.ws_clients import Agent, Guest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PROXIES = ("nginx", "caddy")
_BINARIES = {"nginx": "/usr/sbin/nginx", "caddy": "/usr/bin/caddy"}


def binary(name: str) -> str | None:
    return shutil.which(name) or (_BINARIES[name] if os.access(_BINARIES[name], os.X_OK) else None)


def unavailable(name: str) -> str | None:
    """Why the `name` proxy cannot run here, or None."""
    if binary(name) is None:
        return f"{name} is not installed (scripts/install installs Debian's {name})"
    return None


def _replace(text: str, old: str, new: str, where: str) -> str:
    if old not in text:
        raise AssertionError(f"{where} no longer holds {old!r}: update tests/support/proxies.py with it")
    return text.replace(old, new)


class ProxyProcess:
    """`name` (nginx or caddy) on https://127.0.0.1:<port>, in front of the nodes on `node_ports`."""

    def __init__(self, name: str, node_ports: list[int]) -> None:
        assert len(node_ports) == 2, "deploy/ shows two nodes"
        self.name = name
        self.node_ports = node_ports
        self.port = free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        self.ws_base = f"wss://127.0.0.1:{self.port}"
        self.workdir = Path(tempfile.mkdtemp(prefix=f"showdesk-{name}-"))
        self.workdir.chmod(0o755)  # nginx's workers (nobody) keep request bodies in here
        self.certificates: TestCertificates = make_certificates(self.workdir)
        self.log = self.workdir / "proxy.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def verify(self) -> ssl.SSLContext:
        """What a client trusts to reach the proxy (the test's own CA)."""
        return ssl.create_default_context(cafile=str(self.certificates.ca))

    def client(self, source: str = "127.0.0.1", **options: object) -> httpx.Client:
        """An HTTPS client of the proxy whose connections come from `source` (any 127.x.y.z)."""
        transport = httpx.HTTPTransport(local_address=source, verify=self.verify)
        return httpx.Client(base_url=self.base, transport=transport, timeout=10, **options)  # type: ignore[arg-type]

    # nginx --------------------------------------------------------------------------------------------
    def _nginx(self) -> list[str]:
        where = "deploy/nginx/showdesk.conf"
        site = (DEPLOY / "nginx" / "showdesk.conf").read_text()
        a, b = self.node_ports
        for old, new in [
            ("server 10.0.0.11:8080 ", f"server 127.0.0.1:{a} "),
            ("server 10.0.0.12:8080 ", f"server 127.0.0.1:{b} "),
            ("    listen [::]:80;\n", ""),
            ("    listen [::]:443 ssl;\n", ""),
            ("listen 80;", f"listen 127.0.0.1:{free_port()};"),
            ("listen 443 ssl;", f"listen 127.0.0.1:{self.port} ssl;"),
            ("/etc/ssl/showdesk/fullchain.pem", str(self.certificates.chain)),
            ("/etc/ssl/showdesk/privkey.pem", str(self.certificates.key)),
        ]:
            site = _replace(site, old, new, where)
        (self.workdir / "showdesk.conf").write_text(site)
        d = self.workdir
        kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        temp = "\n".join(f"    {kind}_temp_path {d}/{kind};" for kind in kinds)
        # What Debian's /etc/nginx/nginx.conf would give: one http block including the site.
        (d / "nginx.conf").write_text(
            f"worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/proxy.log notice;\n"
            f"events {{ worker_connections 1024; }}\n"
            f"http {{\n    access_log {d}/access.log;\n{temp}\n    include {d}/showdesk.conf;\n}}\n"
        )
        nginx = str(binary("nginx"))
        return [nginx, "-e", str(self.log), "-p", str(d), "-c", str(d / "nginx.conf"), "-g", "daemon off;"]

    # Caddy --------------------------------------------------------------------------------------------
    def _caddy(self) -> list[str]:
        where = "deploy/caddy/Caddyfile"
        site = (DEPLOY / "caddy" / "Caddyfile").read_text()
        a, b = self.node_ports
        cert, key = self.certificates.chain, self.certificates.key
        for old, new in [
            ("\nchat.example.com {\n", f"\nhttps://127.0.0.1:{self.port} {{\n"),
            ("# tls /etc/ssl/showdesk/fullchain.pem /etc/ssl/showdesk/privkey.pem", f"tls {cert} {key}"),
            ("reverse_proxy 10.0.0.11:8080 10.0.0.12:8080 {", f"reverse_proxy 127.0.0.1:{a} 127.0.0.1:{b} {{"),
        ]:
            site = _replace(site, old, new, where)
        # Test-only global options: no admin endpoint, no port 80, state kept in the work folder.
        options = "".join(
            f"\t{line}\n"
            for line in (
                "admin off",
                f"storage file_system {self.workdir}/data",
                f"http_port {free_port()}",
                f"https_port {self.port}",
                "auto_https disable_redirects",
                "default_sni 127.0.0.1",  # a client asking for an address sends no name
                "skip_install_trust",
            )
        )
        options = "{\n" + options + "}\n"
        (self.workdir / "Caddyfile").write_text(options + site)
        return [str(binary("caddy")), "run", "--config", str(self.workdir / "Caddyfile"), "--adapter", "caddyfile"]

    def start(self) -> ProxyProcess:
        command = self._nginx() if self.name == "nginx" else self._caddy()
        env = {**os.environ, "HOME": str(self.workdir), "XDG_DATA_HOME": str(self.workdir / "data")}
        env["XDG_CONFIG_HOME"] = str(self.workdir / "config")
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(command, cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
        proc = self.proc
        with self.client() as client:

            def answering() -> bool:
                if proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited early:\n{self.proxy_log()}")
                try:
                    return client.get("/healthz", timeout=1).status_code == 200
                except httpx.HTTPError:
                    return False

            try:
                wait_until(answering, 15, "/healthz through the proxy")
            except AssertionError:
                said = self.proxy_log()
                raise RuntimeError(f"{self.name} not answering through to a node in 15 s:\n{said}") from None
        return self

    def proxy_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def cleanup(self) -> None:
        stop_process(self.proc)
        shutil.rmtree(self.workdir, ignore_errors=True)


CUSTOMER_ADDRESS = "127.0.0.2"  # where customers come from: loopback, but not the proxy's address


class Deployment:
    """Two nodes on PostgreSQL + Redis trusting 127.0.0.1 as their proxy, and `name` (nginx or Caddy) in
    front of them, as deploy/ shows; clients reach the nodes through the proxy only."""

    def __init__(self, proxy: ProxyProcess, nodes: list[ServerProcess]) -> None:
        self.proxy = proxy
        self.nodes = nodes

    @classmethod
    def start(cls, name: str, *flags: str) -> Deployment:
        """Skips the test, saying why, where PostgreSQL, Redis or the proxy is not there."""
        reason = unreachable(POSTGRES_REDIS) or unavailable(name)
        if reason:
            pytest.skip(reason)
        node_flags = ("--forwarded-allow-ips", "127.0.0.1", *flags)
        nodes: list[ServerProcess] = []
        try:
            first = ServerProcess(*node_flags, backend=POSTGRES_REDIS)
            nodes.append(first)
            first.start()  # makes the scratch database
            second = ServerProcess(*node_flags, database_url=first.database_url, backend=POSTGRES_REDIS)
            nodes.append(second)
            second.start()
            made = cls(ProxyProcess(name, [first.port, second.port]), nodes)
            try:
                made.proxy.start()
            except BaseException:
                made.proxy.cleanup()
                raise
        except BaseException:
            for node in reversed(nodes):
                node.cleanup()
            raise
        return made

    def cleanup(self) -> None:
        self.proxy.cleanup()
        for node in reversed(self.nodes):
            node.cleanup()  # the first node drops the database, last

    async def agent_socket(self) -> Any:
        return await websockets.connect(f"{self.proxy.ws_base}/ws/v1/agent", ssl=self.proxy.verify)

    async def customer_socket(self) -> Any:
        """A customer's socket from CUSTOMER_ADDRESS, on a page the demo deployment allows (the first node's
        origin: the proxy's is not among them)."""
        url = f"{self.proxy.ws_base}/ws/v1/guest?organizationId=demo&deploymentId=demo-webchat"
        return await websockets.connect(
            url,
            ssl=self.proxy.verify,
            origin=self.nodes[0].base,  # type: ignore[arg-type]
            local_addr=(CUSTOMER_ADDRESS, 0),
        )

    async def agent(self, token: str) -> Agent:
        agent = Agent(await self.agent_socket())
        await agent.send(type="auth", token=token)
        agent.ready = await agent.expect("ready")
        return agent

    async def customer(self) -> Guest:
        return Guest(await self.customer_socket())

    def login(self, email: str = "agent@demo.local", password: str = "agent") -> str:
        with self.proxy.client() as client:
            answer = client.post("/api/v2/auth/login", json={"email": email, "password": password})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

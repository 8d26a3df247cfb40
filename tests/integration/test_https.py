"""`showdesk serve` over HTTPS and WSS: with the operator's certificate (--tls-cert/--tls-key), and with
`--tls self-signed` (a local CA kept in the data folder, the phone's URL and QR code printed)."""

from __future__ import annotations

import socket
import ssl
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from showdesk.adapters.tls.machine_names import machine_names
from showdesk.cli import app
from tests.support.https_certificates import OperatorCertificate, operator_certificate, san_hosts
from tests.support.server import ServerProcess
from tests.support.terminal_qr import qr_codes_in
from tests.support.ws_clients import Agent, Guest


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> OperatorCertificate:
    return operator_certificate(tmp_path_factory.mktemp("certificate"))


@pytest.fixture(scope="module")
def own_certificate_server(issued: OperatorCertificate) -> Iterator[ServerProcess]:
    flags = ("--tls-cert", str(issued.chain_file), "--tls-key", str(issued.key_file))
    proc = ServerProcess(*flags, ca_file=issued.ca_file).start()
    yield proc
    proc.cleanup()


@pytest.fixture(scope="module")
def self_signed_server() -> Iterator[ServerProcess]:
    proc = ServerProcess("--tls", "self-signed").start()
    yield proc
    proc.cleanup()


def _handshake(port: int, maximum: str, ciphers: str) -> str:
    """The protocol a client limited to `maximum` and `ciphers` gets; raises when the server refuses."""
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.check_hostname = False
    client.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0 and 1.1 are named only to be refused
        client.minimum_version = ssl.TLSVersion.TLSv1
        client.maximum_version = getattr(ssl.TLSVersion, maximum)
    client.set_ciphers(ciphers + ":@SECLEVEL=0")  # the client would offer anything: the server must refuse
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, client.wrap_socket(raw) as tls:
        return str(tls.version())


async def test_the_operators_certificate_serves_https_and_wss(own_certificate_server: ServerProcess) -> None:
    server = own_certificate_server
    assert server.base.startswith("https://")
    r = httpx.get(server.base + "/healthz", verify=server.verify)  # trusted through the test's own CA
    assert r.status_code == 200 and r.http_version == "HTTP/1.1"
    with pytest.raises((httpx.ConnectError, httpx.RemoteProtocolError)):  # only through it: no plain HTTP
        httpx.get(f"http://127.0.0.1:{server.port}/healthz", timeout=5)

    # WebSockets over TLS, for the agent and for a customer on the https origin (the demo allows it).
    agent = await Agent.connect(server.ws_base, server.login(), ssl=server.verify)  # type: ignore[arg-type]
    guest = await Guest.connect(server.ws_base, f"https://127.0.0.1:{server.port}", ssl=server.verify)  # type: ignore[arg-type]
    try:
        assert (await guest.start("Ann"))["conversationId"]
    finally:
        await guest.close()
        await agent.close()
    # No local CA to download without --tls self-signed.
    assert httpx.get(server.base + "/tls/ca.crt", verify=server.verify).status_code == 404


def test_old_protocols_and_weak_ciphers_are_refused(own_certificate_server: ServerProcess) -> None:
    port = own_certificate_server.port
    assert _handshake(port, "TLSv1_2", "ECDHE+AESGCM") == "TLSv1.2"
    assert _handshake(port, "TLSv1_3", "ECDHE+AESGCM") == "TLSv1.3"
    with pytest.raises(ssl.SSLError):
        _handshake(port, "TLSv1_1", "ALL")
    with pytest.raises(ssl.SSLError):  # CBC with SHA-1, and no forward secrecy: not in TLS 1.2 either
        _handshake(port, "TLSv1_2", "ECDHE-ECDSA-AES128-SHA:AES128-SHA:AES128-SHA256")


def _serve(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["serve", "--port", "0", *args])
    return result.exit_code, result.stderr.strip()


def test_unusable_certificate_files_stop_the_server_in_one_line(
    tmp_path: Path, issued: OperatorCertificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # nothing is made in the data folder, but it would be here
    other = operator_certificate(tmp_path)  # another key pair
    encrypted = tmp_path / "encrypted-key.pem"
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(issued.key_file.read_bytes(), password=None)
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"kettle"),
        )
    )
    cert, key_file = str(issued.chain_file), str(issued.key_file)
    cases = {
        ("--tls-cert", str(tmp_path / "missing.pem"), "--tls-key", key_file): "no such file",
        ("--tls-cert", cert, "--tls-key", str(tmp_path)): "is a folder",
        ("--tls-cert", key_file, "--tls-key", key_file): "not a PEM certificate",
        ("--tls-cert", cert, "--tls-key", str(other.key_file)): "does not match",
        ("--tls-cert", cert, "--tls-key", str(encrypted)): "the key is encrypted",
        ("--tls-cert", cert): "--tls-cert needs --tls-key",
        ("--tls-key", key_file): "--tls-key needs --tls-cert",
        ("--tls", "self-signed", "--tls-cert", cert, "--tls-key", key_file): "not both",
    }
    for args, words in cases.items():
        code, said = _serve(*args)
        assert code == 2, (args, said)
        assert said.startswith("error: ") and words in said and "\n" not in said, (args, said)
    code, said = _serve("--tls", "self-made")
    assert code == 2 and "self-signed" in said


def test_self_signed_serves_every_name_of_the_machine(self_signed_server: ServerProcess) -> None:
    server = self_signed_server
    names = machine_names()
    cert = server.tls_folder / "server.pem"
    assert {h.strip("[]") for h in names.hosts()} <= san_hosts(cert)
    for host in ("127.0.0.1", "localhost"):  # trusted through the kept CA, for each name
        r = httpx.get(f"https://{host}:{server.port}/healthz", verify=server.verify)
        assert r.status_code == 200
    # The CA a phone downloads to trust the server: the kept one, as a certificate to install.
    r = httpx.get(server.base + "/tls/ca.crt", verify=server.verify)
    assert r.status_code == 200 and r.content == (server.tls_folder / "ca.pem").read_bytes()
    assert r.headers["content-type"] == "application/x-x509-ca-cert"
    assert b"PRIVATE KEY" not in r.content


async def test_a_phones_page_on_the_lan_address_may_chat(self_signed_server: ServerProcess) -> None:
    """The demo's allowed origins hold the https origin of every name in the certificate."""
    server = self_signed_server
    for host in machine_names().hosts():
        guest = await Guest.connect(server.ws_base, f"https://{host}:{server.port}", ssl=server.verify)  # type: ignore[arg-type]
        try:
            assert (await guest.start("Ann"))["conversationId"], host
        finally:
            await guest.close()


def test_the_phones_url_and_qr_code_are_printed(self_signed_server: ServerProcess) -> None:
    log = self_signed_server.server_log()
    lan = machine_names().lan_address()
    host = (f"[{lan}]" if lan.version == 6 else str(lan)) if lan else "localhost"
    url = f"https://{host}:{self_signed_server.port}/demo/"
    assert f"  {url}\n" in log
    assert qr_codes_in(log) == [url]  # what a phone's camera reads
    assert f"https://{host}:{self_signed_server.port}/tls/ca.crt" in log
    assert str(Path("showdesk-data") / "tls" / "ca.pem") in log
    # The default --host is loopback: the output says what a phone needs.
    assert "listens on 127.0.0.1 only" in log and "--host 0.0.0.0" in log and "--demo-public" in log


def test_the_kept_certificate_is_reused_after_a_restart() -> None:
    server = ServerProcess("--tls", "self-signed").start()
    try:
        kept = {p.name: p.read_bytes() for p in server.tls_folder.iterdir()}
        assert "made now" in server.server_log()
        server.stop()
        server.start()
        assert {p.name: p.read_bytes() for p in server.tls_folder.iterdir()} == kept
        assert "kept from the last start" in server.server_log()
        assert httpx.get(server.base + "/healthz", verify=server.verify).status_code == 200
    finally:
        server.cleanup()

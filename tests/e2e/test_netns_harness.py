"""The customer-network harness itself: Chromium inside the namespace, UDP cut by the namespace's firewall."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Playwright

from tests.support.chromium import HEADLESS_FLAGS
from tests.support.netns import CustomerNetwork, netns_available, remove_leftovers

# Sends one datagram to each address given as ip:port (a firewall drop in the namespace's own OUTPUT chain
# is an EPERM for the sender, as with a host firewall), and one to itself on the namespace's loopback;
# prints what happened to each, the loopback one last.
SENDER = """
import socket, sys
out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for target in sys.argv[1:]:
    ip, port = target.rsplit(':', 1)
    try:
        out.sendto(b'from the namespace', (ip, int(port)))
        print('sent')
    except PermissionError:
        print('refused')
loop = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
loop.bind(('127.0.0.1', 0))
loop.settimeout(2)
out.sendto(b'loopback', loop.getsockname())
print(loop.recv(100).decode())
"""


@pytest.fixture(scope="module")
def net() -> Iterator[CustomerNetwork]:
    reason = netns_available()
    if reason:
        pytest.skip(reason)
    with CustomerNetwork() as network:
        yield network


class _Listener:
    """A UDP socket on host_ip in the root namespace."""

    def __init__(self, ip: str) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, 0))
        self.port = int(self.sock.getsockname()[1])

    def received(self, timeout: float = 1.0) -> tuple[bytes, str] | None:
        self.sock.settimeout(timeout)
        try:
            data, (ip, _) = self.sock.recvfrom(100)
        except TimeoutError:
            return None
        return data, ip

    def close(self) -> None:
        self.sock.close()


def _send_from_namespace(net: CustomerNetwork, *targets: tuple[str, int]) -> list[str]:
    result = net.exec(sys.executable, "-c", SENDER, *(f"{ip}:{port}" for ip, port in targets))
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_chromium_in_the_namespace_loads_a_page_from_the_host(net: CustomerNetwork, playwright: Playwright) -> None:
    seen: list[str] = []

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.client_address[0])
            body = b"<title>from the host</title>"
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer((net.host_ip, 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    browser = playwright.chromium.launch(
        executable_path=net.chromium_executable(), headless=True, args=[*HEADLESS_FLAGS, net.secure_origin_flag(port)]
    )
    try:
        page = browser.new_page()
        page.goto(f"{net.origin(port)}/")
        assert page.title() == "from the host"
        assert page.evaluate("window.isSecureContext") is True
        assert net.customer_ip in seen  # the browser really is inside the namespace
    finally:
        browser.close()
        server.shutdown()
        server.server_close()


def test_block_udp_drops_all_but_the_allowed_destinations(net: CustomerNetwork) -> None:
    allowed, blocked = _Listener(net.host_ip), _Listener(net.host_ip)
    try:
        net.block_udp(except_to=[(net.host_ip, allowed.port)])
        sent = _send_from_namespace(net, (net.host_ip, allowed.port), (net.host_ip, blocked.port))
        assert sent == ["sent", "refused", "loopback"]
        assert allowed.received() == (b"from the namespace", net.customer_ip)
        assert blocked.received(timeout=0.5) is None
        assert net.dropped_udp_packets() >= 1

        net.unblock()
        assert _send_from_namespace(net, (net.host_ip, blocked.port)) == ["sent", "loopback"]
        assert blocked.received() == (b"from the namespace", net.customer_ip)
        assert net.dropped_udp_packets() == 0
    finally:
        net.unblock()
        allowed.close()
        blocked.close()


def _namespaces() -> str:
    return subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout


def _links() -> str:
    return subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=True).stdout


def test_two_networks_side_by_side_and_nothing_left_after_them(net: CustomerNetwork) -> None:
    with CustomerNetwork() as other:
        wrapper = other.chromium_executable()
        assert {other.host_ip, other.customer_ip}.isdisjoint({net.host_ip, net.customer_ip})
        assert other.name in _namespaces() and other.host_link in _links()
    assert other.name not in _namespaces()
    assert other.host_link not in _links()
    assert not os.path.exists(wrapper)

    with pytest.raises(RuntimeError), CustomerNetwork() as failing:
        name = failing.name
        raise RuntimeError("a failing test")
    assert name not in _namespaces()


def test_leftovers_of_a_crashed_run_are_removed(net: CustomerNetwork) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = f"sd-{gone.pid}-0"
    subprocess.run(["ip", "netns", "add", stale], check=True)
    try:
        removed = remove_leftovers()
        assert stale in removed
        assert net.name not in removed  # this process is alive: its namespace stays
        assert stale not in _namespaces() and net.name in _namespaces()
    finally:
        subprocess.run(["ip", "netns", "delete", stale], capture_output=True, check=False)

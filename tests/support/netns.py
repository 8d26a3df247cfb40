"""The customer's browser on its own network: a Linux network namespace joined to this host by a veth pair.

    with CustomerNetwork() as net:
        server = ServerProcess("--host", "0.0.0.0")  # reachable from the namespace at net.host_ip
        server.env["SHOWDESK_PUBLIC_ORIGIN"] = net.origin(server.port)  # the demo deployment allows the page
        server.start()
        customer = playwright.chromium.launch(
            executable_path=net.chromium_executable(), args=[..., net.secure_origin_flag(server.port)]
        )
        net.block_udp(except_to=[(net.host_ip, turn_port)])  # UDP only to the TURN server

The namespace side has `customer_ip`, the root side `host_ip`; both are in 11.0.0.0/8, a public-looking
range that coturn's recommended `denied-peer-ip` lists leave alone (they deny the private, loopback,
link-local, CGNAT, benchmarking and documentation ranges), so a hardened TURN server relays to it. The
agent's browser stays in the root namespace; what it sends to host_ip (a TURN or STUN server there) comes
from host_ip, so its server-reflexive address is host_ip too. The namespace is IPv4 only. Its firewall
rules live in the namespace's own netfilter tables and go with it; nothing is added to the host's.

Playwright drives Chromium over a pipe (inherited file descriptors), so a wrapper that runs Chromium
under `ip netns exec` is a drop-in `executable_path`. A page at http://<host_ip>:<port> is not a secure
context (no navigator.mediaDevices, so no camera) unless Chromium is told so: `secure_origin_flag()`.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import ipaddress
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from tests.support.chromium import CHROMIUM

PREFIX = "sd-"  # namespaces: sd-<pid>-<n>
LINK_PREFIX = "sdh"  # the root side of each veth: sdh<pid hex>x<n hex> (interface names have 15 characters)
WRAPPER_PREFIX = "showdesk-netns-"  # the Chromium wrapper's folder in the temporary directory
NETWORK = ipaddress.IPv4Network("11.0.0.0/8")

_counter = itertools.count()


def _run(*cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=30)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def _used_addresses() -> set[str]:
    out = _run("ip", "-o", "-4", "addr", "show", check=False).stdout
    return {word.split("/")[0] for line in out.splitlines() for word in line.split() if "/" in word}


def _pick_subnet(pid: int, n: int) -> ipaddress.IPv4Network:
    """A /30 in 11.0.0.0/8 no interface of this host uses, spread by process id so parallel runs differ."""
    slots = NETWORK.num_addresses // 4
    used = _used_addresses()
    start = (pid * 16 + n) % slots
    for step in range(slots):
        slot = (start + step) % slots
        if slot == 0:
            continue
        subnet = ipaddress.IPv4Network((int(NETWORK.network_address) + slot * 4, 30))
        if not any(str(a) in used for a in subnet):
            return subnet
    raise RuntimeError("no free /30 in 11.0.0.0/8")


class CustomerNetwork:
    """A network namespace for the customer's browser, and the firewall that can cut its UDP."""

    def __init__(self) -> None:
        pid, n = os.getpid(), next(_counter)
        self.name = f"{PREFIX}{pid}-{n}"
        self.host_link = f"{LINK_PREFIX}{pid:x}x{n:x}"
        self.customer_link = "eth0"  # inside the namespace, where the name is free
        subnet = _pick_subnet(pid, n)
        self.host_ip = str(subnet.network_address + 1)
        self.customer_ip = str(subnet.network_address + 2)
        self.prefixlen = subnet.prefixlen
        self.blocked: list[tuple[str, int]] | None = None  # the exceptions while UDP is blocked
        self._wrapper_dir: Path | None = None
        self._up = False

    # lifetime ---------------------------------------------------------------------------------------
    def __enter__(self) -> CustomerNetwork:
        return self.create()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def create(self) -> CustomerNetwork:
        atexit.register(self.close)
        self._up = True
        try:
            temporary_link = f"{self.host_link}c"  # the namespace side, renamed to eth0 once moved
            _run("ip", "netns", "add", self.name)
            _run("ip", "link", "add", self.host_link, "type", "veth", "peer", "name", temporary_link)
            _run("ip", "link", "set", temporary_link, "netns", self.name)
            self.exec_checked("ip", "link", "set", temporary_link, "name", self.customer_link)
            # IPv4 only, on both ends: no link-local IPv6 path around the IPv4 firewall.
            _run("sysctl", "-q", "-w", f"net.ipv6.conf.{self.host_link}.disable_ipv6=1")
            self.exec_checked("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1")
            self.exec_checked("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1")
            _run("ip", "addr", "add", f"{self.host_ip}/{self.prefixlen}", "dev", self.host_link)
            _run("ip", "link", "set", self.host_link, "up")
            self.exec_checked("ip", "addr", "add", f"{self.customer_ip}/{self.prefixlen}", "dev", self.customer_link)
            self.exec_checked("ip", "link", "set", "lo", "up")
            self.exec_checked("ip", "link", "set", self.customer_link, "up")
            self.exec_checked("ip", "route", "add", "default", "via", self.host_ip)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Delete the namespace (its veth end, its firewall rules with it), the root end and the wrapper."""
        if self._up:
            self._up = False
            _run("ip", "netns", "delete", self.name, check=False)
            _run("ip", "link", "delete", self.host_link, check=False)  # gone with its peer already, normally
        if self._wrapper_dir is not None:
            shutil.rmtree(self._wrapper_dir, ignore_errors=True)
            self._wrapper_dir = None
        self.blocked = None
        atexit.unregister(self.close)

    # inside the namespace ---------------------------------------------------------------------------
    def command(self, *cmd: str) -> list[str]:
        """The argv that runs cmd inside the namespace (for Popen and friends)."""
        return ["ip", "netns", "exec", self.name, *cmd]

    def exec(self, *cmd: str, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
        """Run a command inside the namespace; its output and exit status, whatever they are."""
        return subprocess.run(self.command(*cmd), capture_output=True, text=True, check=False, timeout=timeout)

    def exec_checked(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        result = self.exec(*cmd)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} in {self.name} failed ({result.returncode}): {result.stderr.strip()}")
        return result

    def popen(self, *cmd: str, **kwargs: object) -> subprocess.Popen[bytes]:
        """Start a long-running command inside the namespace."""
        return subprocess.Popen(self.command(*cmd), **kwargs)  # type: ignore[call-overload,no-any-return]

    def move_customer(self) -> str:
        """The customer's device changes networks: it gets a new address (on a new subnet of the same
        link, its gateway a new address of this host) and loses the old one, as a phone moving from
        Wi-Fi to mobile data does. `host_ip` stays reachable through the new gateway. Returns the new
        address, also in `customer_ip`."""
        subnet = _pick_subnet(os.getpid(), next(_counter))
        gateway, moved = str(subnet.network_address + 1), str(subnet.network_address + 2)
        _run("ip", "addr", "add", f"{gateway}/{subnet.prefixlen}", "dev", self.host_link)
        self.exec_checked("ip", "addr", "add", f"{moved}/{subnet.prefixlen}", "dev", self.customer_link)
        self.exec_checked("ip", "route", "replace", "default", "via", gateway, "src", moved)
        self.exec_checked("ip", "addr", "del", f"{self.customer_ip}/{self.prefixlen}", "dev", self.customer_link)
        self.customer_ip = moved
        return moved

    def limit_upload(self, kbit_per_second: int | None) -> None:
        """What the customer's device can send: a token bucket (`tc ... tbf`) on its side of the link,
        as a poor mobile uplink; None lifts it."""
        self.exec("tc", "qdisc", "del", "dev", self.customer_link, "root")
        if kbit_per_second is not None:
            self.exec_checked(
                "tc", "qdisc", "add", "dev", self.customer_link, "root", "tbf",
                "rate", f"{int(kbit_per_second)}kbit", "burst", "16kbit", "latency", "1s",
            )  # fmt: skip

    # the firewall -----------------------------------------------------------------------------------
    def block_udp(self, except_to: list[tuple[str, int]] | None = None) -> None:
        """Drop every UDP datagram the namespace sends, except on loopback and to the given (ip, port)s.

        TCP (the pages, the chat socket, TURN over TCP) still flows. Calling it again replaces the rules."""
        self.unblock()
        allowed = list(except_to or [])
        rules = [["-o", "lo", "-j", "ACCEPT"]]
        for ip, port in allowed:
            rules.append(["-p", "udp", "-d", str(ipaddress.IPv4Address(ip)), "--dport", str(int(port)), "-j", "ACCEPT"])
        rules.append(["-p", "udp", "-j", "DROP"])
        for rule in rules:
            self.exec_checked("iptables", "-w", "-A", "OUTPUT", *rule)
        self.blocked = allowed

    def unblock(self) -> None:
        self.exec_checked("iptables", "-w", "-F", "OUTPUT")
        self.exec_checked("iptables", "-w", "-F", "INPUT")
        self.blocked = None

    def cut_off(self) -> None:
        """Nothing in or out of the customer's link, TCP and UDP alike (a network drop: the chat socket and the
        media both stall, as on a train in a tunnel); `unblock()` brings it back."""
        self.unblock()
        self.exec_checked("iptables", "-w", "-A", "OUTPUT", "-o", self.customer_link, "-j", "DROP")
        self.exec_checked("iptables", "-w", "-A", "INPUT", "-i", self.customer_link, "-j", "DROP")
        self.blocked = []

    def dropped_udp_packets(self) -> int:
        """How many datagrams the DROP rule has stopped so far (0 when nothing is blocked)."""
        out = self.exec_checked("iptables", "-w", "-L", "OUTPUT", "-v", "-n", "-x").stdout
        for line in out.splitlines():
            words = line.split()
            if len(words) > 3 and words[2] == "DROP" and words[3] in ("udp", "17"):
                return int(words[0])
        return 0

    # the browser ------------------------------------------------------------------------------------
    def origin(self, port: int) -> str:
        """The origin of a page served on host_ip, as the customer's browser names it."""
        return f"http://{self.host_ip}:{port}"

    def secure_origin_flag(self, *ports: int) -> str:
        """The Chromium flag that makes http://<host_ip>:<port> a secure context.

        A page there is not one by itself (unlike http://127.0.0.1), so it has no navigator.mediaDevices:
        the customer's camera needs this flag, or HTTPS."""
        origins = ",".join(self.origin(port) for port in ports)
        return f"--unsafely-treat-insecure-origin-as-secure={origins}"

    def chromium_executable(self, chromium: str = CHROMIUM) -> str:
        """A script that runs Chromium inside the namespace, for Playwright's `executable_path`."""
        if self._wrapper_dir is None:
            self._wrapper_dir = Path(tempfile.mkdtemp(prefix=f"{WRAPPER_PREFIX}{self.name}-"))
        wrapper = self._wrapper_dir / "chromium"
        wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {self.name} {chromium} "$@"\n')
        wrapper.chmod(0o755)
        return str(wrapper)

    def __repr__(self) -> str:
        return f"CustomerNetwork({self.name}: customer {self.customer_ip}, host {self.host_ip})"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(name: str, prefix: str, separator: str, base: int) -> int | None:
    """The process id in a harness name, or None when the name is not the harness's."""
    if not name.startswith(prefix):
        return None
    try:
        return int(name[len(prefix) :].split(separator, 1)[0], base)
    except ValueError:
        return None


def remove_leftovers(all_processes: bool = False) -> list[str]:
    """Remove namespaces, veth ends and wrappers a crashed run left; what was removed.

    Only those whose owning process is gone, unless all_processes (then every harness namespace)."""
    removed: list[str] = []

    def stale(pid: int | None) -> bool:
        return pid is not None and (all_processes or (pid != os.getpid() and not _pid_alive(pid)))

    for line in _run("ip", "netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        if stale(_owner(name, PREFIX, "-", 10)):
            _run("ip", "netns", "delete", name, check=False)
            removed.append(name)
    for line in _run("ip", "-o", "link", "show", check=False).stdout.splitlines():
        parts = line.split(":")
        if len(parts) < 2:
            continue
        link = parts[1].strip().split("@")[0]
        if stale(_owner(link, LINK_PREFIX, "x", 16)):
            _run("ip", "link", "delete", link, check=False)
            removed.append(link)
    for folder in Path(tempfile.gettempdir()).glob(f"{WRAPPER_PREFIX}{PREFIX}*"):
        if stale(_owner(folder.name, WRAPPER_PREFIX + PREFIX, "-", 10)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(str(folder))
    return removed


@functools.cache
def netns_available() -> str | None:
    """Why the harness cannot run here (a skip reason), or None when it can."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "iptables", "sysctl"):
        if shutil.which(tool) is None:
            return f"no `{tool}` on PATH"
    remove_leftovers()
    probe = f"{PREFIX}{os.getpid()}-probe"
    try:
        made = _run("ip", "netns", "add", probe, check=False)
        if made.returncode != 0:
            return f"cannot create a network namespace: {made.stderr.strip()}"
        rules = _run("ip", "netns", "exec", probe, "iptables", "-w", "-S", "OUTPUT", check=False)
        if rules.returncode != 0:
            return f"iptables does not work in a network namespace: {rules.stderr.strip()}"
        veth = _run("ip", "-n", probe, "link", "add", "probe0", "type", "veth", "peer", "name", "probe1", check=False)
        if veth.returncode != 0:
            return f"cannot create a veth pair: {veth.stderr.strip()}"
    finally:
        with contextlib.suppress(Exception):
            _run("ip", "netns", "delete", probe, check=False)
    return None

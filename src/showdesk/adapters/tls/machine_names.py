"""The names and addresses a browser on this machine or on its network may use to reach it.

Found without extra dependencies: the host name and its FQDN, what the host name resolves to, the address
of the default route (a UDP socket connected to a documentation address: no packet is sent), and every
interface's addresses from `ip -j addr` where iproute2 is installed.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

LOOPBACK_NAMES = ("localhost",)
LOOPBACK_ADDRESSES: tuple[Address, ...] = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))
# Any address reached through the default route will do: these are documentation ranges, never contacted.
_ROUTE_PROBES = (("198.51.100.1", socket.AF_INET), ("2001:db8::1", socket.AF_INET6))
_DNS_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


@dataclass(frozen=True)
class MachineNames:
    dns_names: tuple[str, ...]
    addresses: tuple[Address, ...]
    route_address: Address | None = None  # the address the default route leaves from: the LAN one, usually

    def lan_address(self) -> Address | None:
        """The address a phone on the same network would use: the default route's, else the first
        non-loopback IPv4 address, else the first non-loopback IPv6 one."""
        if self.route_address is not None:
            return self.route_address
        outside = [a for a in self.addresses if not a.is_loopback]
        return next((a for a in outside if a.version == 4), outside[0] if outside else None)

    def hosts(self) -> list[str]:
        """Every name and address as it is written in a URL (IPv6 in brackets)."""
        return [*self.dns_names, *(url_host(a) for a in self.addresses)]


def url_host(address: Address) -> str:
    return f"[{address}]" if address.version == 6 else str(address)


def reachable(address: Address) -> bool:
    """An address another device can use in a URL: not loopback, unspecified or multicast, and not IPv6
    link-local (browsers take no zone id in a URL, so an fe80:: address cannot be opened)."""
    if address.is_loopback or address.is_unspecified or address.is_multicast:
        return False
    return not (address.version == 6 and address.is_link_local)


def dns_name(name: str) -> str | None:
    """`name` in lower case when it is a valid DNS name a certificate may hold, else None."""
    name = name.strip().rstrip(".").lower()
    return name if _DNS_NAME.match(name) else None


def _resolved(hostname: str) -> set[Address]:
    try:
        infos = socket.getaddrinfo(hostname, None, type=socket.SOCK_STREAM)
    except OSError:
        return set()
    return {ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos}


def default_route_address(family: socket.AddressFamily) -> Address | None:
    """The local address connections to the outside leave from; None without such a route."""
    probe = next(host for host, probe_family in _ROUTE_PROBES if probe_family == family)
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as udp:
            udp.connect((probe, 9))  # UDP connect() picks a route and a source address; nothing is sent
            return ipaddress.ip_address(str(udp.getsockname()[0]).split("%", 1)[0])
    except OSError:
        return None


def interface_addresses() -> set[Address]:
    """Every address of the interfaces that are up, from iproute2; empty where `ip` is missing or fails.
    IPv6 temporary (privacy) addresses are left out: they change daily and are for outgoing connections."""
    ip = shutil.which("ip")
    if ip is None:
        return set()
    try:
        done = subprocess.run([ip, "-j", "addr"], capture_output=True, timeout=3, check=True)  # noqa: S603
        interfaces = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError):
        return set()
    found: set[Address] = set()
    for interface in interfaces if isinstance(interfaces, list) else []:
        if "UP" not in interface.get("flags", []):
            continue
        for info in interface.get("addr_info", []):
            if info.get("temporary") or info.get("tentative") or info.get("deprecated"):
                continue
            with contextlib.suppress(ValueError, TypeError):
                found.add(ipaddress.ip_address(str(info.get("local", "")).split("%", 1)[0]))
    return found


def machine_names() -> MachineNames:
    """This machine's names (localhost, the host name, its FQDN) and addresses (loopback and every one
    another device could reach), in a stable order."""
    hostname = socket.gethostname()
    names = [LOOPBACK_NAMES[0], *(n for n in (dns_name(hostname), dns_name(socket.getfqdn())) if n)]
    route = default_route_address(socket.AF_INET) or default_route_address(socket.AF_INET6)
    found = _resolved(hostname) | interface_addresses() | ({route} if route else set())
    outside = sorted((a for a in found if reachable(a)), key=lambda a: (a.version, a.packed))
    if route is not None and not reachable(route):
        route = None
    return MachineNames(tuple(dict.fromkeys(names)), (*LOOPBACK_ADDRESSES, *outside), route)

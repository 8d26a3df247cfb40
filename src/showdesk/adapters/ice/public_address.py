"""Whether an address is one the public Internet can reach, for anything that connects out to a TURN
server someone typed in (`showdesk doctor`): a console admin must not be able to make ShowDesk probe
the host's own services or its private network, i.e. use it as a port scanner.

The check is made on the addresses a name resolves to, and the connection then goes to the address
checked, so a name cannot resolve one way for the check and another way for the connection.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)


def non_public(address: str) -> str | None:
    """What kind of non-public address `address` is ("loopback", "private", ...), or None if public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED:
        return "shared (carrier-grade NAT)"
    if isinstance(ip, ipaddress.IPv6Address) and ip in ipaddress.ip_network("fc00::/7"):
        return "unique local (private)"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private or not ip.is_global:  # RFC 1918, documentation and benchmark ranges, ...
        return "private"
    return None


class NotPublic(Exception):
    """The host resolves to an address the check refuses; the message says which and why."""


async def public_address(host: str, port: int, kind: socket.SocketKind, allow_private: bool = False) -> str:
    """The address to connect to for `host`: the first it resolves to, once every one it resolves to is
    public (or `allow_private`). OSError when it does not resolve; NotPublic when one is not public."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=kind)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private:
        for address in addresses:
            what = non_public(address)
            if what is not None:
                named = host if host == address else f"{host} resolves to {address}, which"
                raise NotPublic(f"{named} is a {what} address")
    return addresses[0]

"""A minimal STUN responder (RFC 8489, Binding method only) and a matching client helper.

Browsers gathering ICE candidates send a Binding Request to each configured STUN server and learn their
server-reflexive address from the reply. ShowDesk answers those itself so a deployment needs no separate
STUN daemon. The responder answers well-formed Binding Requests with a Binding Success Response carrying
XOR-MAPPED-ADDRESS, SOFTWARE and FINGERPRINT; anything else is dropped without a reply, as RFC 8489 asks
of a server that receives something it cannot parse. No authentication: plain Binding needs none.

The byte-level work lives in pure functions (`parse_binding_request`, `binding_success`, `binding_request`,
`parse_binding_response`) so it can be tested without sockets.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import socket
import struct
import zlib
from dataclasses import dataclass
from typing import Any, cast

log = logging.getLogger(__name__)

MAGIC_COOKIE = 0x2112A442
BINDING_REQUEST = 0x0001
BINDING_SUCCESS = 0x0101
XOR_MAPPED_ADDRESS = 0x0020
SOFTWARE = 0x8022
FINGERPRINT = 0x8028
FINGERPRINT_XOR = 0x5354554E
SOFTWARE_NAME = b"ShowDesk"

_HEADER = struct.Struct("!HHI12s")
_ATTR = struct.Struct("!HH")


def _pad(n: int) -> int:
    return (n + 3) & ~3


def _attribute(kind: int, value: bytes) -> bytes:
    return _ATTR.pack(kind, len(value)) + value + b"\x00" * (_pad(len(value)) - len(value))


def _fingerprint(message_so_far: bytes) -> int:
    return (zlib.crc32(message_so_far) ^ FINGERPRINT_XOR) & 0xFFFFFFFF


def _finish(kind: int, transaction_id: bytes, attributes: bytes) -> bytes:
    """Header + attributes + FINGERPRINT, the header length counting the fingerprint (8 bytes)."""
    head = _HEADER.pack(kind, len(attributes) + 8, MAGIC_COOKIE, transaction_id) + attributes
    return head + _ATTR.pack(FINGERPRINT, 4) + struct.pack("!I", _fingerprint(head))


def _parse(data: bytes, kind: int) -> tuple[bytes, dict[int, bytes]] | None:
    """Header and attributes of a well-formed STUN message of `kind`, or None. First attribute of a type wins."""
    if len(data) < _HEADER.size or len(data) % 4:
        return None
    msg_type, length, cookie, transaction_id = _HEADER.unpack_from(data)
    if msg_type != kind or cookie != MAGIC_COOKIE or length != len(data) - _HEADER.size:
        return None
    attributes: dict[int, bytes] = {}
    offset = _HEADER.size
    while offset < len(data):
        if offset + _ATTR.size > len(data):
            return None
        attr_type, attr_len = _ATTR.unpack_from(data, offset)
        start = offset + _ATTR.size
        if start + attr_len > len(data):
            return None
        value = data[start : start + attr_len]
        if attr_type == FINGERPRINT:
            # Must be last, four bytes, and match the CRC of everything before it.
            if attr_len != 4 or start + 4 != len(data):
                return None
            if struct.unpack("!I", value)[0] != _fingerprint(data[:offset]):
                return None
        attributes.setdefault(attr_type, value)
        offset = start + _pad(attr_len)
    if offset != len(data):
        return None
    return transaction_id, attributes


def parse_binding_request(data: bytes) -> bytes | None:
    """The transaction id of a well-formed Binding Request, or None for anything else."""
    parsed = _parse(data, BINDING_REQUEST)
    return None if parsed is None else parsed[0]


def binding_request(transaction_id: bytes | None = None) -> bytes:
    """A Binding Request with FINGERPRINT; a random transaction id unless one is given."""
    tid = os.urandom(12) if transaction_id is None else transaction_id
    if len(tid) != 12:
        raise ValueError("a STUN transaction id is 12 bytes")
    return _finish(BINDING_REQUEST, tid, b"")


def _xor_address(transaction_id: bytes, host: str, port: int) -> bytes:
    ip = ipaddress.ip_address(host.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # a dual-stack socket's view of an IPv4 peer
    key = struct.pack("!I", MAGIC_COOKIE) + (transaction_id if ip.version == 6 else b"")
    address = bytes(a ^ b for a, b in zip(ip.packed, key, strict=True))
    family = 0x01 if ip.version == 4 else 0x02
    return struct.pack("!BBH", 0, family, port ^ (MAGIC_COOKIE >> 16)) + address


def binding_success(transaction_id: bytes, address: tuple[str, int]) -> bytes:
    """The Binding Success Response telling the sender at `address` what it looks like from here."""
    host, port = address
    attributes = _attribute(XOR_MAPPED_ADDRESS, _xor_address(transaction_id, host, port))
    attributes += _attribute(SOFTWARE, SOFTWARE_NAME)
    return _finish(BINDING_SUCCESS, transaction_id, attributes)


def parse_binding_response(data: bytes, transaction_id: bytes) -> tuple[str, int] | None:
    """The mapped address from a Binding Success Response to `transaction_id`, or None."""
    parsed = _parse(data, BINDING_SUCCESS)
    if parsed is None or parsed[0] != transaction_id:
        return None
    value = parsed[1].get(XOR_MAPPED_ADDRESS)
    if value is None or len(value) not in (8, 20):
        return None
    _, family, xport = struct.unpack_from("!BBH", value)
    key = struct.pack("!I", MAGIC_COOKIE) + transaction_id
    raw = bytes(a ^ b for a, b in zip(value[4:], key, strict=False))
    if (family, len(raw)) == (0x01, 4):
        return str(ipaddress.IPv4Address(raw)), xport ^ (MAGIC_COOKIE >> 16)
    if (family, len(raw)) == (0x02, 16):
        return str(ipaddress.IPv6Address(raw)), xport ^ (MAGIC_COOKIE >> 16)
    return None


class StunResponder(asyncio.DatagramProtocol):
    """Answers Binding Requests; drops everything else without a word."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        try:
            transaction_id = parse_binding_request(data)
            if transaction_id is not None and self.transport is not None:
                self.transport.sendto(binding_success(transaction_id, (addr[0], addr[1])), addr)
        except Exception:  # a bad datagram must never take the responder down
            log.exception("stun: failed to answer a datagram from %s", addr)

    def error_received(self, exc: Exception) -> None:
        log.debug("stun: socket error %s", exc)  # e.g. ICMP port unreachable from a vanished client


@dataclass
class StunServer:
    transport: asyncio.DatagramTransport
    host: str
    port: int

    def close(self) -> None:
        self.transport.close()


async def start_stun_responder(host: str, port: int) -> StunServer:
    """Listen for STUN on UDP `host`:`port` (0 picks a free port; see `.port`)."""
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(StunResponder, local_addr=(host, port))
    sockname = transport.get_extra_info("sockname")
    return StunServer(transport=transport, host=sockname[0], port=sockname[1])


class _Client(asyncio.DatagramProtocol):
    def __init__(self, transaction_id: bytes, done: asyncio.Future[tuple[str, int]]) -> None:
        self.transaction_id = transaction_id
        self.done = done

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        mapped = parse_binding_response(data, self.transaction_id)
        if mapped is not None and not self.done.done():
            self.done.set_result(mapped)

    def error_received(self, exc: Exception) -> None:
        if not self.done.done():
            self.done.set_exception(exc)


async def stun_binding(
    host: str,
    port: int,
    timeout: float = 2.0,  # noqa: ASYNC109 - the deadline also paces the retransmissions
    *,
    sock: socket.socket | None = None,
) -> tuple[str, int]:
    """Ask the STUN server at `host`:`port` for our mapped address; TimeoutError if it stays silent.

    The request is resent every half second (UDP may drop it). `sock`, if given, is a bound UDP socket
    to send from (then `host` must be a numeric address); it is closed afterwards.
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[tuple[str, int]] = loop.create_future()
    request = binding_request()
    transaction_id = request[8:20]
    if sock is None:
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Client(transaction_id, done), remote_addr=(host, port)
        )
    else:
        transport, _ = await loop.create_datagram_endpoint(lambda: _Client(transaction_id, done), sock=sock)
    deadline = loop.time() + timeout
    try:
        while not done.done():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no STUN answer from {host}:{port} within {timeout}s")
            transport.sendto(request, None if sock is None else (host, port))
            await asyncio.wait([done], timeout=min(0.5, remaining))
        return done.result()
    finally:
        transport.close()

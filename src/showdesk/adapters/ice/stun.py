"""A minimal STUN responder (RFC 8489, Binding method only) and a matching client helper.

Browsers gathering ICE candidates send a Binding Request to each configured STUN server and learn their
server-reflexive address from the reply. ShowDesk answers those itself so a deployment needs no separate
STUN daemon. The responder answers well-formed Binding Requests with a Binding Success Response carrying
XOR-MAPPED-ADDRESS, and FINGERPRINT when the request had one; a request carrying comprehension-required
attributes it does not know gets a 420 error listing them (RFC 8489 6.3.1.1); anything else is dropped
without a reply, as RFC 8489 asks of a server that receives something it cannot parse. No authentication:
plain Binding needs none.

UDP source addresses can be forged, so the responder must not amplify: no SOFTWARE attribute, an empty
reason phrase, FINGERPRINT only when the request paid for it. A reply is never larger than the request
plus one XOR-MAPPED-ADDRESS attribute (12 bytes for IPv4, 24 for IPv6).

The byte-level work lives in pure functions (`parse_binding_request`, `binding_answer`, `binding_success`,
`binding_request`, `parse_binding_response`, on top of `stun_message`) so it can be tested without sockets.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import socket
import struct
from dataclasses import dataclass
from typing import Any, cast

from showdesk.adapters.ice.stun_message import (
    BINDING,
    ERROR,
    ERROR_CODE,
    MAPPED_ADDRESS,
    MESSAGE_INTEGRITY,
    NONCE,
    REALM,
    REQUEST,
    SUCCESS,
    UNKNOWN_ATTRIBUTES,
    USERNAME,
    XOR_MAPPED_ADDRESS,
    attribute,
    decode,
    decode_xor_address,
    encode,
    encode_xor_address,
    message_type,
)

log = logging.getLogger(__name__)

BINDING_REQUEST = message_type(BINDING, REQUEST)
BINDING_SUCCESS = message_type(BINDING, SUCCESS)
BINDING_ERROR = message_type(BINDING, ERROR)
UNKNOWN_ATTRIBUTE = 420

# Comprehension-required attributes (type < 0x8000) a Binding request may carry and this responder
# understands: RFC 8489's own, and ICE's (RFC 8445) PRIORITY and USE-CANDIDATE, which mean nothing to
# a server that only reflects addresses. Any other one gets a 420 (e.g. RFC 5780's CHANGE-REQUEST).
UNDERSTOOD = frozenset(
    {
        MAPPED_ADDRESS,
        USERNAME,
        MESSAGE_INTEGRITY,
        ERROR_CODE,
        UNKNOWN_ATTRIBUTES,
        REALM,
        NONCE,
        0x001C,  # MESSAGE-INTEGRITY-SHA256
        0x001D,  # PASSWORD-ALGORITHM
        0x001E,  # USERHASH
        XOR_MAPPED_ADDRESS,
        0x0024,  # PRIORITY
        0x0025,  # USE-CANDIDATE
    }
)


def parse_binding_request(data: bytes) -> bytes | None:
    """The transaction id of a well-formed Binding Request, or None for anything else."""
    message = decode(data)
    return message.transaction_id if message is not None and message.kind == BINDING_REQUEST else None


def binding_answer(data: bytes, address: tuple[str, int]) -> bytes | None:
    """What the responder sends back for the datagram `data` from `address`: a Binding Success Response, a
    420 error naming the unknown comprehension-required attributes, or None (no reply at all)."""
    message = decode(data)
    if message is None or message.kind != BINDING_REQUEST:
        return None
    unknown = list(dict.fromkeys(t for t in message.types if t < 0x8000 and t not in UNDERSTOOD))
    if unknown:
        return unknown_attributes_error(message.transaction_id, unknown, message.with_fingerprint)
    return binding_success(message.transaction_id, address, with_fingerprint=message.with_fingerprint)


def unknown_attributes_error(transaction_id: bytes, unknown: list[int], with_fingerprint: bool = True) -> bytes:
    """420 Unknown Attribute with UNKNOWN-ATTRIBUTES; the reason phrase is left empty to keep it small."""
    code = struct.pack("!HBB", 0, UNKNOWN_ATTRIBUTE // 100, UNKNOWN_ATTRIBUTE % 100)
    listed = b"".join(struct.pack("!H", t) for t in unknown)
    attributes = attribute(ERROR_CODE, code) + attribute(UNKNOWN_ATTRIBUTES, listed)
    return encode(BINDING_ERROR, transaction_id, attributes, with_fingerprint=with_fingerprint)


def binding_request(transaction_id: bytes | None = None) -> bytes:
    """A Binding Request with FINGERPRINT; a random transaction id unless one is given."""
    return encode(BINDING_REQUEST, os.urandom(12) if transaction_id is None else transaction_id)


def binding_success(transaction_id: bytes, address: tuple[str, int], *, with_fingerprint: bool = True) -> bytes:
    """The Binding Success Response telling the sender at `address` what it looks like from here."""
    host, port = address
    ip = ipaddress.ip_address(host.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # a dual-stack socket's view of an IPv4 peer
    attributes = attribute(XOR_MAPPED_ADDRESS, encode_xor_address(transaction_id, str(ip), port))
    return encode(BINDING_SUCCESS, transaction_id, attributes, with_fingerprint=with_fingerprint)


def parse_binding_response(data: bytes, transaction_id: bytes) -> tuple[str, int] | None:
    """The mapped address from a Binding Success Response to `transaction_id`, or None."""
    message = decode(data)
    if message is None or message.kind != BINDING_SUCCESS or message.transaction_id != transaction_id:
        return None
    value = message.attributes.get(XOR_MAPPED_ADDRESS)
    return None if value is None else decode_xor_address(value, transaction_id)


class StunResponder(asyncio.DatagramProtocol):
    """Answers Binding Requests (with a success or a 420); drops everything else without a word."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        try:
            answer = binding_answer(data, (addr[0], addr[1]))
            if answer is not None and self.transport is not None:
                self.transport.sendto(answer, addr)
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

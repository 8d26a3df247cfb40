"""ShowDesk's STUN responder: real Binding exchanges over loopback UDP, checked byte by byte."""

from __future__ import annotations

import asyncio
import os
import socket
import struct
import zlib
from typing import Any

import pytest

from showdesk.adapters.ice.stun import (
    StunServer,
    binding_request,
    binding_success,
    parse_binding_request,
    parse_binding_response,
    start_stun_responder,
    stun_binding,
)

COOKIE = 0x2112A442



class Inbox(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.received: asyncio.Queue[bytes] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.received.put_nowait(data)


def attributes(message: bytes) -> list[tuple[int, bytes]]:
    """Attribute list of a STUN message, parsed independently of the code under test."""
    out, offset = [], 20
    while offset < len(message):
        kind, length = struct.unpack_from("!HH", message, offset)
        out.append((kind, message[offset + 4 : offset + 4 + length]))
        offset += 4 + (length + 3) // 4 * 4
    assert offset == len(message)
    return out


def plain_request(transaction_id: bytes, body: bytes = b"", kind: int = 0x0001, cookie: int = COOKIE) -> bytes:
    return struct.pack("!HHI12s", kind, len(body), cookie, transaction_id) + body


async def test_the_client_helper_learns_its_own_address(responder: StunServer) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    own = sock.getsockname()
    assert await stun_binding("127.0.0.1", responder.port, sock=sock) == own


async def test_the_client_helper_without_a_socket() -> None:
    server = await start_stun_responder("127.0.0.1", 0)
    try:
        host, port = await stun_binding("127.0.0.1", server.port)
    finally:
        server.close()
    assert host == "127.0.0.1"
    assert 0 < port != server.port


async def test_silence_is_a_timeout() -> None:
    quiet = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # bound, never answers
    quiet.bind(("127.0.0.1", 0))
    try:
        with pytest.raises(TimeoutError):
            await stun_binding("127.0.0.1", quiet.getsockname()[1], timeout=0.3)
    finally:
        quiet.close()


def test_response_layout_and_fingerprint() -> None:
    tid = os.urandom(12)
    response = binding_success(tid, ("192.0.2.1", 32853))
    kind, length, cookie, echoed = struct.unpack_from("!HHI12s", response)
    assert (kind, cookie, echoed) == (0x0101, COOKIE, tid)
    assert length == len(response) - 20 and length % 4 == 0
    attrs = attributes(response)
    assert [a for a, _ in attrs] == [0x0020, 0x8028]  # no SOFTWARE: nothing that makes a reply larger
    # FINGERPRINT: CRC-32 of everything before the attribute (header length already counting it), XOR "STUN".
    expected = zlib.crc32(response[:-8]) ^ 0x5354554E
    assert response[-8:] == struct.pack("!HHI", 0x8028, 4, expected)


def test_xor_mapped_address_ipv4_and_ipv6() -> None:
    tid = bytes(range(12))
    value = dict(attributes(binding_success(tid, ("192.0.2.1", 32853))))[0x0020]
    # RFC 5769 section 2.2 uses the same address and port: X-Port 0xa147, X-Address e1 12 a6 43.
    assert value == bytes.fromhex("0001a147e112a643")

    response = binding_success(tid, ("2001:db8:1234:5678:11:2233:4455:6677", 32853))
    value = dict(attributes(response))[0x0020]
    key = struct.pack("!I", COOKIE) + tid
    address = bytes(a ^ b for a, b in zip(value[4:], key, strict=True))
    assert value[:4] == bytes.fromhex("0002a147")
    assert socket.inet_ntop(socket.AF_INET6, address) == "2001:db8:1234:5678:11:2233:4455:6677"
    assert parse_binding_response(response, tid) == ("2001:db8:1234:5678:11:2233:4455:6677", 32853)


def test_ipv4_mapped_ipv6_peer_is_reported_as_ipv4() -> None:
    tid = os.urandom(12)
    response = binding_success(tid, ("::ffff:198.51.100.7", 4000))
    assert parse_binding_response(response, tid) == ("198.51.100.7", 4000)


def test_parse_binding_request() -> None:
    tid = os.urandom(12)
    assert parse_binding_request(plain_request(tid)) == tid
    assert parse_binding_request(binding_request(tid)) == tid
    # Attributes a browser sends (USERNAME, PRIORITY, ICE-CONTROLLED, ...) do not stop an answer.
    body = struct.pack("!HH", 0x0006, 5) + b"ab:cd\x00\x00\x00" + struct.pack("!HHI", 0x0024, 4, 1)
    body += struct.pack("!HHQ", 0x8029, 8, 42)
    assert parse_binding_request(plain_request(tid, body)) == tid


def test_a_bad_fingerprint_is_not_a_request() -> None:
    request = bytearray(binding_request())
    request[-1] ^= 1
    assert parse_binding_request(bytes(request)) is None


MALFORMED = {
    "empty": b"",
    "random": bytes.fromhex("8f3a55d0c1b2") * 7,
    "short header": plain_request(bytes(12))[:19],
    "wrong cookie": plain_request(bytes(12), cookie=0x2112A443),
    "top bits set": plain_request(bytes(12), kind=0xC001),
    "binding response": binding_success(bytes(12), ("127.0.0.1", 9)),
    "length disagrees": struct.pack("!HHI12s", 1, 8, COOKIE, bytes(12)),
    "length not a multiple of 4": struct.pack("!HHI12s", 1, 2, COOKIE, bytes(12)) + b"\x00\x00",
    "truncated attribute": plain_request(bytes(12), struct.pack("!HH", 0x0006, 12) + b"abcd"),
    "bad fingerprint": binding_request(bytes(12))[:-1] + bytes([binding_request(bytes(12))[-1] ^ 1]),
    "attribute after fingerprint": plain_request(bytes(12), binding_request(bytes(12))[20:] + bytes(4)),
}


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_datagrams_are_not_requests(data: bytes) -> None:
    assert parse_binding_request(data) is None


async def test_malformed_datagrams_get_no_answer_and_the_responder_keeps_going(responder: StunServer) -> None:
    loop = asyncio.get_running_loop()
    transport, inbox = await loop.create_datagram_endpoint(
        Inbox, local_addr=("127.0.0.1", 0), remote_addr=("127.0.0.1", responder.port)
    )
    try:
        for data in MALFORMED.values():
            transport.sendto(data)
        tid = os.urandom(12)
        transport.sendto(binding_request(tid))
        # Loopback keeps order: had any bad datagram been answered, that answer would arrive first.
        first = await asyncio.wait_for(inbox.received.get(), 2)
        assert parse_binding_response(first, tid) == transport.get_extra_info("sockname")
        later = os.urandom(12)  # and one more: any late answer to a bad datagram would come before its answer
        transport.sendto(binding_request(later))
        second = await asyncio.wait_for(inbox.received.get(), 2)
        assert parse_binding_response(second, later) == transport.get_extra_info("sockname")
        assert inbox.received.empty()
    finally:
        transport.close()


async def test_aioice_parses_our_response(responder: StunServer) -> None:
    from aioice import stun

    loop = asyncio.get_running_loop()
    transport, inbox = await loop.create_datagram_endpoint(
        Inbox, local_addr=("127.0.0.1", 0), remote_addr=("127.0.0.1", responder.port)
    )
    try:
        request = stun.Message(message_method=stun.Method.BINDING, message_class=stun.Class.REQUEST)
        request.add_fingerprint()
        transport.sendto(bytes(request))
        response = stun.parse_message(await asyncio.wait_for(inbox.received.get(), 2))
    finally:
        transport.close()
    assert response.message_method == stun.Method.BINDING
    assert response.message_class == stun.Class.RESPONSE
    assert response.transaction_id == request.transaction_id
    assert response.attributes["XOR-MAPPED-ADDRESS"] == transport.get_extra_info("sockname")
    assert "SOFTWARE" not in response.attributes
    assert "FINGERPRINT" in response.attributes  # aioice checks its value while parsing

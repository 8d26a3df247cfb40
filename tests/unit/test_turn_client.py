"""TURN messages byte by byte (RFC 5769's long-term credential vector, aioice as a second opinion) and the
client's exchanges against a scripted server on loopback: 401 then credentials, 438 then the new nonce,
retransmission, silence, port unreachable, refusals and a forged answer."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from showdesk.adapters.ice import stun_message as m
from showdesk.adapters.ice.stun_message import StunMessage, attribute, decode, encode, long_term_key, message_type
from showdesk.adapters.ice.turn_client import (
    TurnClient,
    TurnProtocolError,
    TurnRefused,
    TurnTimeout,
    TurnUnreachable,
    TurnUrl,
    parse_turn_url,
)

# RFC 5769 section 2.4: a request with long-term authentication (USERNAME, NONCE, REALM, MESSAGE-INTEGRITY).
RFC5769_LONG_TERM = bytes.fromhex(
    "000100602112a44278ad3433c6ad72c029da412e"
    "00060012e3839ee38388e383aae38383e382afe382b90000"
    "0015001c662f2f3439396b39353464364f4c33346f4c39465354767936347341"
    "0014000b6578616d706c652e6f726700"
    "00080014f67024656dd64a3e02b8e0712e85c9a28ca89666"
)
RFC5769_USERNAME = "\u30de\u30c8\u30ea\u30c3\u30af\u30b9"
RFC5769_PASSWORD = "TheMatrIX"  # "The\u00adM\u00aatr\u2168" after SASLprep
RFC5769_NONCE = b"f//499k954d6OL34oL9FSTvy64sA"


def test_rfc5769_long_term_request_is_reproduced_byte_for_byte() -> None:
    key = long_term_key(RFC5769_USERNAME, "example.org", RFC5769_PASSWORD)
    attributes = attribute(m.USERNAME, RFC5769_USERNAME.encode())
    attributes += attribute(m.NONCE, RFC5769_NONCE) + attribute(m.REALM, b"example.org")
    tid = bytes.fromhex("78ad3433c6ad72c029da412e")
    built = encode(0x0001, tid, attributes, integrity_key=key, with_fingerprint=False)
    assert built == RFC5769_LONG_TERM


def test_rfc5769_long_term_request_parses_and_its_integrity_checks() -> None:
    message = decode(RFC5769_LONG_TERM)
    assert message is not None
    assert (message.method, message.cls) == (m.BINDING, m.REQUEST)
    assert message.text(m.USERNAME) == RFC5769_USERNAME
    assert message.text(m.REALM) == "example.org"
    assert message.attributes[m.NONCE] == RFC5769_NONCE
    assert message.integrity_ok(long_term_key(RFC5769_USERNAME, "example.org", RFC5769_PASSWORD))
    assert not message.integrity_ok(long_term_key(RFC5769_USERNAME, "example.org", "WrongPassword"))
    tampered = bytearray(RFC5769_LONG_TERM)
    tampered[30] ^= 1  # inside USERNAME
    again = decode(bytes(tampered))
    assert again is not None and not again.integrity_ok(long_term_key(RFC5769_USERNAME, "example.org", "TheMatrIX"))


def test_message_types_interleave_the_class_bits() -> None:
    assert message_type(m.ALLOCATE, m.REQUEST) == 0x0003
    assert message_type(m.ALLOCATE, m.SUCCESS) == 0x0103
    assert message_type(m.ALLOCATE, m.ERROR) == 0x0113
    assert message_type(m.REFRESH, m.ERROR) == 0x0114
    assert message_type(m.CREATE_PERMISSION, m.REQUEST) == 0x0008
    assert message_type(m.CREATE_PERMISSION, m.SUCCESS) == 0x0108
    # M0-3 = 0xC, C0 at bit 4, M4-6 = 0b011 from bit 5, C1 at bit 8 (0 here), M7-11 = 0b10101 from bit 9
    assert message_type(0x0ABC, m.INDICATION) == 0xC | 1 << 4 | 0b011 << 5 | 0b10101 << 9 == 0x2A7C
    for method in (m.BINDING, m.ALLOCATE, m.REFRESH, m.CREATE_PERMISSION, 0x0FFF):
        for cls in (m.REQUEST, m.INDICATION, m.SUCCESS, m.ERROR):
            assert m.method_and_class(message_type(method, cls)) == (method, cls)


def test_an_authenticated_allocate_matches_aioices_encoding() -> None:
    from aioice import stun

    tid = bytes(range(12))
    key = long_term_key("1700000000:session", "showdesk", "c2VjcmV0")
    ours = encode(
        message_type(m.ALLOCATE, m.REQUEST),
        tid,
        attribute(m.REQUESTED_TRANSPORT, struct.pack("!B3x", 17))
        + attribute(m.USERNAME, b"1700000000:session")
        + attribute(m.REALM, b"showdesk")
        + attribute(m.NONCE, b"abcdef0123456789"),
        integrity_key=key,
    )
    theirs = stun.Message(message_method=stun.Method.ALLOCATE, message_class=stun.Class.REQUEST, transaction_id=tid)
    theirs.attributes["REQUESTED-TRANSPORT"] = 17 << 24
    theirs.attributes["USERNAME"] = "1700000000:session"
    theirs.attributes["REALM"] = "showdesk"
    theirs.attributes["NONCE"] = b"abcdef0123456789"
    theirs.add_message_integrity(key)
    theirs.add_fingerprint()
    assert ours == bytes(theirs)


def test_error_code_and_xor_addresses() -> None:
    tid = bytes(range(12))
    error = attribute(m.ERROR_CODE, b"\x00\x00\x04\x03Forbidden IP")
    peer4 = attribute(m.XOR_PEER_ADDRESS, m.encode_xor_address(tid, "203.0.113.9", 0))
    peer6 = attribute(m.XOR_RELAYED_ADDRESS, m.encode_xor_address(tid, "::ffff:127.0.0.1", 49152))
    message = decode(encode(message_type(m.CREATE_PERMISSION, m.ERROR), tid, error + peer4 + peer6))
    assert message is not None
    assert message.error() == (403, "Forbidden IP")
    assert message.address(m.XOR_PEER_ADDRESS) == ("203.0.113.9", 0)
    assert message.address(m.XOR_RELAYED_ADDRESS) == ("::ffff:7f00:1", 49152)  # stays IPv6 on the wire


def test_attributes_after_message_integrity_are_ignored() -> None:
    tid = bytes(12)
    signed = encode(0x0001, tid, attribute(m.USERNAME, b"u"), integrity_key=b"k", with_fingerprint=False)
    extra = attribute(m.REALM, b"smuggled")
    data = bytearray(signed + extra)
    struct.pack_into("!H", data, 2, len(data) - 20)
    message = decode(bytes(data))
    assert message is not None
    assert m.REALM not in message.attributes
    assert message.integrity_ok(b"k")


@pytest.mark.parametrize(
    ("url", "parsed"),
    [
        ("turn:turn.example.com", TurnUrl("turn", "turn.example.com", 3478, "udp")),
        ("turn:198.51.100.7:3479?transport=udp", TurnUrl("turn", "198.51.100.7", 3479, "udp")),
        ("turn:turn.example.com:443?transport=tcp", TurnUrl("turn", "turn.example.com", 443, "tcp")),
        ("turns:turn.example.com", TurnUrl("turns", "turn.example.com", 5349, "tcp")),
        ("turn:[2001:db8::7]:3478", TurnUrl("turn", "2001:db8::7", 3478, "udp")),
    ],
)
def test_turn_urls(url: str, parsed: TurnUrl) -> None:
    assert parse_turn_url(url) == parsed
    assert parsed.checkable == (parsed.scheme == "turn")  # TURN over TLS is not


@pytest.mark.parametrize("url", ["stun:example.com", "turn:", "turn:host:99999", "turn:host?transport=sctp"])
def test_not_turn_urls(url: str) -> None:
    with pytest.raises(ValueError):
        parse_turn_url(url)


# --- the client against a scripted server ---------------------------------------------------------------

USERNAME, PASSWORD, REALM = "1700000000:session", "c2VjcmV0", "showdesk"
KEY = long_term_key(USERNAME, REALM, PASSWORD)
Script = Callable[[StunMessage, tuple[str, int]], bytes | None]


class ScriptedServer(asyncio.DatagramProtocol):
    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[StunMessage] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        request = decode(data)
        assert request is not None, "the client sent a malformed message"
        self.requests.append(request)
        answer = self.script(request, addr)
        if answer is not None and self.transport is not None:
            self.transport.sendto(answer, addr)


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Script], Any]]:
    transports: list[asyncio.DatagramTransport] = []

    async def start(script: Script) -> tuple[ScriptedServer, int]:
        loop = asyncio.get_running_loop()
        transport, server = await loop.create_datagram_endpoint(
            lambda: ScriptedServer(script), local_addr=("127.0.0.1", 0)
        )
        transports.append(transport)
        return server, transport.get_extra_info("sockname")[1]

    yield start
    for transport in transports:
        transport.close()


def error(request: StunMessage, code: int, reason: str, *extra: bytes) -> bytes:
    value = struct.pack("!HBB", 0, code // 100, code % 100) + reason.encode()
    return encode(
        message_type(request.method, m.ERROR), request.transaction_id, attribute(m.ERROR_CODE, value) + b"".join(extra)
    )


def challenge(request: StunMessage, nonce: bytes = b"nonce-1") -> bytes:
    return error(request, 401, "Unauthorized", attribute(m.REALM, REALM.encode()), attribute(m.NONCE, nonce))


def allocated(request: StunMessage, addr: tuple[str, int], key: bytes = KEY) -> bytes:
    tid = request.transaction_id
    body = attribute(m.XOR_RELAYED_ADDRESS, m.encode_xor_address(tid, "198.51.100.7", 50000))
    body += attribute(m.XOR_MAPPED_ADDRESS, m.encode_xor_address(tid, addr[0], addr[1]))
    body += attribute(m.LIFETIME, struct.pack("!I", 600))
    return encode(message_type(m.ALLOCATE, m.SUCCESS), tid, body, integrity_key=key)


def success(request: StunMessage) -> bytes:
    return encode(message_type(request.method, m.SUCCESS), request.transaction_id, integrity_key=KEY)


def long_term(request: StunMessage, addr: tuple[str, int]) -> bytes:
    """A server that wants credentials, checks them, and grants whatever is asked."""
    if m.MESSAGE_INTEGRITY not in request.attributes:
        return challenge(request)
    if not request.integrity_ok(KEY) or request.text(m.USERNAME) != USERNAME:
        return error(request, 401, "Unauthorized", attribute(m.REALM, REALM.encode()), attribute(m.NONCE, b"n"))
    if request.method == m.ALLOCATE:
        return allocated(request, addr)
    if request.method == m.CREATE_PERMISSION:
        peer = request.address(m.XOR_PEER_ADDRESS)
        return success(request) if peer and peer[0] == "203.0.113.9" else error(request, 403, "Forbidden IP")
    return success(request)


async def test_allocate_answers_the_401_challenge_with_long_term_credentials(serve: Any) -> None:
    server, port = await serve(long_term)
    async with TurnClient("127.0.0.1", port, USERNAME, PASSWORD) as client:
        allocation = await client.allocate()
        own = client._transport.get_extra_info("sockname") if client._transport else None
    assert allocation.relayed == ("198.51.100.7", 50000)
    assert allocation.mapped == own
    assert allocation.lifetime == 600
    first, second = server.requests
    assert first.kind == 0x0003 and m.USERNAME not in first.attributes and m.MESSAGE_INTEGRITY not in first.attributes
    assert first.attributes[m.REQUESTED_TRANSPORT] == bytes([17, 0, 0, 0])
    assert (second.text(m.USERNAME), second.text(m.REALM), second.attributes[m.NONCE]) == (USERNAME, REALM, b"nonce-1")
    assert second.integrity_ok(KEY)
    assert second.raw[-8:-6] == b"\x80\x28"  # FINGERPRINT last


async def test_create_permission_and_refresh(serve: Any) -> None:
    server, port = await serve(long_term)
    async with TurnClient("127.0.0.1", port, USERNAME, PASSWORD) as client:
        await client.allocate()
        await client.create_permission("203.0.113.9")
        with pytest.raises(TurnRefused) as refused:
            await client.create_permission("10.1.2.3")
        assert (refused.value.code, refused.value.reason) == (403, "Forbidden IP")
        assert str(refused.value) == "CreatePermission refused: 403 Forbidden IP"
        await client.release()
    permission = server.requests[2]
    assert permission.method == m.CREATE_PERMISSION and permission.address(m.XOR_PEER_ADDRESS) == ("203.0.113.9", 0)
    release = server.requests[-1]
    assert release.method == m.REFRESH and release.attributes[m.LIFETIME] == bytes(4)


async def test_a_stale_nonce_is_retried_with_the_new_one(serve: Any) -> None:
    state = {"stale": 1}

    def script(request: StunMessage, addr: tuple[str, int]) -> bytes:
        if m.MESSAGE_INTEGRITY in request.attributes and request.attributes[m.NONCE] == b"nonce-1" and state["stale"]:
            state["stale"] -= 1
            return error(request, 438, "Stale Nonce", attribute(m.REALM, REALM.encode()), attribute(m.NONCE, b"n-2"))
        return long_term(request, addr)

    server, port = await serve(script)
    async with TurnClient("127.0.0.1", port, USERNAME, PASSWORD) as client:
        await client.allocate()
        assert client.nonce == b"n-2"
    assert [r.attributes.get(m.NONCE) for r in server.requests] == [None, b"nonce-1", b"n-2"]


async def test_wrong_credentials_are_a_401_refusal(serve: Any) -> None:
    _, port = await serve(long_term)
    async with TurnClient("127.0.0.1", port, USERNAME, "wrong") as client:
        with pytest.raises(TurnRefused) as refused:
            await client.allocate()
    assert (refused.value.code, refused.value.reason) == (401, "Unauthorized")
    assert str(refused.value) == "Allocate refused: 401 Unauthorized"


async def test_a_lost_request_is_retransmitted(serve: Any) -> None:
    seen: list[bytes] = []

    def lossy(request: StunMessage, addr: tuple[str, int]) -> bytes | None:
        seen.append(request.transaction_id)
        return None if seen.count(request.transaction_id) == 1 else long_term(request, addr)

    server, port = await serve(lossy)
    async with TurnClient("127.0.0.1", port, USERNAME, PASSWORD, timeout=3) as client:
        await client.allocate()
    assert len(server.requests) == 4  # each of the two requests sent twice, with the same transaction id
    assert server.requests[0].raw == server.requests[1].raw


async def test_silence_is_a_timeout_after_retransmissions(serve: Any) -> None:
    server, port = await serve(lambda request, addr: None)
    async with TurnClient("127.0.0.1", port, USERNAME, PASSWORD, timeout=1.6) as client:
        with pytest.raises(TurnTimeout) as silent:
            await client.allocate()
    assert str(silent.value) == f"no answer to Allocate from udp 127.0.0.1:{port} in 1.6 s"
    assert len(server.requests) == 3  # at 0, 0.5 and 1.5 s (RTO 500 ms, doubling)


async def test_nothing_listening_is_port_unreachable() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with TurnClient("127.0.0.1", port, USERNAME, PASSWORD, timeout=2) as client:
        with pytest.raises(TurnUnreachable) as unreachable:
            await client.allocate()
    assert str(unreachable.value) == f"nothing listens on udp 127.0.0.1:{port} (port unreachable)"


async def test_an_unknown_host_name_is_unreachable() -> None:
    with pytest.raises(TurnUnreachable, match=r"cannot resolve 'turn\.invalid'"):
        async with TurnClient("turn.invalid", 3478, USERNAME, PASSWORD):
            pass


async def test_an_answer_with_a_forged_integrity_is_rejected(serve: Any) -> None:
    def forger(request: StunMessage, addr: tuple[str, int]) -> bytes:
        if m.MESSAGE_INTEGRITY not in request.attributes:
            return challenge(request)
        return allocated(request, addr, key=b"not the key")

    _, port = await serve(forger)
    async with TurnClient("127.0.0.1", port, USERNAME, PASSWORD) as client:
        with pytest.raises(TurnProtocolError, match="MESSAGE-INTEGRITY"):
            await client.allocate()


async def test_a_401_without_realm_and_nonce_is_a_protocol_error(serve: Any) -> None:
    _, port = await serve(lambda request, addr: error(request, 401, "Unauthorized"))
    async with TurnClient("127.0.0.1", port, USERNAME, PASSWORD) as client:
        with pytest.raises(TurnProtocolError, match="no REALM and NONCE"):
            await client.allocate()


async def test_other_refusals_carry_code_and_reason(serve: Any) -> None:
    def full(request: StunMessage, addr: tuple[str, int]) -> bytes:
        if m.MESSAGE_INTEGRITY not in request.attributes:
            return challenge(request)
        return error(request, 486, "Allocation Quota Reached")

    _, port = await serve(full)
    async with TurnClient("127.0.0.1", port, USERNAME, PASSWORD) as client:
        with pytest.raises(TurnRefused) as refused:
            await client.allocate()
    assert (refused.value.code, refused.value.reason) == (486, "Allocation Quota Reached")


# --- over TCP -------------------------------------------------------------------------------------------


async def test_over_tcp_each_message_is_framed_by_its_length() -> None:
    requests: list[StunMessage] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                header = await reader.readexactly(20)
                request = decode(header + await reader.readexactly(struct.unpack_from("!H", header, 2)[0]))
                assert request is not None
                requests.append(request)
                reply = long_term(request, writer.get_extra_info("peername")[:2])
                writer.write(reply[:7])  # an answer split across segments still reads as one message
                await writer.drain()
                writer.write(reply[7:])
        except asyncio.IncompleteReadError:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with TurnClient("127.0.0.1", port, USERNAME, PASSWORD, protocol="tcp") as client:
            allocation = await client.allocate()
            await client.create_permission("203.0.113.9")
            await client.release()
    finally:
        server.close()
    assert allocation.relayed == ("198.51.100.7", 50000)
    assert [r.method for r in requests] == [m.ALLOCATE, m.ALLOCATE, m.CREATE_PERMISSION, m.REFRESH]  # sent once each


async def test_over_tcp_a_closed_port_is_a_refused_connection() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(TurnUnreachable) as unreachable:
        async with TurnClient("127.0.0.1", port, USERNAME, PASSWORD, protocol="tcp"):
            pass
    assert str(unreachable.value) == f"nothing listens on tcp 127.0.0.1:{port} (connection refused)"


async def test_over_tcp_a_server_that_hangs_up_is_said_so() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readexactly(20)
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with TurnClient("127.0.0.1", port, USERNAME, PASSWORD, protocol="tcp", timeout=2) as client:
            with pytest.raises(TurnUnreachable, match="the server closed the TCP connection"):
                await client.allocate()
    finally:
        server.close()

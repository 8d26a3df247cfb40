"""The STUN responder against requests it must refuse or must not amplify: raw UDP datagrams on loopback,
read back byte by byte and by aioice (aiortc's STUN stack) as an independent parser."""

from __future__ import annotations

import asyncio
import os
import struct
import zlib

import pytest

from showdesk.adapters.ice.stun import StunServer
from tests.unit.test_stun import Inbox

COOKIE = 0x2112A442
XOR_MAPPED_ADDRESS_IPV4 = 12  # type, length, family, port, address
CHANGE_REQUEST = 0x0003  # RFC 5780: comprehension-required, and this responder does not do it



async def exchange(port: int, request: bytes) -> bytes:
    loop = asyncio.get_running_loop()
    transport, inbox = await loop.create_datagram_endpoint(
        Inbox, local_addr=("127.0.0.1", 0), remote_addr=("127.0.0.1", port)
    )
    try:
        transport.sendto(request)
        return await asyncio.wait_for(inbox.received.get(), 2)
    finally:
        transport.close()


def attr(kind: int, value: bytes) -> bytes:
    return struct.pack("!HH", kind, len(value)) + value + b"\x00" * (-len(value) % 4)


def request(transaction_id: bytes, body: bytes = b"", fingerprint: bool = False) -> bytes:
    """A Binding request built here, not by the code under test."""
    if not fingerprint:
        return struct.pack("!HHI12s", 0x0001, len(body), COOKIE, transaction_id) + body
    head = struct.pack("!HHI12s", 0x0001, len(body) + 8, COOKIE, transaction_id) + body
    return head + struct.pack("!HHI", 0x8028, 4, (zlib.crc32(head) ^ 0x5354554E) & 0xFFFFFFFF)


def attributes(message: bytes) -> list[tuple[int, bytes]]:
    out, offset = [], 20
    while offset < len(message):
        kind, length = struct.unpack_from("!HH", message, offset)
        out.append((kind, message[offset + 4 : offset + 4 + length]))
        offset += 4 + (length + 3) // 4 * 4
    assert offset == len(message)
    return out


async def test_unknown_comprehension_required_attributes_get_420_listing_them(responder: StunServer) -> None:
    tid = os.urandom(12)
    body = attr(CHANGE_REQUEST, bytes(4)) + attr(0x7FFF, b"xy") + attr(CHANGE_REQUEST, bytes(4))
    body += attr(0x8123, b"optional")  # comprehension-optional: ignored, never listed
    answer = await exchange(responder.port, request(tid, body, fingerprint=True))

    kind, length, cookie, echoed = struct.unpack_from("!HHI12s", answer)
    assert (kind, cookie, echoed, length) == (0x0111, COOKIE, tid, len(answer) - 20)  # Binding error response
    found = attributes(answer)
    assert [k for k, _ in found] == [0x0009, 0x000A, 0x8028]
    code = found[0][1]
    assert (code[2] & 0x07) * 100 + code[3] == 420
    assert found[1][1] == struct.pack("!HH", CHANGE_REQUEST, 0x7FFF)  # each unknown one once, in order

    from aioice import stun

    parsed = stun.parse_message(answer)  # checks the FINGERPRINT too
    assert (parsed.message_method, parsed.message_class) == (stun.Method.BINDING, stun.Class.ERROR)
    assert parsed.attributes["ERROR-CODE"][0] == 420


async def test_understood_and_optional_attributes_still_get_the_address(responder: StunServer) -> None:
    tid = os.urandom(12)
    body = attr(0x0006, b"ab:cd") + attr(0x0024, struct.pack("!I", 1)) + attr(0x0025, b"")  # USERNAME, ICE
    body += attr(0x8029, struct.pack("!Q", 42)) + attr(0xC057, b"\x00\x01\x00\x0a")  # ICE-CONTROLLED, GOOG
    answer = await exchange(responder.port, request(tid, body))

    from aioice import stun

    parsed = stun.parse_message(answer)
    assert parsed.message_class == stun.Class.RESPONSE and parsed.transaction_id == tid
    assert parsed.attributes["XOR-MAPPED-ADDRESS"][0] == "127.0.0.1"


def _requests() -> dict[str, bytes]:
    tid = bytes(range(12))
    return {
        "bare": request(tid),
        "with fingerprint": request(tid, fingerprint=True),
        "with username": request(tid, attr(0x0006, b"u")),
        "one unknown": request(tid, attr(CHANGE_REQUEST, b"")),
        "one unknown with fingerprint": request(tid, attr(CHANGE_REQUEST, b""), fingerprint=True),
        "three unknown": request(tid, attr(0x0003, b"") + attr(0x0004, b"") + attr(0x0005, b"")),
        "many unknown": request(tid, b"".join(attr(t, b"") for t in range(0x0040, 0x0140))),
    }


@pytest.mark.parametrize("name", list(_requests()))
async def test_no_reply_is_larger_than_the_request_plus_one_mapped_address(responder: StunServer, name: str) -> None:
    sent = _requests()[name]
    answer = await exchange(responder.port, sent)
    assert len(answer) <= len(sent) + XOR_MAPPED_ADDRESS_IPV4, (len(sent), len(answer))


async def test_a_bare_20_byte_request_gets_a_32_byte_answer(responder: StunServer) -> None:
    answer = await exchange(responder.port, request(os.urandom(12)))
    assert len(answer) == 32  # header and XOR-MAPPED-ADDRESS: no SOFTWARE, no FINGERPRINT it did not ask for
    assert [k for k, _ in attributes(answer)] == [0x0020]

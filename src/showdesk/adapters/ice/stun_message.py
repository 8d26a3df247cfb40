"""The STUN message format (RFC 8489 section 5 and 14), shared by the STUN responder and the TURN client.

A message is a 20-byte header (type, length, magic cookie, transaction id) and type-length-value
attributes padded to four bytes. MESSAGE-INTEGRITY is an HMAC-SHA1 over the message up to itself, the
header's length already counting it; FINGERPRINT, always last, is a CRC-32 of everything before it.
Pure functions only: no sockets here.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import struct
import zlib
from dataclasses import dataclass

MAGIC_COOKIE = 0x2112A442
FINGERPRINT_XOR = 0x5354554E

# Methods (RFC 8489, RFC 8656)
BINDING = 0x001
ALLOCATE = 0x003
REFRESH = 0x004
CREATE_PERMISSION = 0x008

# Classes
REQUEST = 0b00
INDICATION = 0b01
SUCCESS = 0b10
ERROR = 0b11

# Attributes
MAPPED_ADDRESS = 0x0001
USERNAME = 0x0006
MESSAGE_INTEGRITY = 0x0008
ERROR_CODE = 0x0009
UNKNOWN_ATTRIBUTES = 0x000A
LIFETIME = 0x000D
XOR_PEER_ADDRESS = 0x0012
REALM = 0x0014
NONCE = 0x0015
XOR_RELAYED_ADDRESS = 0x0016
REQUESTED_ADDRESS_FAMILY = 0x0017
REQUESTED_TRANSPORT = 0x0019
XOR_MAPPED_ADDRESS = 0x0020
FINGERPRINT = 0x8028

UDP = 17  # REQUESTED-TRANSPORT's protocol number

HEADER = struct.Struct("!HHI12s")
_ATTR = struct.Struct("!HH")
_INTEGRITY_SIZE = 4 + 20
_FINGERPRINT_SIZE = 4 + 4


def message_type(method: int, cls: int) -> int:
    """The 14-bit message type: the class's two bits interleaved into the method's twelve."""
    return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) | ((cls & 1) << 4) | ((cls & 2) << 7)


def method_and_class(kind: int) -> tuple[int, int]:
    method = (kind & 0x000F) | ((kind & 0x00E0) >> 1) | ((kind & 0x3E00) >> 2)
    cls = ((kind & 0x0010) >> 4) | ((kind & 0x0100) >> 7)
    return method, cls


def _pad(n: int) -> int:
    return (n + 3) & ~3


def attribute(kind: int, value: bytes) -> bytes:
    """One attribute, zero-padded to a multiple of four bytes."""
    return _ATTR.pack(kind, len(value)) + value + b"\x00" * (_pad(len(value)) - len(value))


def fingerprint(message_so_far: bytes) -> int:
    return (zlib.crc32(message_so_far) ^ FINGERPRINT_XOR) & 0xFFFFFFFF


def long_term_key(username: str, realm: str, password: str) -> bytes:
    """RFC 8489 9.2.2: MD5(username ":" realm ":" password), the key of MESSAGE-INTEGRITY.

    SASLprep/OpaqueString is not applied: TURN REST usernames and passwords are plain ASCII.
    """
    return hashlib.md5(f"{username}:{realm}:{password}".encode(), usedforsecurity=False).digest()


def encode(
    kind: int,
    transaction_id: bytes,
    attributes: bytes = b"",
    *,
    integrity_key: bytes | None = None,
    with_fingerprint: bool = True,
) -> bytes:
    """Header + `attributes` (already encoded), then MESSAGE-INTEGRITY if a key is given, then FINGERPRINT."""
    if len(transaction_id) != 12:
        raise ValueError("a STUN transaction id is 12 bytes")
    body = attributes
    if integrity_key is not None:
        head = HEADER.pack(kind, len(body) + _INTEGRITY_SIZE, MAGIC_COOKIE, transaction_id)
        body += attribute(MESSAGE_INTEGRITY, hmac.new(integrity_key, head + body, hashlib.sha1).digest())
    if not with_fingerprint:
        return HEADER.pack(kind, len(body), MAGIC_COOKIE, transaction_id) + body
    head = HEADER.pack(kind, len(body) + _FINGERPRINT_SIZE, MAGIC_COOKIE, transaction_id) + body
    return head + _ATTR.pack(FINGERPRINT, 4) + struct.pack("!I", fingerprint(head))


@dataclass(frozen=True)
class StunMessage:
    kind: int
    transaction_id: bytes
    attributes: dict[int, bytes]  # the first of each type, as RFC 8489 asks of a receiver
    raw: bytes
    integrity_at: int | None  # offset of MESSAGE-INTEGRITY, if present
    types: tuple[int, ...] = ()  # every attribute type read, in order (not those ignored after MESSAGE-INTEGRITY)
    with_fingerprint: bool = False

    @property
    def method(self) -> int:
        return method_and_class(self.kind)[0]

    @property
    def cls(self) -> int:
        return method_and_class(self.kind)[1]

    def text(self, kind: int) -> str | None:
        value = self.attributes.get(kind)
        return None if value is None else value.decode("utf-8", "replace")

    def error(self) -> tuple[int, str] | None:
        """ERROR-CODE as (code, reason phrase), or None."""
        value = self.attributes.get(ERROR_CODE)
        if value is None or len(value) < 4:
            return None
        code = (value[2] & 0x07) * 100 + value[3]
        return code, value[4:].decode("utf-8", "replace")

    def address(self, kind: int) -> tuple[str, int] | None:
        value = self.attributes.get(kind)
        return None if value is None else decode_xor_address(value, self.transaction_id)

    def integrity_ok(self, key: bytes) -> bool:
        """True when MESSAGE-INTEGRITY is present and matches `key`."""
        if self.integrity_at is None:
            return False
        at = self.integrity_at
        # The HMAC covers the header with its length set as if MESSAGE-INTEGRITY were the last attribute.
        head = HEADER.pack(self.kind, at + _INTEGRITY_SIZE - HEADER.size, MAGIC_COOKIE, self.transaction_id)
        expected = hmac.new(key, head + self.raw[HEADER.size : at], hashlib.sha1).digest()
        return hmac.compare_digest(expected, self.raw[at + 4 : at + _INTEGRITY_SIZE])


def decode(data: bytes) -> StunMessage | None:
    """A well-formed STUN message (checked framing, cookie and FINGERPRINT if present), or None."""
    if len(data) < HEADER.size or len(data) % 4:
        return None
    kind, length, cookie, transaction_id = HEADER.unpack_from(data)
    if kind & 0xC000 or cookie != MAGIC_COOKIE or length != len(data) - HEADER.size:
        return None
    attributes: dict[int, bytes] = {}
    types: list[int] = []
    integrity_at: int | None = None
    with_fingerprint = False
    offset = HEADER.size
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
            if struct.unpack("!I", value)[0] != fingerprint(data[:offset]):
                return None
            with_fingerprint = True
        elif integrity_at is not None:
            pass  # RFC 8489 14.5: attributes after MESSAGE-INTEGRITY, except FINGERPRINT, are ignored
        elif attr_type == MESSAGE_INTEGRITY:
            if attr_len != 20:
                return None
            integrity_at = offset
            attributes.setdefault(attr_type, value)
            types.append(attr_type)
        else:
            attributes.setdefault(attr_type, value)
            types.append(attr_type)
        offset = start + _pad(attr_len)
    if offset != len(data):
        return None
    return StunMessage(kind, transaction_id, attributes, data, integrity_at, tuple(types), with_fingerprint)


def encode_xor_address(transaction_id: bytes, host: str, port: int) -> bytes:
    """An XOR-MAPPED/PEER/RELAYED-ADDRESS value; IPv6 addresses (IPv4-mapped ones too) stay IPv6."""
    ip = ipaddress.ip_address(host.split("%", 1)[0])
    key = struct.pack("!I", MAGIC_COOKIE) + (transaction_id if ip.version == 6 else b"")
    address = bytes(a ^ b for a, b in zip(ip.packed, key, strict=True))
    family = 0x01 if ip.version == 4 else 0x02
    return struct.pack("!BBH", 0, family, port ^ (MAGIC_COOKIE >> 16)) + address


def decode_xor_address(value: bytes, transaction_id: bytes) -> tuple[str, int] | None:
    if len(value) not in (8, 20):
        return None
    _, family, xport = struct.unpack_from("!BBH", value)
    key = struct.pack("!I", MAGIC_COOKIE) + transaction_id
    raw = bytes(a ^ b for a, b in zip(value[4:], key, strict=False))
    port = xport ^ (MAGIC_COOKIE >> 16)
    if (family, len(raw)) == (0x01, 4):
        return str(ipaddress.IPv4Address(raw)), port
    if (family, len(raw)) == (0x02, 16):
        return str(ipaddress.IPv6Address(raw)), port
    return None

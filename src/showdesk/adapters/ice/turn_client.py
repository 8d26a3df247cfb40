"""A minimal TURN client over UDP or TCP (RFC 8656): Allocate, CreatePermission, Refresh; for `showdesk doctor`.

It does what a browser does before relaying media, so a check with it tells whether browsers will get
a relay: the first Allocate goes without credentials, the server answers 401 with REALM and NONCE, the
retry carries USERNAME, REALM, NONCE and MESSAGE-INTEGRITY keyed with MD5(username:realm:password).
A 438 Stale Nonce is answered by retrying with the new nonce. Over UDP requests are retransmitted (RTO
500 ms, doubling) until the deadline; over TCP they are sent once and framed by their length field.
Every failure is a `TurnError` whose message says what went wrong. The relay itself is always UDP.
"""

from __future__ import annotations

import asyncio
import os
import socket
import struct
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from showdesk.adapters.ice.stun_message import (
    ALLOCATE,
    CREATE_PERMISSION,
    ERROR,
    HEADER,
    LIFETIME,
    NONCE,
    REALM,
    REFRESH,
    REQUEST,
    REQUESTED_ADDRESS_FAMILY,
    REQUESTED_TRANSPORT,
    SUCCESS,
    UDP,
    USERNAME,
    XOR_MAPPED_ADDRESS,
    XOR_PEER_ADDRESS,
    XOR_RELAYED_ADDRESS,
    StunMessage,
    attribute,
    decode,
    encode,
    encode_xor_address,
    long_term_key,
    message_type,
)

METHOD_NAMES = {ALLOCATE: "Allocate", REFRESH: "Refresh", CREATE_PERMISSION: "CreatePermission"}
FIRST_RTO = 0.5


class TurnError(Exception):
    """Any failure of a TURN exchange; the message says what went wrong in words."""


class TurnTimeout(TurnError):
    """The server did not answer before the deadline."""


class TurnUnreachable(TurnError):
    """The network refused the datagrams (ICMP port unreachable: nothing listens there) or the name is unknown."""


class TurnRefused(TurnError):
    """The server answered with an error response."""

    def __init__(self, method: int, code: int, reason: str) -> None:
        self.method = method
        self.code = code
        self.reason = reason.strip()
        super().__init__(f"{METHOD_NAMES.get(method, hex(method))} refused: {code} {self.reason}".rstrip())


class TurnProtocolError(TurnError):
    """The server answered something this client cannot accept (a bad MESSAGE-INTEGRITY, a missing attribute)."""


@dataclass(frozen=True)
class TurnUrl:
    scheme: str  # turn | turns
    host: str
    port: int
    transport: str  # udp | tcp

    @property
    def checkable(self) -> bool:
        """Whether this client can reach it: plain TURN over UDP or TCP, not TLS (turns:)."""
        return self.scheme == "turn"


def parse_turn_url(url: str) -> TurnUrl:
    """`turn:host[:port][?transport=udp|tcp]` (RFC 7065); ValueError when it is not one."""
    scheme, _, rest = url.strip().partition(":")
    host_port, _, query = rest.partition("?")
    if scheme not in ("turn", "turns") or not host_port:
        raise ValueError(f"'{url}' is not a TURN URL like turn:turn.example.com:3478")
    try:
        parts = urlsplit(f"//{host_port}")
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"'{url}' has an invalid port") from exc
    if not parts.hostname:
        raise ValueError(f"'{url}' names no host")
    transport = "tcp" if scheme == "turns" else "udp"
    if query:
        key, _, value = query.partition("=")
        if key != "transport" or value not in ("udp", "tcp"):
            raise ValueError(f"'{url}': only ?transport=udp or ?transport=tcp may follow")
        transport = value
    return TurnUrl(scheme, parts.hostname, port or (5349 if scheme == "turns" else 3478), transport)


@dataclass(frozen=True)
class Allocation:
    relayed: tuple[str, int]
    mapped: tuple[str, int] | None
    lifetime: int  # seconds, as granted by the server


class _Endpoint(asyncio.DatagramProtocol):
    """Hands each answer to the request waiting for its transaction id."""

    def __init__(self) -> None:
        self.waiting: dict[bytes, asyncio.Future[StunMessage]] = {}

    def deliver(self, data: bytes) -> None:
        message = decode(data)
        if message is None:
            return
        future = self.waiting.get(message.transaction_id)
        if future is not None and not future.done():
            future.set_result(message)

    def fail(self, exc: Exception) -> None:
        for future in self.waiting.values():
            if not future.done():
                future.set_exception(exc)

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        self.deliver(data)

    def error_received(self, exc: Exception) -> None:
        self.fail(exc)


class TurnClient:
    """One client socket and, after `allocate()`, its allocation. Use as `async with TurnClient(...)`."""

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        password: str,
        *,
        timeout: float = 3.0,  # seconds per transaction, retransmissions included
        protocol: str = "udp",  # how this client reaches the server: udp | tcp
    ) -> None:
        if protocol not in ("udp", "tcp"):
            raise ValueError("protocol must be udp or tcp")
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.timeout = timeout
        self.protocol = protocol
        self.realm: str | None = None
        self.nonce: bytes | None = None
        self.allocation: Allocation | None = None
        self._transport: asyncio.DatagramTransport | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._reading: asyncio.Task[None] | None = None
        self._endpoint = _Endpoint()

    async def __aenter__(self) -> TurnClient:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def where(self) -> str:
        return f"{self.protocol} {self.host}:{self.port}"

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        kind = socket.SOCK_DGRAM if self.protocol == "udp" else socket.SOCK_STREAM
        try:
            infos = await loop.getaddrinfo(self.host, self.port, type=kind)
        except socket.gaierror as exc:
            raise TurnUnreachable(f"cannot resolve '{self.host}': {exc.strerror}") from exc
        family, _, _, _, address = infos[0]
        remote = (str(address[0]), int(address[1]))
        if self.protocol == "udp":
            self._transport, _ = await loop.create_datagram_endpoint(
                lambda: self._endpoint, family=family, remote_addr=remote
            )
            return
        try:
            reader, self._writer = await asyncio.wait_for(asyncio.open_connection(*remote), self.timeout)
        except TimeoutError as exc:
            raise TurnTimeout(f"no TCP connection to {self.host}:{self.port} in {self.timeout:g} s") from exc
        except ConnectionRefusedError as exc:
            raise TurnUnreachable(f"nothing listens on {self.where} (connection refused)") from exc
        except OSError as exc:
            raise TurnUnreachable(f"{self.where}: {exc.strerror or exc}") from exc
        self._reading = asyncio.create_task(self._read_stream(reader))

    async def _read_stream(self, reader: asyncio.StreamReader) -> None:
        """STUN over TCP: each message is its 20-byte header and the length the header gives."""
        try:
            while True:
                header = await reader.readexactly(HEADER.size)
                length = struct.unpack_from("!H", header, 2)[0]
                self._endpoint.deliver(header + await reader.readexactly(length))
        except (asyncio.IncompleteReadError, OSError) as exc:
            self._endpoint.fail(ConnectionResetError(f"the server closed the TCP connection ({exc})"))

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    @property
    def key(self) -> bytes:
        if self.realm is None:
            raise TurnProtocolError("no realm yet: allocate first")
        return long_term_key(self.username, self.realm, self.password)

    async def allocate(self, family: int = 4) -> Allocation:
        """Allocate a UDP relay of IP `family` (4 or 6); the first request goes unauthenticated for REALM and NONCE."""
        transport = attribute(REQUESTED_TRANSPORT, struct.pack("!B3x", UDP))
        if family == 6:  # RFC 8656 18.12; IPv4 is the default
            transport += attribute(REQUESTED_ADDRESS_FAMILY, struct.pack("!B3x", 0x02))
        answer = await self._transaction(ALLOCATE, transport, authenticated=False)
        if answer.cls == ERROR:
            code, reason = answer.error() or (0, "")
            if code != 401:
                raise TurnRefused(ALLOCATE, code, reason)
            realm, nonce = answer.text(REALM), answer.attributes.get(NONCE)
            if realm is None or nonce is None:
                raise TurnProtocolError("the server's 401 answer carries no REALM and NONCE")
            self.realm, self.nonce = realm, nonce
            answer = await self._authenticated(ALLOCATE, transport)
        relayed = answer.address(XOR_RELAYED_ADDRESS)
        if relayed is None:
            raise TurnProtocolError("the Allocate success answer carries no XOR-RELAYED-ADDRESS")
        lifetime = answer.attributes.get(LIFETIME)
        self.allocation = Allocation(
            relayed=relayed,
            mapped=answer.address(XOR_MAPPED_ADDRESS),
            lifetime=struct.unpack("!I", lifetime)[0] if lifetime is not None and len(lifetime) == 4 else 0,
        )
        return self.allocation

    async def create_permission(self, peer_ip: str) -> StunMessage:
        """Ask to let `peer_ip` talk to the relay: the server's success answer, or TurnRefused (e.g. 403 Forbidden)
        when it says no."""
        # XOR-PEER-ADDRESS is encoded per transaction: an IPv6 address is XORed with the transaction id.
        return await self._authenticated(CREATE_PERMISSION, b"", peer_ip=peer_ip)

    async def refresh(self, lifetime: int) -> int:
        """Refresh the allocation; lifetime 0 releases it. Returns the lifetime the server granted."""
        answer = await self._authenticated(REFRESH, attribute(LIFETIME, struct.pack("!I", lifetime)))
        value = answer.attributes.get(LIFETIME)
        return struct.unpack("!I", value)[0] if value is not None and len(value) == 4 else lifetime

    async def release(self) -> None:
        await self.refresh(0)
        self.allocation = None

    async def _authenticated(self, method: int, attributes: bytes, *, peer_ip: str | None = None) -> StunMessage:
        """A request with credentials; a 438 Stale Nonce is retried with the fresh nonce (twice at most)."""
        for _ in range(3):
            answer = await self._transaction(method, attributes, authenticated=True, peer_ip=peer_ip)
            if answer.cls == SUCCESS:
                return answer
            code, reason = answer.error() or (0, "")
            fresh = answer.attributes.get(NONCE)
            if code == 438 and fresh is not None:
                self.nonce = fresh
                self.realm = answer.text(REALM) or self.realm
                continue
            raise TurnRefused(method, code, reason)
        raise TurnProtocolError("the server kept answering 438 Stale Nonce")

    async def _transaction(
        self, method: int, attributes: bytes, *, authenticated: bool, peer_ip: str | None = None
    ) -> StunMessage:
        if self._transport is None and self._writer is None:
            raise TurnError("the client is not open")
        transaction_id = os.urandom(12)
        if peer_ip is not None:
            attributes = attribute(XOR_PEER_ADDRESS, encode_xor_address(transaction_id, peer_ip, 0)) + attributes
        if authenticated:
            if self.realm is None or self.nonce is None:
                raise TurnProtocolError("no realm and nonce yet: allocate first")
            attributes += attribute(USERNAME, self.username.encode())
            attributes += attribute(REALM, self.realm.encode())
            attributes += attribute(NONCE, self.nonce)
        request = encode(
            message_type(method, REQUEST),
            transaction_id,
            attributes,
            integrity_key=self.key if authenticated else None,
        )
        answer = await self._exchange(method, transaction_id, request)
        if answer.method != method or answer.cls not in (SUCCESS, ERROR):
            name = METHOD_NAMES.get(method)
            raise TurnProtocolError(f"the server answered {name} with message type {answer.kind:#06x}")
        if authenticated and answer.cls == SUCCESS and not answer.integrity_ok(self.key):
            raise TurnProtocolError("the server's answer failed its MESSAGE-INTEGRITY check")
        return answer

    async def _exchange(self, method: int, transaction_id: bytes, request: bytes) -> StunMessage:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[StunMessage] = loop.create_future()
        self._endpoint.waiting[transaction_id] = future
        deadline = loop.time() + self.timeout
        rto = FIRST_RTO
        try:
            if self._writer is not None:  # TCP: sent once, the stream does the retransmitting
                self._writer.write(request)
            while not future.done():
                remaining = deadline - loop.time()
                if remaining <= 0:
                    name = METHOD_NAMES.get(method)
                    raise TurnTimeout(f"no answer to {name} from {self.where} in {self.timeout:g} s")
                if self._transport is not None:
                    self._transport.sendto(request)
                await asyncio.wait([future], timeout=min(rto, remaining))
                rto *= 2
            return future.result()
        except ConnectionRefusedError as exc:
            raise TurnUnreachable(f"nothing listens on {self.where} (port unreachable)") from exc
        except ConnectionResetError as exc:
            raise TurnUnreachable(f"{self.where}: {exc}") from exc
        except OSError as exc:
            raise TurnUnreachable(f"{self.where}: {exc.strerror or exc}") from exc
        finally:
            del self._endpoint.waiting[transaction_id]

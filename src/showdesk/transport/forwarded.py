"""Behind a reverse proxy: the client's address, scheme and host as the proxy saw them.

A request that reaches a node through a proxy comes from the proxy's address, over the proxy's scheme,
with whatever Host the proxy chose. The proxy says what it saw in `Forwarded` (RFC 7239) or in
`X-Forwarded-For` / `X-Forwarded-Proto` / `X-Forwarded-Host`. Anybody can send those headers, so they
are read only when the connection's peer is one of `--forwarded-allow-ips`; from anyone else they change
nothing. `Forwarded` wins when present: a proxy must set (or remove) the headers it forwards, or a
client's own would pass through it (deploy/ shows how).

Each proxy appends the address it saw at the right of the list, so the client is the right-most address
that is not itself a trusted proxy (the left-most when every one is trusted). Anything that does not
read as an address, a scheme or a host ends the walk, and the peer's own values are kept: a proxy that
forwards garbage is not trusted for that request.

`ForwardedHeaders` rewrites the ASGI scope in place (client, scheme, Host), before anything reads it,
so everything after it (client_ip(), base_url, a socket's URL, uvicorn's access log) sees the client.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_HOST = 255  # the longest name DNS allows, with room for a port
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:[0-9]{1,5})?")
_SCHEMES = {"http": ("http", "ws"), "https": ("https", "wss")}  # forwarded proto -> (http, websocket) scheme
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 7230 token


class TrustedProxies:
    """The addresses and networks whose forwarded headers are believed (`--forwarded-allow-ips`)."""

    def __init__(self, networks: tuple[Network, ...] = ()) -> None:
        self.networks = networks

    @classmethod
    def parse(cls, text: str | None) -> TrustedProxies:
        """A comma-separated list of addresses and CIDR networks; ValueError names an item that is neither."""
        networks: list[Network] = []
        for item in (text or "").split(","):
            item = item.strip()
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"'{item}' is not an IP address or a CIDR network (like 10.0.0.0/24)") from None
        return cls(tuple(networks))

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, address: str | Address | None) -> bool:
        if not self.networks or address is None:
            return False
        found = address if not isinstance(address, str) else _address(address)
        return found is not None and any(found in network for network in self.networks)


@dataclass(frozen=True)
class Seen:
    """What the nearest trusted proxy says about the request; None where it says nothing usable."""

    client: str | None = None
    scheme: str | None = None  # "http" or "https"
    host: str | None = None  # as in a Host header: name or [IPv6], with an optional port


def _address(text: str) -> Address | None:
    """An address as written by a proxy: bare, `[v6]`, `v4:port` or `[v6]:port`; IPv4-mapped IPv6 as IPv4."""
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        rest = text[end + 1 :] if end > 0 else "?"
        if rest and not (rest[0] == ":" and rest[1:].isdigit()):
            return None
        text = text[1:end]
    elif text.count(":") == 1:  # IPv4 with a port (an IPv6 address has at least two colons)
        text, port = text.split(":")
        if not port.isdigit():
            return None
    if not text or len(text) > 45 or "%" in text:  # no zone ids: they name an interface of the proxy
        return None
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def _host(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    matched = _HOST.fullmatch(text) if len(text) <= MAX_HOST else None
    if matched is None or (matched[2] is not None and int(matched[2][1:]) > 65535):
        return None
    return text.lower()


def _scheme(text: str | None) -> str | None:
    text = (text or "").strip().lower()
    return text if text in _SCHEMES else None


def _client(entries: list[str | None], proxies: TrustedProxies) -> tuple[int, Address] | None:
    """The right-most entry that is not a trusted proxy (its index and address); None when one of those
    walked over is not an address at all."""
    chosen: tuple[int, Address] | None = None
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        found = _address(entry) if entry is not None else None
        if found is None:
            return None
        chosen = (index, found)
        if not proxies.trusts(found):
            break
    return chosen


def _split(value: str, separator: str) -> list[str] | None:
    """`value` split at `separator` outside quoted strings; None when a quote is left open."""
    parts, start, quoted, escaped = [], 0, False, False
    for i, char in enumerate(value):
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append(value[start:i])
            start = i + 1
    if quoted:
        return None
    parts.append(value[start:])
    return parts


def _unquote(value: str) -> str | None:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value if _TOKEN.fullmatch(value) else None


def _forwarded_elements(value: str) -> list[dict[str, str]] | None:
    """RFC 7239: elements separated by commas, `name=value` pairs by semicolons; None if malformed."""
    raws = _split(value, ",")
    if raws is None:
        return None
    elements = []
    for raw in raws:
        if not raw.strip():
            continue  # empty list elements are allowed (RFC 7230 #rule)
        pairs: dict[str, str] = {}
        for pair in _split(raw, ";") or [""]:  # (no quote is left open here: the whole value was split)
            name, equals, rest = pair.partition("=")
            unquoted = _unquote(rest) if equals else None
            if unquoted is None or not _TOKEN.fullmatch(name.strip()):
                return None
            pairs.setdefault(name.strip().lower(), unquoted)
        elements.append(pairs)
    return elements


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[bytes, list[str]]:
    wanted = (b"forwarded", b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host")
    found: dict[bytes, list[str]] = {}
    for name, value in raw:
        if name in wanted:
            found.setdefault(name, []).append(value.decode("latin-1"))
    return found


def read_forwarded(raw_headers: list[tuple[bytes, bytes]], proxies: TrustedProxies) -> Seen:
    """What the forwarded headers of a request from a trusted proxy say (the caller checked the peer)."""
    headers = _headers(raw_headers)
    if b"forwarded" in headers:
        elements = _forwarded_elements(",".join(headers[b"forwarded"]))
        if not elements:
            return Seen()
        walked = _client([element.get("for") for element in elements], proxies)
        if walked is None:
            return Seen()
        index, client = walked
        element = elements[index]
        return Seen(str(client), _scheme(element.get("proto")), _host(element.get("host")))
    client_text: str | None = None
    if b"x-forwarded-for" in headers:
        entries: list[str | None] = list(",".join(headers[b"x-forwarded-for"]).split(","))
        walked = _client(entries, proxies)
        client_text = str(walked[1]) if walked is not None else None
    proto = ",".join(headers.get(b"x-forwarded-proto", [])).split(",")[-1] or None  # the nearest proxy's
    host = ",".join(headers.get(b"x-forwarded-host", [])).split(",")[-1] or None
    return Seen(client_text, _scheme(proto), _host(host))


class ForwardedHeaders:
    """ASGI middleware: a trusted proxy's forwarded headers become the scope's client, scheme and Host."""

    def __init__(self, app: ASGIApp, proxies: TrustedProxies) -> None:
        self.app = app
        self.proxies = proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.proxies:
            peer = scope.get("client")
            if peer is not None and self.proxies.trusts(peer[0]):
                apply(scope, read_forwarded(scope["headers"], self.proxies))
        await self.app(scope, receive, send)


def apply(scope: Scope | dict[str, Any], seen: Seen) -> None:
    """Rewrite the scope in place (uvicorn's access log reads the same dict)."""
    if seen.client is not None:
        scope["client"] = (seen.client, 0)
    if seen.scheme is not None:
        scope["scheme"] = _SCHEMES[seen.scheme][scope["type"] == "websocket"]
    if seen.host is not None:
        scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"host"] + [
            (b"host", seen.host.encode("latin-1"))
        ]

"""A hardened coturn (4.6) configuration for ShowDesk's video relay.

A TURN server relays UDP from a browser to any address the browser names, from inside the network the
TURN server sits in. Left open, that makes it a door into that network (the TURN server's own loopback
services, cloud metadata at 169.254.169.254, private LANs). The configuration below authenticates with
ShowDesk's ephemeral credentials (the TURN REST API shared secret), relays UDP only, and refuses every
peer address that is not a public unicast address, unless explicitly allowed (an on-premise agent LAN).

coturn 4.6 reads `denied-peer-ip`/`allowed-peer-ip` as a single address or a range `first-last`, not
CIDR, and compares with two quirks this module writes around:
- a range whose first address is 0.0.0.0 or :: counts as starting at "any address" of either family, so
  `::-::ffff:ffff` would refuse every IPv4 peer and a lone `::` every peer at all. Ranges here never start
  at the zero address (coturn refuses 0.0.0.0/8 and :: itself, as it does 127/8 and ::1).
- IPv6 addresses are compared byte by byte (each byte within the bounds' bytes), not as numbers, which is
  only right for a CIDR network's range; so IPv6 ranges are always written network by network.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Every peer range that is not public unicast, each with why it is refused.
DENIED_PEER_NETWORKS: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", '"this network"; 0.0.0.0 reaches the TURN host itself (CVE-2020-26262), refused by coturn too'),
    ("10.0.0.0/8", "private (RFC 1918)"),
    ("100.64.0.0/10", "carrier-grade NAT shared space (RFC 6598)"),
    ("127.0.0.0/8", "loopback: the TURN host's own services"),
    ("169.254.0.0/16", "link-local, incl. cloud metadata at 169.254.169.254"),
    ("172.16.0.0/12", "private (RFC 1918)"),
    ("192.0.0.0/24", "IETF protocol assignments (RFC 6890)"),
    ("192.0.2.0/24", "documentation TEST-NET-1 (RFC 5737)"),
    ("192.88.99.0/24", "deprecated 6to4 relay anycast (RFC 7526)"),
    ("192.168.0.0/16", "private (RFC 1918)"),
    ("198.18.0.0/15", "benchmarking (RFC 2544)"),
    ("198.51.100.0/24", "documentation TEST-NET-2 (RFC 5737)"),
    ("203.0.113.0/24", "documentation TEST-NET-3 (RFC 5737)"),
    ("224.0.0.0/3", "multicast 224/4, reserved 240/4 and broadcast 255.255.255.255"),
    ("::/96", "IPv4-compatible forms of the ranges above; :: and ::1 are refused by coturn itself"),
    ("::ffff:0:0/96", "IPv4-mapped: ::ffff:127.0.0.1 and friends are IPv4 addresses in disguise"),
    ("::ffff:0:0:0/96", "IPv4-translated (RFC 2765), the same disguise"),
    ("64:ff9b::/96", "NAT64 well-known prefix: embeds IPv4 addresses (RFC 6052)"),
    ("64:ff9b:1::/48", "local-use NAT64 (RFC 8215)"),
    ("100::/64", "discard-only (RFC 6666)"),
    ("2001::/23", "IETF protocol assignments, incl. Teredo and benchmarking (RFC 6890)"),
    ("2001:db8::/32", "documentation (RFC 3849)"),
    ("2002::/16", "6to4: embeds IPv4 addresses (RFC 3056)"),
    ("3fff::/20", "documentation (RFC 9637)"),
    ("fc00::/7", "unique local (RFC 4193), the IPv6 private ranges"),
    ("fe80::/10", "link-local"),
    ("ff00::/8", "multicast"),
)

LOOPBACK_LIKE = tuple(ipaddress.ip_network(n) for n in ("0.0.0.0/8", "127.0.0.0/8", "::/96", "::ffff:0:0/96"))

_TOKEN = re.compile(r"^[!$%&()*+,\-./0-9:;<>?@A-Z\[\]^_`a-z{|}~]+$")  # printable ASCII but space, quotes and #
MIN_SECRET_LENGTH = 16


def ip_ranges(network: Network) -> list[str]:
    """coturn's notation for a network: one address or `first-last`, never starting at the zero address."""
    first, last = network.network_address, network.broadcast_address
    if int(first) != 0:
        return [str(first)] if first == last else [f"{first}-{last}"]
    if network.version == 4:
        return [f"{first + 1}-{last}"] if network.num_addresses > 1 else []
    # IPv6 from ::, without :: itself: one byte-aligned block per position of the first non-zero byte.
    host_bits = 128 - network.prefixlen
    if host_bits % 8:
        raise ValueError(f"{network}: an IPv6 network from :: must end on a byte boundary")
    return [
        f"{ipaddress.IPv6Address(1 << 8 * (15 - k))}-{ipaddress.IPv6Address((1 << 8 * (16 - k)) - 1)}"
        for k in range(16 - host_bits // 8, 16)
    ]


def peer_ranges(text: str) -> tuple[list[str], list[Network]]:
    """An --allow-peer-ip value (address, CIDR or `first-last`) as coturn's ranges and the networks they cover."""
    text = text.strip()
    try:
        if "-" in text:
            first_text, last_text = (part.strip() for part in text.split("-", 1))
            first, last = ipaddress.ip_address(first_text), ipaddress.ip_address(last_text)
            if isinstance(first, ipaddress.IPv4Address) and isinstance(last, ipaddress.IPv4Address) and first <= last:
                return [f"{first}-{last}"], list(ipaddress.summarize_address_range(first, last))
            if isinstance(first, ipaddress.IPv6Address) and isinstance(last, ipaddress.IPv6Address) and first <= last:
                v6: list[Network] = list(ipaddress.summarize_address_range(first, last))
                return [r for n in v6 for r in ip_ranges(n)], v6
            raise ValueError
        network = ipaddress.ip_network(text, strict=False)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not an address, a network like 10.20.0.0/16, or a range first-last") from exc
    return ip_ranges(network), [network]


def _check_secret(secret: str) -> None:
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"the TURN secret must be at least {MIN_SECRET_LENGTH} characters (it has {len(secret)}); "
            "leave --secret out to have a strong one generated"
        )
    if not _TOKEN.match(secret):
        raise ValueError("the TURN secret must be printable ASCII without spaces, quotes or '#'")


def _check_ip(option: str, value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError as exc:
        raise ValueError(f"{option} '{value}' is not an IP address") from exc


def _check_port(option: str, value: int) -> int:
    if not 1 <= value <= 65535:
        raise ValueError(f"{option} must be a port 1..65535, not {value}")
    return value


def coturn_config(
    secret: str,
    *,
    realm: str = "showdesk",
    listening_ip: str | None = None,
    port: int = 3478,
    external_ip: str | None = None,
    relay_ip: str | None = None,
    min_port: int = 49152,
    max_port: int = 65535,
    user_quota: int = 10,
    total_quota: int = 1000,
    max_bps: int = 625_000,
    allowed_peer_ips: Sequence[str] = (),
) -> str:
    """The text of a turnserver.conf; ValueError naming the option when a value cannot work."""
    _check_secret(secret)
    if not realm or not _TOKEN.match(realm):
        raise ValueError(f"the realm '{realm}' must be printable ASCII without spaces, quotes or '#'")
    _check_port("the listening port", port)
    _check_port("the lowest relay port", min_port)
    _check_port("the highest relay port", max_port)
    if min_port > max_port:
        raise ValueError(f"the relay port range {min_port}-{max_port} is empty")
    if port and min_port <= port <= max_port:
        raise ValueError(f"the listening port {port} lies inside the relay port range {min_port}-{max_port}")
    for option, value in (("user quota", user_quota), ("total quota", total_quota), ("max bps", max_bps)):
        if value < 0:
            raise ValueError(f"the {option} must be 0 (no limit) or more, not {value}")
    allowed: list[tuple[str, list[str]]] = []
    for text in allowed_peer_ips:
        rendered, networks = peer_ranges(text)
        if any(n.overlaps(bad) for n in networks for bad in LOOPBACK_LIKE if n.version == bad.version):
            raise ValueError(f"the allowed peer range '{text}' includes loopback or unspecified addresses")
        allowed.append((text, rendered))

    lines = [
        "# coturn configuration for ShowDesk video relay, from `showdesk turn config`.",
        "# Every browser gets its TURN credentials from ShowDesk, minted per video session.",
        "",
        "# Authentication: TURN REST API ephemeral credentials (username <expiry>:<session>).",
        "use-auth-secret",
        "# The shared secret; ShowDesk holds the same value (serve --turn-secret or the console's TURN servers).",
        f"static-auth-secret={secret}",
        "# The realm browsers authenticate in; any name, but the same on every node of a cluster.",
        f"realm={realm}",
        "",
        "# Where browsers reach this server (UDP and TCP).",
    ]
    if listening_ip:
        lines.append(f"listening-ip={_check_ip('--listening-ip', listening_ip)}")
    else:
        lines.append("# listening-ip not set: coturn listens on every interface.")
    lines += [
        f"listening-port={port}",
        "# No TLS listener: this configuration has no certificate; TURN over TCP still works on the port above.",
        "no-tls",
        "no-dtls",
        "# Should TLS be turned on later (cert/pkey, no no-tls), refuse its broken old versions.",
        "no-tlsv1",
        "no-tlsv1_1",
    ]
    if external_ip:
        public, _, private = external_ip.partition("/")
        mapping = _check_ip("--external-ip", public) + (f"/{_check_ip('--external-ip', private)}" if private else "")
        lines += [
            "# The public address announced to browsers when this host sits behind NAT.",
            f"external-ip={mapping}",
        ]
    if relay_ip:
        lines += ["# The local address relayed media leaves from.", f"relay-ip={_check_ip('--relay-ip', relay_ip)}"]
    lines += [
        "# Relay ports: open this UDP range in the firewall, and nothing else relays.",
        f"min-port={min_port}",
        f"max-port={max_port}",
        "",
        "# Hardening.",
        "# FINGERPRINT on every message, so STUN is told apart from media on shared ports.",
        "fingerprint",
        "# No telnet admin console on 127.0.0.1:5766.",
        "no-cli",
        "# Browsers relay UDP (RTP/DTLS); TCP relaying (RFC 6062) only serves misuse.",
        "no-tcp-relay",
        "# No relaying to multicast or broadcast addresses.",
        "no-multicast-peers",
        "# Nonces expire (600 s), so a captured request cannot be replayed forever.",
        "stale-nonce=600",
        "# At most this many simultaneous allocations per username (one video session: both browsers, retries).",
        f"user-quota={user_quota}",
        "# At most this many allocations on the whole server (0: no limit).",
        f"total-quota={total_quota}",
        "# Bytes per second per allocation (625000 = 5 Mbit/s, plenty for one camera); more is dropped.",
        f"max-bps={max_bps}",
        "# No NAT behaviour discovery (RFC 5780): its extra attributes make binding answers an amplifier.",
        "no-rfc5780",
        "# Answer only RFC 5389 STUN: no old RFC 3489 requests, no MAPPED-ADDRESS (smaller answers).",
        "no-stun-backward-compatibility",
        "# No RESPONSE-ORIGIN attribute either (it only serves RFC 5780).",
        "response-origin-only-with-rfc5780",
        "# Log to stdout (journald or the container log keeps it); no log files to rotate.",
        "log-file=stdout",
        "",
        "# Peers a browser may relay to: public unicast only. Loopback peers are refused by coturn itself",
        "# (never add allow-loopback-peers); each range below is refused as well.",
    ]
    for network_text, why in DENIED_PEER_NETWORKS:
        lines.append(f"# {network_text}: {why}")
        lines += [f"denied-peer-ip={r}" for r in ip_ranges(ipaddress.ip_network(network_text))]
    if allowed:
        lines += ["", "# Allowed despite the ranges above (an on-premise agent LAN); allowed wins over denied."]
        for text, rendered in allowed:
            lines.append(f"# --allow-peer-ip {text}")
            lines += [f"allowed-peer-ip={r}" for r in rendered]
    advertised = (external_ip or "").partition("/")[0] or relay_ip
    if advertised and _denied(advertised) and not any(_within(advertised, text) for text, _ in allowed):
        lines += [
            "",
            f"# Note: the relay address {advertised} is itself in a refused range, so two browsers that both",
            "# relay through this server cannot reach each other; give the public address with --external-ip.",
        ]
    return "\n".join(lines) + "\n"


def _denied(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(n) for n, _ in DENIED_PEER_NETWORKS)


def _within(address: str, allowed_text: str) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in n for n in peer_ranges(allowed_text)[1])

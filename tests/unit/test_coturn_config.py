"""The coturn configuration `showdesk turn config` prints: every directive explained, every non-public peer
range refused in a form coturn 4.6 reads right, and values that could not work refused in words."""

from __future__ import annotations

import ipaddress

import pytest
from typer.testing import CliRunner

from showdesk.adapters.ice.coturn import DENIED_PEER_NETWORKS, coturn_config, ip_ranges, peer_ranges
from showdesk.cli import app

SECRET = "s" * 24


def directives(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def covered(ranges: list[str]) -> list[tuple[Address, Address]]:
    out: list[tuple[Address, Address]] = []
    for r in ranges:
        first, _, last = r.partition("-")
        out.append((ipaddress.ip_address(first), ipaddress.ip_address(last or first)))
    return out


def test_every_directive_has_a_comment_saying_why() -> None:
    text = coturn_config(SECRET, external_ip="198.51.100.7", relay_ip="10.0.0.5", allowed_peer_ips=["10.9.0.0/16"])
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line and not line.startswith("#"):
            j = i - 1  # a directive follows its comment, or another directive under the same comment
            while j >= 0 and lines[j] and not lines[j].startswith("#"):
                j -= 1
            assert j >= 0 and lines[j].startswith("#"), f"{line} has no comment saying why"


def test_the_hardening_directives() -> None:
    text = coturn_config(SECRET, realm="video.example.com", listening_ip="192.0.2.10", port=3479)
    found = directives(text)
    for expected in [
        "use-auth-secret",
        f"static-auth-secret={SECRET}",
        "realm=video.example.com",
        "listening-ip=192.0.2.10",
        "listening-port=3479",
        "min-port=49152",
        "max-port=65535",
        "fingerprint",
        "no-cli",
        "no-multicast-peers",
        "no-tcp-relay",
        "no-tlsv1",
        "no-tlsv1_1",
        "stale-nonce=600",
        "user-quota=10",
        "total-quota=1000",
        "max-bps=625000",
        "no-rfc5780",
        "no-stun-backward-compatibility",
        "response-origin-only-with-rfc5780",
        "log-file=stdout",
    ]:
        assert expected in found
    assert not any(d.startswith(("allow-loopback-peers", "external-ip", "relay-ip", "allowed-peer-ip")) for d in found)


@pytest.mark.parametrize(
    "peer",
    [
        "0.0.0.1", "10.1.2.3", "100.64.0.1", "127.0.0.1", "169.254.169.254", "172.16.5.4", "192.0.0.8", "192.0.2.1",
        "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.51.100.1", "203.0.113.1", "224.0.0.1", "240.0.0.1",
        "255.255.255.255", "::1", "::127.0.0.1", "::ffff:127.0.0.1", "::ffff:0:a01:203", "64:ff9b::a01:203",
        "64:ff9b:1::1", "100::1", "2001::1", "2001:db8::1", "2002:a01:203::1", "3fff::1", "fc00::1", "fd12::1",
        "fe80::1", "ff02::1",
    ],
)  # fmt: skip
def test_every_non_public_peer_is_in_a_denied_range(peer: str) -> None:
    ip = ipaddress.ip_address(peer)
    ranges = [d.split("=", 1)[1] for d in directives(coturn_config(SECRET)) if d.startswith("denied-peer-ip=")]
    assert any(type(first) is type(ip) and first <= ip <= last for first, last in covered(ranges))  # type: ignore[operator]


@pytest.mark.parametrize("peer", ["11.0.0.1", "8.8.8.8", "93.184.216.34", "2001:4860:4860::8888", "2a00:1450::1"])
def test_public_peers_are_in_no_denied_range(peer: str) -> None:
    ip = ipaddress.ip_address(peer)
    ranges = [d.split("=", 1)[1] for d in directives(coturn_config(SECRET)) if d.startswith("denied-peer-ip=")]
    assert not any(type(first) is type(ip) and first <= ip <= last for first, last in covered(ranges))  # type: ignore[operator]


def test_ranges_suit_coturn_4_6s_comparisons() -> None:
    """No range starts at the zero address (coturn reads that as "any", of either family), and every IPv6 range
    is one byte-aligned block (coturn compares IPv6 bounds byte by byte)."""
    ranges = [r for n, _ in DENIED_PEER_NETWORKS for r in ip_ranges(ipaddress.ip_network(n))]
    for first, last in covered(ranges):
        assert int(first) != 0
        if first.version == 6:
            low, high = first.packed, last.packed
            diff = next((i for i in range(16) if low[i] != high[i]), 16)
            assert all(b == 0 for b in low[diff + 1 :]) and all(b == 255 for b in high[diff + 1 :]), (first, last)
    from_zero = ["::100:0-::ffff:ffff", "::1:0-::ff:ffff", "::100-::ffff", "::1-::ff"]
    assert ip_ranges(ipaddress.ip_network("::/96")) == from_zero
    assert ip_ranges(ipaddress.ip_network("0.0.0.0/8")) == ["0.0.0.1-0.255.255.255"]


def test_allowed_peer_ranges_in_coturns_notation() -> None:
    assert peer_ranges("10.20.0.0/16")[0] == ["10.20.0.0-10.20.255.255"]
    assert peer_ranges("10.20.0.7")[0] == ["10.20.0.7"]
    assert peer_ranges("10.20.0.7 - 10.20.0.9")[0] == ["10.20.0.7-10.20.0.9"]
    assert peer_ranges("fd00::5-fd00::9")[0] == ["fd00::5", "fd00::6-fd00::7", "fd00::8-fd00::9"]
    text = coturn_config(SECRET, allowed_peer_ips=["10.20.0.0/16", "192.168.7.0/24"])
    assert directives(text)[-2:] == [
        "allowed-peer-ip=10.20.0.0-10.20.255.255",
        "allowed-peer-ip=192.168.7.0-192.168.7.255",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"secret": "short"}, "at least 16 characters (it has 5)"),
        ({"secret": "has a space in it, 16+"}, "without spaces"),
        ({"realm": "two words"}, "realm"),
        ({"listening_ip": "turn.example.com"}, "--listening-ip 'turn.example.com' is not an IP address"),
        ({"external_ip": "198.51.100.7/nope"}, "--external-ip 'nope' is not an IP address"),
        ({"min_port": 50000, "max_port": 40000}, "relay port range 50000-40000 is empty"),
        ({"port": 50000}, "listening port 50000 lies inside the relay port range"),
        ({"port": 70000}, "a port 1..65535"),
        ({"allowed_peer_ips": ["127.0.0.0/8"]}, "includes loopback or unspecified addresses"),
        ({"allowed_peer_ips": ["0.0.0.0/0"]}, "includes loopback"),
        ({"allowed_peer_ips": ["::ffff:10.0.0.0/104"]}, "includes loopback"),
        ({"allowed_peer_ips": ["10.0.0.9-10.0.0.1"]}, "is not an address, a network"),
        ({"user_quota": -1}, "user quota must be 0"),
    ],
)
def test_values_that_cannot_work_are_refused(kwargs: dict[str, object], message: str) -> None:
    args = {"secret": SECRET, **kwargs}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        coturn_config(**args)


def test_a_private_relay_address_gets_a_note() -> None:
    assert "relay address 10.0.0.5 is itself in a refused range" in coturn_config(SECRET, relay_ip="10.0.0.5")
    assert "Note:" not in coturn_config(SECRET, relay_ip="10.0.0.5", external_ip="11.22.33.44/10.0.0.5")
    assert "relay address 198.51.100.7 is itself" in coturn_config(SECRET, external_ip="198.51.100.7")


# --- showdesk turn config -------------------------------------------------------------------------------


def test_cli_prints_the_config_with_the_given_secret() -> None:
    result = CliRunner().invoke(
        app,
        ["turn", "config", "--secret", SECRET, "--realm", "video.example.com", "--port", "3479",
         "--external-ip", "198.51.100.7", "--min-port", "40000", "--max-port", "40999",
         "--allow-peer-ip", "10.20.0.0/16", "--allow-peer-ip", "192.168.7.5"],
        env={},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    found = directives(result.output)
    for expected in [f"static-auth-secret={SECRET}", "realm=video.example.com", "listening-port=3479",
                     "external-ip=198.51.100.7", "min-port=40000", "max-port=40999",
                     "allowed-peer-ip=10.20.0.0-10.20.255.255", "allowed-peer-ip=192.168.7.5"]:  # fmt: skip
        assert expected in found
    assert "generated" not in result.output


def test_cli_reads_the_secret_from_the_environment() -> None:
    result = CliRunner().invoke(app, ["turn", "config"], env={"SHOWDESK_TURN_SECRET": "e" * 20})
    assert result.exit_code == 0
    assert f"static-auth-secret={'e' * 20}" in directives(result.output)


def test_cli_generates_a_strong_secret_and_says_where_it_goes() -> None:
    result = CliRunner().invoke(app, ["turn", "config"], env={"SHOWDESK_TURN_SECRET": ""})
    assert result.exit_code == 0
    secret = next(d for d in directives(result.output) if d.startswith("static-auth-secret=")).split("=", 1)[1]
    assert len(secret) >= 40
    assert "`showdesk serve --turn-secret <secret>`" in result.output
    again = CliRunner().invoke(app, ["turn", "config"], env={"SHOWDESK_TURN_SECRET": ""})
    assert secret not in again.output


def test_cli_refuses_a_short_secret_in_words() -> None:
    result = CliRunner().invoke(app, ["turn", "config", "--secret", "tooshort"], env={})
    assert result.exit_code == 2
    assert "error: the TURN secret must be at least 16 characters (it has 8)" in result.output
    assert "static-auth-secret" not in result.output

"""Which addresses count as public for connecting out to a TURN server someone typed in."""

import socket

import pytest

from showdesk.adapters.ice.public_address import NotPublic, non_public, public_address


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.9.9.9", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to classify, not a bind
        ("10.1.2.3", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("fd00::1", "unique local (private)"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("192.0.2.1", "private"),  # documentation ranges: Python counts them private
        ("2001:db8::1", "private"),
    ],
)
def test_non_public_addresses_are_named(address: str, kind: str) -> None:
    assert non_public(address) == kind


@pytest.mark.parametrize("address", ["8.8.8.8", "11.0.0.1", "93.184.216.34", "2001:4860:4860::8888"])
def test_public_addresses_pass(address: str) -> None:
    assert non_public(address) is None


async def test_a_name_is_checked_after_it_resolves() -> None:
    with pytest.raises(NotPublic) as refused:
        await public_address("localhost", 3478, socket.SOCK_DGRAM)
    assert "localhost resolves to" in str(refused.value) and "loopback" in str(refused.value)
    assert non_public(await public_address("localhost", 3478, socket.SOCK_DGRAM, allow_private=True)) == "loopback"

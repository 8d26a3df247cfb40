"""What `serve --tls self-signed` prints for a phone: its URL, a QR code a camera reads, and what keeps it out."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

from showdesk.adapters.tls.local_ca import LocalCertificate
from showdesk.adapters.tls.machine_names import MachineNames
from showdesk.config import Settings
from showdesk.serve_tls import ServedTls, phone_banner, phone_url
from tests.support.terminal_qr import ansi_qr_codes_in, qr_codes_in

EVERYWHERE = "0.0.0.0"  # noqa: S104 - a setting compared, nothing bound
LOOPBACK = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))
LAN = ipaddress.ip_address("192.168.1.20")
OFFICE = MachineNames(("localhost", "kettle-desk"), (*LOOPBACK, LAN, ipaddress.ip_address("fd00::20")), LAN)
IPV6_ONLY = MachineNames(("localhost",), (*LOOPBACK, ipaddress.ip_address("fd00::20")), None)
KEPT = LocalCertificate(
    Path("showdesk-data/tls/ca.pem"),
    Path("showdesk-data/tls/server.pem"),
    Path("showdesk-data/tls/server-key.pem"),
    "kept",
    "ShowDesk local CA (kettle-desk)",
    "AB:CD",
    dt.datetime(2031, 1, 1, tzinfo=dt.UTC),
)


def _served(names: MachineNames) -> ServedTls:
    return ServedTls(KEPT.cert_file, KEPT.key_file, local=KEPT, names=names)


def test_the_phones_url_is_the_lan_address_or_the_one_listened_on() -> None:
    assert phone_url(Settings(host=EVERYWHERE, port=8443), OFFICE) == "https://192.168.1.20:8443/demo/"
    assert phone_url(Settings(host="127.0.0.1", port=8443), OFFICE) == "https://192.168.1.20:8443/demo/"
    assert phone_url(Settings(host="fd00::20", port=8443), OFFICE) == "https://[fd00::20]:8443/demo/"
    assert phone_url(Settings(host="::", port=8443), IPV6_ONLY) == "https://[fd00::20]:8443/demo/"
    assert phone_url(Settings(port=8443), OFFICE, "/tls/ca.crt") == "https://192.168.1.20:8443/tls/ca.crt"


def test_on_a_terminal_the_qr_code_has_its_own_black_and_white() -> None:
    text = phone_banner(Settings(host=EVERYWHERE, port=8443), _served(OFFICE), ansi=True)

    assert ansi_qr_codes_in(text) == ["https://192.168.1.20:8443/demo/"]
    assert "\x1b[97;107m" in text  # white drawn as white, not the terminal's own colours
    assert qr_codes_in(text) == []


def test_the_banner_says_how_to_trust_the_ca_and_what_a_phone_needs() -> None:
    everywhere = phone_banner(Settings(host=EVERYWHERE, port=8443, demo=True), _served(OFFICE))
    assert qr_codes_in(everywhere) == ["https://192.168.1.20:8443/demo/"]
    assert "https://192.168.1.20:8443/tls/ca.crt" in everywhere
    assert "Certificate Trust Settings" in everywhere and "Install a certificate" in everywhere
    assert "showdesk-data/tls/ca.pem" in everywhere and "AB:CD" in everywhere
    assert "https://localhost:8443/agent/" in everywhere
    assert "kept from the last start" in everywhere
    assert "listens on" not in everywhere  # a phone can reach it

    loopback = phone_banner(Settings(port=8443, demo=True), _served(OFFICE))
    assert "listens on 127.0.0.1 only" in loopback
    assert "--host 0.0.0.0 (or --host 192.168.1.20), and --demo-public with --demo" in loopback
    assert "--demo-public" not in phone_banner(Settings(port=8443), _served(OFFICE))

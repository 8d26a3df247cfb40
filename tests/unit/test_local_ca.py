"""`serve --tls self-signed`'s local CA: made once, owner-only, reused, renewed when the machine changes."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import stat
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from showdesk.adapters.tls.local_ca import CA_FILE, CA_KEY_FILE, CERT_FILE, KEY_FILE, kept_certificate
from showdesk.adapters.tls.machine_names import MachineNames, machine_names

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
LOOPBACK = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))
OFFICE = MachineNames(
    ("localhost", "kettle-desk", "kettle-desk.office.lan"),
    (*LOOPBACK, ipaddress.ip_address("192.168.1.20"), ipaddress.ip_address("fd00::20")),
    ipaddress.ip_address("192.168.1.20"),
)


def _cert(folder: Path, name: str = CERT_FILE) -> x509.Certificate:
    return x509.load_pem_x509_certificate((folder / name).read_bytes())


def _san(cert: x509.Certificate) -> set[str]:
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {*san.get_values_for_type(x509.DNSName), *(str(a) for a in san.get_values_for_type(x509.IPAddress))}


def test_a_ca_and_a_server_certificate_for_every_name_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "showdesk-data" / "tls"
    made = kept_certificate(folder, OFFICE, NOW)

    assert made.made == "new"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in (CA_FILE, CA_KEY_FILE, CERT_FILE, KEY_FILE):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    ca, server = _cert(folder, CA_FILE), _cert(folder)
    server.verify_directly_issued_by(ca)
    assert _san(server) == {
        "localhost", "kettle-desk", "kettle-desk.office.lan", "127.0.0.1", "::1", "192.168.1.20", "fd00::20"
    }  # fmt: skip
    assert server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert ExtendedKeyUsageOID.SERVER_AUTH in server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    # Browsers refuse server certificates valid for more than 398 days (iOS: 825, even under a user's CA).
    assert server.not_valid_after_utc - server.not_valid_before_utc <= dt.timedelta(days=398)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    # The CA cannot vouch for somebody else's site, should its key leak.
    constraints = ca.extensions.get_extension_for_class(x509.NameConstraints)
    assert constraints.critical
    permitted = {str(p.value) for p in constraints.value.permitted_subtrees or []}
    assert "kettle-desk" in permitted and "192.168.0.0/16" in permitted
    assert not any(p in ("example.com", "0.0.0.0/0") for p in permitted)


def test_the_kept_certificate_is_reused_on_the_next_start(tmp_path: Path) -> None:
    kept_certificate(tmp_path, OFFICE, NOW)
    files = {name: (tmp_path / name).read_bytes() for name in (CA_FILE, CA_KEY_FILE, CERT_FILE, KEY_FILE)}

    again = kept_certificate(tmp_path, OFFICE, NOW + dt.timedelta(days=100))

    assert again.made == "kept"
    assert {name: (tmp_path / name).read_bytes() for name in files} == files


def test_a_new_address_renews_the_certificate_under_the_same_ca(tmp_path: Path) -> None:
    first = kept_certificate(tmp_path, OFFICE, NOW)
    ca = (tmp_path / CA_FILE).read_bytes()
    moved = MachineNames(OFFICE.dns_names, (*LOOPBACK, ipaddress.ip_address("10.0.0.7")), None)

    renewed = kept_certificate(tmp_path, moved, NOW)

    assert renewed.made == "renewed"
    assert (tmp_path / CA_FILE).read_bytes() == ca  # a phone that trusted the CA keeps trusting the server
    assert renewed.ca_fingerprint == first.ca_fingerprint
    assert "10.0.0.7" in _san(_cert(tmp_path)) and "192.168.1.20" not in _san(_cert(tmp_path))
    _cert(tmp_path).verify_directly_issued_by(_cert(tmp_path, CA_FILE))


def test_a_certificate_near_its_end_is_renewed(tmp_path: Path) -> None:
    first = kept_certificate(tmp_path, OFFICE, NOW)
    late = first.not_after - dt.timedelta(days=10)

    renewed = kept_certificate(tmp_path, OFFICE, late)

    assert renewed.made == "renewed"
    assert renewed.not_after > first.not_after + dt.timedelta(days=300)
    assert renewed.ca_fingerprint == first.ca_fingerprint


def test_an_address_outside_the_cas_names_brings_a_new_ca(tmp_path: Path) -> None:
    first = kept_certificate(tmp_path, OFFICE, NOW)
    public = MachineNames(OFFICE.dns_names, (*OFFICE.addresses, ipaddress.ip_address("203.0.113.9")), None)

    made = kept_certificate(tmp_path, public, NOW)

    assert made.made == "new CA"
    assert made.ca_fingerprint != first.ca_fingerprint
    _cert(tmp_path).verify_directly_issued_by(_cert(tmp_path, CA_FILE))


def test_a_damaged_or_loose_file_is_replaced_and_tightened(tmp_path: Path) -> None:
    kept_certificate(tmp_path, OFFICE, NOW)
    (tmp_path / KEY_FILE).write_text("not a key")
    (tmp_path / CA_FILE).chmod(0o644)

    made = kept_certificate(tmp_path, OFFICE, NOW)

    assert made.made == "renewed"
    assert stat.S_IMODE((tmp_path / CA_FILE).stat().st_mode) == 0o600
    assert (tmp_path / KEY_FILE).read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_the_machines_names_and_addresses() -> None:
    names = machine_names()

    assert names.dns_names[0] == "localhost"
    hostname = socket.gethostname().lower()
    assert hostname in names.dns_names
    assert set(LOOPBACK) <= set(names.addresses)
    assert not any(a.version == 6 and a.is_link_local for a in names.addresses)  # no URL can hold a zone id
    lan = names.lan_address()
    outside = [a for a in names.addresses if not a.is_loopback]
    assert (lan is None) == (not outside)
    if lan is not None:
        assert lan in names.addresses and not lan.is_loopback
    if names.route_address is not None:
        assert names.route_address in names.addresses

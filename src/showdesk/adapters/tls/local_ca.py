"""`serve --tls self-signed`: a local CA and a server certificate for this machine, kept in the data folder.

A CA rather than a lone self-signed certificate, so that a phone that trusted it once keeps trusting the
server after the certificate is renewed (new addresses, near expiry). The CA is name-constrained to this
machine's names, loopback and the private and link-local ranges (plus any other address the machine had
when the CA was made): should its key leak, it cannot vouch for anybody else's site on a phone that
trusts it. All four files are owner-only (0600) in an owner-only folder (0700).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from showdesk.adapters.storage.private_files import FILE_MODE, owner_only, private_folder
from showdesk.adapters.tls.machine_names import MachineNames

CA_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
CERT_FILE = "server.pem"
KEY_FILE = "server-key.pem"

CA_LIFETIME = dt.timedelta(days=3650)
# Browsers refuse server certificates valid for more than 398 days, and iOS more than 825 even under a CA
# the user installed: 397 days is accepted everywhere.
CERT_LIFETIME = dt.timedelta(days=397)
RENEW_BEFORE = dt.timedelta(days=30)
_BACKDATE = dt.timedelta(hours=1)  # a phone whose clock is a little behind still accepts a new certificate

# What the CA may vouch for besides the machine's own names: addresses a LAN or the machine itself uses.
LOCAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "100.64.0.0/10",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)

Made = Literal["new", "kept", "renewed", "new CA"]


@dataclass(frozen=True)
class LocalCertificate:
    ca_file: Path
    cert_file: Path
    key_file: Path
    made: Made  # made the first time; kept; a new server certificate under the kept CA; a new CA (trust it again)
    ca_name: str
    ca_fingerprint: str  # SHA-256 of the CA certificate, as phones show it: "AB:CD:..."
    not_after: dt.datetime


def kept_certificate(folder: Path, names: MachineNames, now: dt.datetime | None = None) -> LocalCertificate:
    """The CA and server certificate kept in `folder`, made or renewed as needed for `names`."""
    now = now or dt.datetime.now(dt.UTC)
    private_folder(folder)
    paths = {name: folder / name for name in (CA_FILE, CA_KEY_FILE, CERT_FILE, KEY_FILE)}
    for path in paths.values():
        owner_only(path, FILE_MODE)
    made: Made = "kept"
    ca = _read_pair(paths[CA_FILE], paths[CA_KEY_FILE])
    if ca is None or not _ca_usable(ca[0], names, now):
        made = "new CA" if paths[CA_FILE].exists() else "new"
        ca = _new_ca(names, now)
        _write_private(paths[CA_KEY_FILE], _key_pem(ca[1]))
        _write_private(paths[CA_FILE], ca[0].public_bytes(serialization.Encoding.PEM))
    server = _read_pair(paths[CERT_FILE], paths[KEY_FILE])
    if made != "kept" or server is None or not _server_usable(server[0], ca[0], names, now):
        server = _new_server_certificate(ca, names, now)
        _write_private(paths[KEY_FILE], _key_pem(server[1]))
        _write_private(paths[CERT_FILE], server[0].public_bytes(serialization.Encoding.PEM))
        made = "renewed" if made == "kept" else made
    return LocalCertificate(
        ca_file=paths[CA_FILE],
        cert_file=paths[CERT_FILE],
        key_file=paths[KEY_FILE],
        made=made,
        ca_name=_common_name(ca[0]),
        ca_fingerprint=fingerprint(ca[0]),
        not_after=server[0].not_valid_after_utc,
    )


def fingerprint(certificate: x509.Certificate) -> str:
    return ":".join(f"{b:02X}" for b in certificate.fingerprint(hashes.SHA256()))


def san_of(names: MachineNames) -> list[x509.GeneralName]:
    return [*(x509.DNSName(n) for n in names.dns_names), *(x509.IPAddress(a) for a in names.addresses)]


PrivateKey = ec.EllipticCurvePrivateKey
Pair = tuple[x509.Certificate, PrivateKey]


def _read_pair(cert_file: Path, key_file: Path) -> Pair | None:
    """A certificate and its key as kept; None when either is missing, unreadable or does not match."""
    try:
        certificate = x509.load_pem_x509_certificate(cert_file.read_bytes())
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or _spki(key.public_key()) != _spki(certificate.public_key()):
        return None
    return certificate, key


def _spki(public_key: object) -> bytes:
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return b""
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _ca_usable(ca: x509.Certificate, names: MachineNames, now: dt.datetime) -> bool:
    """Valid long enough to outlive a new server certificate, and allowed to vouch for every name."""
    if ca.not_valid_after_utc < now + CERT_LIFETIME or ca.not_valid_before_utc > now:
        return False
    try:
        constraints = ca.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return False
    permitted = constraints.permitted_subtrees or []
    domains = [str(p.value) for p in permitted if isinstance(p, x509.DNSName)]
    networks = [p.value for p in permitted if isinstance(p, x509.IPAddress)]
    return all(any(_within(n, d) for d in domains) for n in names.dns_names) and all(
        any(a in net for net in networks if isinstance(net, ipaddress.IPv4Network | ipaddress.IPv6Network))
        for a in names.addresses
    )


def _within(name: str, domain: str) -> bool:
    return name == domain or name.endswith("." + domain)


def _server_usable(cert: x509.Certificate, ca: x509.Certificate, names: MachineNames, now: dt.datetime) -> bool:
    """Issued by this CA, for exactly these names, and not near its end."""
    try:
        cert.verify_directly_issued_by(ca)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, TypeError, x509.ExtensionNotFound, InvalidSignature):
        return False
    if set(san) != set(san_of(names)):
        return False
    return cert.not_valid_before_utc <= now and cert.not_valid_after_utc - now > RENEW_BEFORE


def _constraints(names: MachineNames) -> x509.NameConstraints:
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = list(LOCAL_NETWORKS)
    networks += [ipaddress.ip_network(a) for a in names.addresses if not any(a in n for n in LOCAL_NETWORKS)]
    permitted: list[x509.GeneralName] = [x509.DNSName(n) for n in names.dns_names]
    permitted += [x509.IPAddress(n) for n in networks]
    return x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=None)


def _host_label(names: MachineNames) -> str:
    return next((n for n in names.dns_names if n != "localhost"), "localhost")


def _new_ca(names: MachineNames, now: dt.datetime) -> Pair:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ShowDesk"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"ShowDesk local CA ({_host_label(names)})"),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(_constraints(names), critical=True)
        .sign(key, hashes.SHA256())
    )
    return certificate, key


def _new_server_certificate(ca: Pair, names: MachineNames, now: dt.datetime) -> Pair:
    ca_cert, ca_key = ca
    key = ec.generate_private_key(ec.SECP256R1())
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, _host_label(names))]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + CERT_LIFETIME)
        .add_extension(x509.SubjectAlternativeName(san_of(names)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return certificate, key


def _key_usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _common_name(certificate: x509.Certificate) -> str:
    found = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(found[0].value) if found else ""


def _key_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write_private(path: Path, data: bytes) -> None:
    """Write owner-only, whole or not at all (a reader never sees half a key)."""
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(scratch, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(scratch, path)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise

"""How `serve` speaks TLS: the certificate and key checked before the server starts, and uvicorn's options.

uvicorn builds the context itself (`ssl.SSLContext(PROTOCOL_TLS_SERVER)`, then `set_ciphers`,
`load_cert_chain`) and has no option for the protocol floor, so the floor is held twice:
- Python (3.10 and later) makes every such context refuse anything older than TLS 1.2;
- the TLS 1.2 cipher suites below are ECDHE with AES-GCM or ChaCha20-Poly1305 only (Mozilla's
  "intermediate" profile without finite-field DHE): forward secrecy and AEAD, and none of them exists
  in TLS 1.0 or 1.1, so an older client finds nothing to agree on. uvicorn's own default ("TLSv1")
  would bring back CBC and SHA-1 suites. TLS 1.3 suites are all modern and not changed by this list.
"Intermediate" rather than "modern" (TLS 1.3 only) because customers' phones are not all new.
HTTP/1.1 only (uvicorn speaks no HTTP/2), which WebSockets need anyway.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from showdesk.adapters.tls.machine_names import url_host

CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20"
MINIMUM_VERSION = ssl.TLSVersion.TLSv1_2


class TlsProblem(Exception):
    """Why the server cannot serve these files, in one line that names the flag."""


def server_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    """The context uvicorn will build from `uvicorn_options` (the floor set here too, explicitly)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = MINIMUM_VERSION
    context.set_ciphers(CIPHERS)
    context.load_cert_chain(cert_file, key_file, password=_no_password)
    return context


def uvicorn_options(cert_file: Path, key_file: Path) -> dict[str, Any]:
    return {"ssl_certfile": str(cert_file), "ssl_keyfile": str(key_file), "ssl_ciphers": CIPHERS}


def check_served_files(cert_file: Path, key_file: Path) -> x509.Certificate:
    """The certificate to serve, once it and its key are readable, PEM, unencrypted and a pair; else
    TlsProblem. (An expired certificate is served: `expired()` lets the caller warn.)"""
    cert_pem = _read(cert_file, "--tls-cert")
    key_pem = _read(key_file, "--tls-key")
    try:
        chain = x509.load_pem_x509_certificates(cert_pem)
    except ValueError as exc:
        raise TlsProblem(f"--tls-cert {cert_file}: not a PEM certificate (-----BEGIN CERTIFICATE-----)") from exc
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except TypeError as exc:
        raise TlsProblem(
            f"--tls-key {key_file}: the key is encrypted; give it unencrypted (owner-only, 0600): "
            "the server cannot ask for a passphrase"
        ) from exc
    except ValueError as exc:
        raise TlsProblem(f"--tls-key {key_file}: not a PEM private key (-----BEGIN PRIVATE KEY-----)") from exc
    if _public(key) != chain[0].public_key().public_bytes(*_SPKI):
        raise TlsProblem(
            f"--tls-key {key_file} does not match --tls-cert {cert_file} (the first certificate must be the "
            "server's own, made for this key)"
        )
    try:
        server_context(cert_file, key_file)
    except (ssl.SSLError, OSError) as exc:
        raise TlsProblem(f"--tls-cert {cert_file}: cannot be served with --tls-key {key_file} ({exc})") from exc
    return chain[0]


def expired(certificate: x509.Certificate, now: dt.datetime | None = None) -> bool:
    return certificate.not_valid_after_utc <= (now or dt.datetime.now(dt.UTC))


def certificate_hosts(certificate: x509.Certificate) -> list[str]:
    """The names and addresses a certificate is valid for, as written in a URL (wildcards left out)."""
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    dns = [n.lower() for n in san.get_values_for_type(x509.DNSName) if "*" not in n]
    addresses = san.get_values_for_type(x509.IPAddress)
    return [*dns, *(url_host(a) for a in addresses if isinstance(a, ipaddress.IPv4Address | ipaddress.IPv6Address))]


def hosts_in(cert_file: Path) -> list[str]:
    """`certificate_hosts` of the first certificate in a PEM file; none when it cannot be read."""
    try:
        return certificate_hosts(x509.load_pem_x509_certificates(cert_file.read_bytes())[0])
    except (OSError, ValueError):
        return []


_SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _public(key: PrivateKeyTypes) -> bytes:
    return key.public_key().public_bytes(*_SPKI)


def _read(path: Path, flag: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise TlsProblem(f"{flag} {path}: no such file") from exc
    except IsADirectoryError as exc:
        raise TlsProblem(f"{flag} {path}: is a folder, not a file") from exc
    except OSError as exc:
        raise TlsProblem(f"{flag} {path}: cannot be read ({exc.strerror})") from exc


def _no_password() -> bytes:
    """Given to OpenSSL so that an encrypted key fails at once instead of prompting on the terminal."""
    raise ssl.SSLError("the key is encrypted")

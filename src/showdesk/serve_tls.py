"""What `showdesk serve` does for HTTPS before it starts: the files to serve (given and checked, or the
kept self-signed ones), and what it prints so that a phone on the same network can open the demo."""

from __future__ import annotations

import io
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from showdesk.adapters.tls.local_ca import LocalCertificate, kept_certificate
from showdesk.adapters.tls.machine_names import MachineNames, machine_names, url_host
from showdesk.adapters.tls.server_tls import TlsProblem, check_served_files, expired, uvicorn_options
from showdesk.config import DATA_DIR, Settings
from showdesk.transport.local_ca import CA_DOWNLOAD_PATH

_ANY_ADDRESS = ("0.0.0.0", "::", "")  # noqa: S104 - names of a bind, compared


@dataclass(frozen=True)
class ServedTls:
    cert_file: Path
    key_file: Path
    warnings: tuple[str, ...] = ()
    local: LocalCertificate | None = None  # --tls self-signed
    names: MachineNames | None = None  # what the self-signed certificate was made for

    def uvicorn_options(self) -> dict[str, Any]:
        return uvicorn_options(self.cert_file, self.key_file)


def prepare_tls(settings: Settings) -> ServedTls | None:
    """The certificate and key to serve, checked (or made, for self-signed); None for plain HTTP.
    TlsProblem, in one line, when they cannot be served."""
    if settings.tls == "self-signed":
        if settings.tls_cert or settings.tls_key:
            raise TlsProblem("--tls self-signed makes its own certificate: give it or --tls-cert/--tls-key, not both")
        names = machine_names()
        local = kept_certificate(DATA_DIR / "tls", names)
        return ServedTls(local.cert_file, local.key_file, local=local, names=names)
    if settings.tls_cert is None and settings.tls_key is None:
        return None
    if settings.tls_key is None:
        raise TlsProblem("--tls-cert needs --tls-key, the certificate's private key")
    if settings.tls_cert is None:
        raise TlsProblem("--tls-key needs --tls-cert, the certificate it is the key of")
    certificate = check_served_files(settings.tls_cert, settings.tls_key)
    warnings: tuple[str, ...] = ()
    if expired(certificate):
        ended = certificate.not_valid_after_utc.date().isoformat()
        warnings = (f"warning: --tls-cert {settings.tls_cert} expired on {ended}: browsers will refuse it",)
    return ServedTls(settings.tls_cert, settings.tls_key, warnings)


def phone_url(settings: Settings, names: MachineNames, path: str = "/demo/") -> str:
    """The URL a phone on the same network opens: the address `--host` names, or the LAN address."""
    host: str | None = None
    try:
        bound = ipaddress.ip_address(settings.host)
    except ValueError:
        bound = None
    if bound is not None and not bound.is_loopback and not bound.is_unspecified:
        host = url_host(bound)
    elif (lan := names.lan_address()) is not None:
        host = url_host(lan)
    return f"https://{host or 'localhost'}:{settings.port}{path}"


def listens_beyond_this_machine(host: str) -> bool:
    if host in _ANY_ADDRESS:
        return True
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host != "localhost"


def qr_code(text: str, ansi: bool) -> str:
    """A QR code of `text` for the terminal. On a terminal, each character is two modules in explicit
    black and white colours (upper half the foreground, lower half the background), so it reads the same
    on dark and light themes; elsewhere (a log file) plain block characters, light modules full."""
    import segno

    code = segno.make(text, error="m", micro=False)
    if not ansi:
        out = io.StringIO()
        code.terminal(out=out, compact=True)
        return out.getvalue()
    rows = [[bool(m) for m in row] for row in code.matrix_iter(border=4)]  # True: a dark module
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))  # one more row of quiet zone
    lines = []
    for upper, lower in zip(rows[0::2], rows[1::2], strict=True):
        cells = (f"\x1b[{30 if u else 97};{40 if d else 107}m\u2580" for u, d in zip(upper, lower, strict=True))
        lines.append("".join(cells) + "\x1b[0m")
    return "\n".join(lines) + "\n"


def phone_banner(settings: Settings, served: ServedTls, ansi: bool = False) -> str:
    """What `serve --tls self-signed` prints: the phone's URL and QR code, how to trust the CA, and what
    keeps a phone out."""
    local, names = served.local, served.names
    assert local is not None and names is not None
    url = phone_url(settings, names)
    ca_url = phone_url(settings, names, CA_DOWNLOAD_PATH)
    made = {
        "new": "made now",
        "kept": "kept from the last start",
        "renewed": "renewed under the kept CA",
        "new CA": "made with a new local CA: trust it again where you trusted an older one",
    }[local.made]
    lines = [
        f"HTTPS with a self-signed certificate ({made}), valid until {local.not_after.date().isoformat()} for:",
        f"  {', '.join(names.hosts())}",
        f"Local CA: {local.ca_file} ({local.ca_name}); SHA-256 {local.ca_fingerprint}",
        "",
        "On a phone on the same network, scan this or open:",
        f"  {url}",
        qr_code(url, ansi),
        "The phone will say the connection is not private. Either accept that for this address (Advanced, then",
        "Proceed or Visit: the camera works either way), or trust the local CA once:",
        f"  - download it on the phone from {ca_url}",
        "  - iPhone/iPad: Settings > General > VPN & Device Management: install the profile; then Settings >",
        f'    General > About > Certificate Trust Settings: turn on full trust for "{local.ca_name}"',
        "  - Android: Settings > Security > Encryption & credentials > Install a certificate > CA certificate",
        "  This CA can vouch only for this machine's names and local-network addresses.",
        f"The agent desktop, on this machine: https://localhost:{settings.port}/agent/",
    ]
    if not listens_beyond_this_machine(settings.host):
        lan = names.lan_address()
        lines += [
            "",
            f"Note: this server listens on {settings.host} only, which a phone cannot reach: start it with "
            f"--host 0.0.0.0 (or --host {lan or 'your LAN address'})"
            + (", and --demo-public with --demo" if settings.demo else "")
            + ".",
        ]
    return "\n".join(lines)

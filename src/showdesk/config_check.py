"""`showdesk config check`: the settings `serve` would run with (secrets masked) and what is unsafe about them.

Each finding is one line: UNSAFE (someone could get in or read what they should not), FAILS (something
users need will not work) or NOTE (worth knowing, nothing wrong). UNSAFE and FAILS make the exit status 1.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from showdesk.config import DATA_DIR, Settings

SECRET_NAME = re.compile(r"(secret|credential|password|token)(_|$)")
MIN_SECRET_KEY_BYTES = 32  # the token signer refuses less
MIN_TOKEN_CHARACTERS = 16  # a metrics token or TURN secret shorter than this is guessable
PLACEHOLDERS = frozenset({"change-me", "changeme", "secret", "password", "token", "metrics", "showdesk", "example"})


def loopback_only(host: str) -> bool:
    """Whether a server listening on `host` is reachable from this machine only."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a name other than localhost, or 0.0.0.0 / :: (every interface): reachable from outside


def uses_tls(settings: Settings) -> bool:
    """Whether `serve` speaks HTTPS itself (--tls-cert/--tls-key or --tls self-signed)."""
    return bool(getattr(settings, "tls_cert", None) or getattr(settings, "tls", None))


@dataclass(frozen=True)
class Finding:
    kind: str  # UNSAFE | FAILS | NOTE
    text: str

    @property
    def counts(self) -> bool:
        return self.kind != "NOTE"

    def __str__(self) -> str:
        return f"{self.kind} {self.text}"


def masked(name: str, value: Any) -> str:
    """A setting's value as it may be shown: secrets as whether they are set, URLs without their password."""
    if value is None or value == "":
        return "(not set)"
    if isinstance(value, str) and SECRET_NAME.search(name):
        return f"(set, {len(value)} characters)"
    if isinstance(value, str) and "://" in value:
        return _without_password(value)
    return str(value)


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user, _, host = parts.netloc.rpartition("@")
    name = user.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{name}:***@{host}"))


def effective(settings: Settings) -> list[tuple[str, str, bool]]:
    """(flag, shown value, is the default) for every setting, in the order of `serve --help`."""
    rows = []
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        shown = masked(name, value)
        if name == "database_url" and not value:
            shown = f"{settings.resolved_database_url()} (the default)"
        elif name == "secret_key" and not value:
            kept = DATA_DIR / "secret.key"
            shown = f"(not set: kept in {kept}{'' if kept.exists() else ', made at the first start'})"
        rows.append(("--" + name.replace("_", "-"), shown, value == field.default))
    return rows


def findings(settings: Settings, console_turn_servers: int | None) -> list[Finding]:
    """What is unsafe or bound to fail with these settings. `console_turn_servers`: how many active TURN
    servers the console holds in all (None: the database could not be read)."""
    found: list[Finding] = []
    host = settings.host
    public = not loopback_only(host)
    origin = settings.public_origin or ""
    if settings.demo and public:
        found.append(
            Finding(
                "UNSAFE",
                f"--demo on {host}: anyone who reaches this server can sign in as admin@demo.local / admin "
                f"(well-known passwords){'' if settings.demo_public else '; serve refuses it without --demo-public'}",
            )
        )
    if public and not uses_tls(settings) and not origin.startswith("https://"):
        found.append(
            Finding(
                "UNSAFE",
                f"{host} is reachable from the network over plain HTTP: passwords and chats cross it in clear "
                "text, and browsers give the camera only to secure pages; use --tls-cert/--tls-key (or --tls "
                "self-signed), or a TLS proxy in front and --public-origin https://...",
            )
        )
    if origin.startswith("http://") and not loopback_only(urlsplit(origin).hostname or ""):
        found.append(
            Finding(
                "UNSAFE",
                f"--public-origin {origin} is plain HTTP: customers' browsers will not give it the camera",
            )
        )
    found += _turn(settings, console_turn_servers, public or bool(origin))
    found += _secrets(settings)
    found += _proxy(settings)
    return found


def _turn(settings: Settings, console: int | None, reachable: bool) -> list[Finding]:
    if settings.turn_url:
        if settings.turn_secret and _guessable(settings.turn_secret):
            return [Finding("UNSAFE", "--turn-secret is short or a placeholder: anyone who guesses it relays through")]
        return []
    if console is None:
        return [Finding("NOTE", "the console's TURN servers could not be read; `showdesk doctor` checks them")]
    if console:
        return []
    words = (
        "no TURN relay (no --turn-url, and no TURN server in the console): video across strict networks "
        '(corporate firewalls, some mobile carriers) will fail; see the README\'s "Relay (TURN)"'
    )
    return [Finding("FAILS" if reachable else "NOTE", words)]


def _secrets(settings: Settings) -> list[Finding]:
    found = []
    key = settings.secret_key
    if key is not None and len(key.encode()) < MIN_SECRET_KEY_BYTES:
        found.append(
            Finding("UNSAFE", f"the secret key has {len(key.encode())} bytes: serve refuses less than 32 bytes")
        )
    elif key is not None and (len(set(key)) < 10 or key.lower() in PLACEHOLDERS):
        found.append(Finding("UNSAFE", "the secret key repeats a few characters: tokens signed with it can be forged"))
    if key is None and settings.redis_url:
        found.append(
            Finding(
                "FAILS",
                "--redis-url (several nodes) without SHOWDESK_SECRET_KEY: each node makes its own key, and a token "
                "signed by one is refused by the others; set the same key on every node",
            )
        )
    token = settings.metrics_token
    if token is None:
        found.append(
            Finding(
                "NOTE",
                "no --metrics-token: /metrics answers only staff and API clients holding metrics:view; give a "
                "scraper a long random token",
            )
        )
    elif _guessable(token):
        found.append(
            Finding("UNSAFE", "--metrics-token is short or a placeholder: anyone who guesses it reads /metrics")
        )
    return found


def _proxy(settings: Settings) -> list[Finding]:
    behind = getattr(settings, "forwarded_allow_ips", None)
    if settings.public_origin and not behind and settings.max_connections_per_ip and loopback_only(settings.host):
        return [
            Finding(
                "FAILS",
                "--public-origin on a loopback address looks like a reverse proxy in front, but without "
                "--forwarded-allow-ips every client seems to come from the proxy: they share one "
                f"--max-connections-per-ip ({settings.max_connections_per_ip}) and one set of per-address limits",
            )
        ]
    return []


def _guessable(secret: str) -> bool:
    return len(secret) < MIN_TOKEN_CHARACTERS or secret.lower() in PLACEHOLDERS

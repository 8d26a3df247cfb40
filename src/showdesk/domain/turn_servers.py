"""TURN servers ("video trunks"): where media is relayed when a network blocks direct video."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from showdesk.domain.errors import InvalidInput

AUTHENTICATIONS = ("shared-secret", "static")
_SCHEMES = ("turn", "turns")


@dataclass
class TurnServer:
    id: str
    organization_id: str
    name: str
    urls: list[str] = field(default_factory=list)
    authentication: str = "shared-secret"  # coturn use-auth-secret (TURN REST), or a fixed username
    secret: str = ""
    username: str = ""
    credential: str = ""
    active: bool = True

    def check(self) -> None:
        """Refuse a server browsers could not use, saying which part is wrong."""
        if not self.name.strip() or len(self.name) > 200:
            raise InvalidInput("name must be 1..200 characters", code="invalid_name")
        if not self.urls:
            raise InvalidInput("give at least one URL like turn:turn.example.com:3478", code="invalid_url")
        for url in self.urls:
            check_turn_url(url)
        if self.authentication not in AUTHENTICATIONS:
            raise InvalidInput(f"authentication must be one of {', '.join(AUTHENTICATIONS)}", code="invalid_input")
        if self.authentication == "shared-secret" and len(self.secret) < 16:
            raise InvalidInput(
                "a shared secret (coturn static-auth-secret) of at least 16 characters is required",
                code="invalid_secret",
            )
        if self.authentication == "static" and (not self.username or not self.credential):
            raise InvalidInput("static authentication needs a username and a credential", code="invalid_secret")


def check_turn_url(url: object) -> str:
    if not isinstance(url, str) or len(url) > 500:
        raise InvalidInput("a TURN URL must be text", code="invalid_url")
    scheme, _, rest = url.partition(":")
    host_port = rest.split("?", 1)[0]
    if scheme not in _SCHEMES or not host_port or host_port.startswith("/"):
        raise InvalidInput(
            f"'{url}' is not a TURN URL like turn:turn.example.com:3478?transport=udp", code="invalid_url"
        )
    try:
        port = urlsplit(f"//{host_port}").port
    except ValueError as exc:
        raise InvalidInput(f"'{url}' has an invalid port", code="invalid_url") from exc
    if port == 0:
        raise InvalidInput(f"'{url}' has an invalid port", code="invalid_url")
    query = rest.split("?", 1)[1] if "?" in rest else ""
    if query and query not in ("transport=udp", "transport=tcp"):
        raise InvalidInput(f"'{url}': only ?transport=udp or ?transport=tcp may follow", code="invalid_url")
    return url

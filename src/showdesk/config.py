"""Server configuration: every `serve` flag, declared once here.

Each field is a `showdesk serve --flag` (generated from this class by `showdesk.cli`) and is also read
from `SHOWDESK_<FLAG>` in the environment. A field's description is the flag's help; limits (rates,
sizes, times, counts) are documented with their defaults in docs/security.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from showdesk.domain.attachments import ATTACHMENTS_PER_MINUTE, DEFAULT_ATTACHMENT_TYPES, parse_types
from showdesk.domain.photos import MAX_PHOTO_BYTES

DATA_DIR = Path("showdesk-data")


def default_database_url() -> str:
    return f"sqlite+aiosqlite:///{DATA_DIR / 'showdesk.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHOWDESK_")

    host: str = Field(default="127.0.0.1", description="address to listen on")
    port: int = Field(default=8080, ge=0, le=65535, description="HTTP port")
    tls: Literal["self-signed"] | None = Field(
        default=None,
        description="self-signed: serve HTTPS with a certificate for this machine's names and addresses, from a "
        "local CA made once and kept in ./showdesk-data/tls/ (prints the URL and a QR code for a phone)",
    )
    tls_cert: Path | None = Field(
        default=None, description="serve HTTPS with this certificate chain (PEM, the server's first), with --tls-key"
    )
    tls_key: Path | None = Field(default=None, description="the private key of --tls-cert (PEM, unencrypted)")
    database_url: str = Field(default="", description="default: SQLite in ./showdesk-data/")
    redis_url: str | None = Field(default=None, description="default: in-process bus")
    demo: bool = Field(default=False, description="create the demo data if absent")
    demo_public: bool = Field(
        default=False,
        description="allow --demo on an address other than loopback (127.0.0.0/8, ::1, localhost): its accounts' "
        "passwords are well known",
    )
    stun_port: int = Field(default=3478, ge=0, le=65535, description="built-in STUN responder; 0 turns it off")
    turn_url: str | None = Field(default=None, description="TURN relay URLs, comma-separated")
    turn_secret: str | None = Field(default=None, description="coturn's static-auth-secret: ephemeral credentials")
    turn_username: str | None = Field(default=None, description="or a static TURN username ...")
    turn_credential: str | None = Field(default=None, description="... and its credential")
    secret_key: str | None = Field(
        default=None, description="signing key (32+ bytes); default: made once in ./showdesk-data/secret.key"
    )
    offer_timeout: float = Field(default=30.0, gt=0, description="seconds to accept an offer")
    agent_grace: float = Field(default=10.0, ge=0, description="seconds a vanished agent may come back")
    customer_grace: float = Field(
        default=60.0,
        gt=0,
        description="seconds a waiting customer's page may be gone before the chat leaves the line as abandoned "
        "(a connected chat shows the customer as left)",
    )
    video_grace: float = Field(
        default=15.0,
        gt=0,
        description="seconds a customer's dropped chat connection may take to come back before its live video ends "
        "(a short network drop: the socket reconnects and ICE restarts within it)",
    )
    decline_cooldown: float = Field(
        default=30.0,
        ge=0,
        description="seconds before a chat an agent declined (or let go of) is offered to that agent again",
    )
    chat_starts_per_address: int = Field(
        default=20, ge=0, description="chats one client address may start a minute (then rate_limited); 0: no limit"
    )
    chat_starts_per_deployment: int = Field(
        default=600, ge=0, description="chats one web-chat deployment may start a minute; 0: no limit"
    )
    public_origin: str | None = Field(
        default=None, description="the origin customers' browsers see, when behind a proxy"
    )
    retention_days: int = Field(
        default=0,
        ge=0,
        description="purge an ended chat's messages and video records this many days after it ended, "
        "at start and hourly; 0 keeps them forever",
    )
    idle_timeout: float = Field(default=45.0, ge=1, description="seconds a socket may stay silent before it is closed")
    guest_frame_rate: float = Field(
        default=20.0,
        ge=0,
        description="video frames a second a customer may send (signals, statuses, camera results, photo "
        "failures: each stores or relays something), bursts of three times that; 0: no limit",
    )
    mark_rate: float = Field(
        default=30.0,
        ge=0,
        description="marks a second an agent may draw on a chat's live picture (each is relayed to the "
        "customer), bursts of three times that; 0: no limit",
    )
    watch_frame_rate: float = Field(
        default=20.0,
        ge=0,
        description="frames a second a supervisor's watch socket may send, per watcher and chat (the live picture's "
        "signals are relayed to the agent; anything else is refused), bursts of three times that; 0: no limit",
    )
    guest_message_rate: float = Field(
        default=2.0, ge=0, description="messages a second a customer may send (bursts of twice that); 0: no limit"
    )
    max_photo_pixels: int = Field(
        default=40_000_000,
        ge=256,
        description="largest photo, in pixels (width x height); a larger one is refused (413) so a small file "
        "cannot make the agent's browser decode a huge picture",
    )
    photo_mode_after: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="seconds the picture an agent receives may stay under the detail goal (640 x 360 at 5 frames a "
        "second) before photo mode is offered, or switched to where the chat's video settings say photoMode: switch",
    )
    still_interval: float = Field(
        default=1.0,
        ge=0,
        description="seconds between two photo-mode stills of one video session, at least (a faster one is refused, "
        "429); 0: no limit",
    )
    attachment_types: str = Field(
        default=",".join(DEFAULT_ATTACHMENT_TYPES),
        description="images a customer may attach on their own, told from the file's first bytes (comma-separated, "
        "some of image/jpeg, image/png, image/webp); any other file is refused (400 attachment_type)",
    )
    attachments_per_chat: int = Field(
        default=ATTACHMENTS_PER_MINUTE,
        ge=0,
        description="images a customer may attach to one chat a minute (then 429 rate_limited); 0: no limit",
    )
    monitors_per_video: int = Field(
        default=2,
        ge=0,
        le=10,
        description="supervisors (Video > Monitor) one live video's picture may be relayed to at once by the agent's "
        "desktop, each an upload of its own; 0: supervisors never see the picture",
    )
    handoff_ttl: int = Field(
        default=600,
        ge=1,
        le=86400,
        description="seconds a hand-off link (a customer's chat moved to their phone) may be redeemed, once",
    )
    handoffs_per_chat: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="hand-off links one chat may make; the next is refused (409 handoff_limit)",
    )
    handoff_redeems_per_address: int = Field(
        default=30,
        ge=0,
        description="hand-off codes one client address may try a minute, used or not (then rate_limited); 0: no limit",
    )
    searches_per_user: int = Field(
        default=60,
        ge=0,
        description="conversation searches (GET /api/v2/conversations) one user may make a minute (then "
        "rate_limited); 0: no limit",
    )
    monitor_starts_per_chat: int = Field(
        default=6,
        ge=0,
        description="times supervisors may begin to see one chat's live picture a minute (each tells the customer in "
        "the transcript; then rate_limited); 0: no limit",
    )
    export_max_conversations: int = Field(
        default=10_000,
        ge=1,
        le=1_000_000,
        description="conversations one export (GET /api/v2/conversations/export) holds at most; a longer list is "
        "cut there (JSON: complete false)",
    )
    metrics_token: str | None = Field(
        default=None,
        description="bearer token that may read /metrics (besides staff and API clients holding metrics:view); "
        "default: none",
    )
    agent_token_ttl: int = Field(
        default=8 * 3600,
        ge=1,
        le=30 * 86400,
        description="seconds a staff access token lasts; a live agent socket closes when its token expires",
    )
    login_failures_per_account: int = Field(
        default=5,
        ge=0,
        description="failed sign-ins (password or client secret) one address may make on one account per "
        "--login-failure-window, then 429; 0: no limit",
    )
    login_failures_per_address: int = Field(
        default=20,
        ge=0,
        description="failed sign-ins one address may make on all accounts together per --login-failure-window; "
        "0: no limit",
    )
    login_failure_window: float = Field(
        default=60.0, gt=0, le=86400, description="seconds over which failed sign-ins are counted"
    )
    # What one client can make a node read or hold (docs/security.md)
    max_body_bytes: int = Field(default=1 << 20, ge=1024, description="largest request body in general, in bytes")
    max_anonymous_body_bytes: int = Field(
        default=8 * 1024,
        ge=1024,
        description="largest request body without a token (and for sign-in and /oauth/token), in bytes",
    )
    max_upload_bytes: int = Field(
        default=MAX_PHOTO_BYTES,
        ge=1024,
        description=f"largest photo upload, in bytes (a photo itself may be at most {MAX_PHOTO_BYTES} bytes)",
    )
    max_flow_bytes: int = Field(
        default=256 * 1024, ge=1024, description="largest flow document (YAML or JSON), in bytes"
    )
    max_frame_bytes: int = Field(
        default=64 * 1024,
        ge=1024,
        description="largest WebSocket message a client may send, in bytes; a larger one closes the socket (1009)",
    )
    max_header_bytes: int = Field(default=64 * 1024, ge=1024, description="largest request line and headers, in bytes")
    header_timeout: float = Field(
        default=10.0, gt=0, description="seconds a client has to send a request's line and headers"
    )
    body_timeout: float = Field(
        default=20.0,
        gt=0,
        description="seconds a request body may pause between two reads before the connection closes",
    )
    keep_alive_timeout: int = Field(
        default=5, ge=1, description="seconds an idle keep-alive connection stays open between requests"
    )
    max_connections_per_ip: int = Field(
        default=256,
        ge=0,
        description="connections (HTTP and WebSocket) one client address may hold open at once; more are refused "
        "(503); 0: no limit. Connections from --forwarded-allow-ips are not capped (the proxy limits its clients)",
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="reverse proxies (addresses and CIDR networks, comma-separated) whose Forwarded or "
        "X-Forwarded-For/-Proto/-Host headers give the client's address, scheme and host; default: none, "
        "the headers are ignored",
    )
    shutdown_timeout: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="seconds a node may take to stop on SIGTERM or SIGINT: its sockets are told to reconnect "
        "(1012) at once, requests and message writes in flight finish, then the process exits",
    )

    @field_validator("attachment_types")
    @classmethod
    def _attachment_types_parse(cls, value: str) -> str:
        return ",".join(parse_types(value))  # a ValueError names the type it does not know

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies_parse(cls, value: str) -> str:
        from showdesk.transport.forwarded import TrustedProxies

        TrustedProxies.parse(value)  # a ValueError says which item is wrong
        return value

    log_format: Literal["console", "json"] = Field(
        default="console",
        description="how log lines are written to stderr: console (readable key=value) or json (one object per "
        "line); every request and socket has a line with its request id",
    )

    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url()

    def served_certificate(self) -> Path | None:
        """The certificate HTTPS is served with (`serve` checks or makes it before starting); None: HTTP."""
        if self.tls == "self-signed":
            from showdesk.adapters.tls.local_ca import CERT_FILE

            return DATA_DIR / "tls" / CERT_FILE
        return self.tls_cert

    def own_origins(self) -> list[str]:
        """Origins that reach this server directly, for the demo deployment's allowed origins; with TLS,
        the https origin of every name and address in the certificate (a phone's page may chat)."""
        hosts = {self.host}
        if self.host in ("127.0.0.1", "0.0.0.0", "localhost", "::"):  # noqa: S104 - names, not a bind
            hosts |= {"127.0.0.1", "localhost"}
        hosts.discard("0.0.0.0")  # noqa: S104
        hosts.discard("::")
        hosts = {f"[{h}]" if ":" in h and not h.startswith("[") else h for h in hosts}  # IPv6, as in a URL
        certificate = self.served_certificate()
        if certificate is not None:
            from showdesk.adapters.tls.server_tls import hosts_in

            hosts |= set(hosts_in(certificate))
        scheme = "http" if certificate is None else "https"
        origins = [f"{scheme}://{h}:{self.port}" for h in sorted(hosts)]
        if self.public_origin:
            origins.append(self.public_origin)
        return origins

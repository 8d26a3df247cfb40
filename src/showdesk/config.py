"""Server configuration: every `serve` flag, also read from `SHOWDESK_<FLAG>` in the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path("showdesk-data")


def default_database_url() -> str:
    return f"sqlite+aiosqlite:///{DATA_DIR / 'showdesk.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHOWDESK_")

    host: str = "127.0.0.1"
    port: int = 8080
    database_url: str = ""
    redis_url: str | None = None
    demo: bool = False
    stun_port: int = 3478
    turn_url: str | None = None
    turn_secret: str | None = None
    turn_username: str | None = None  # a static credential, when the relay has no shared secret
    turn_credential: str | None = None
    secret_key: str | None = None
    offer_timeout: float = 30.0
    agent_grace: float = 10.0
    public_origin: str | None = None  # the origin customers' browsers see, when behind a proxy
    retention_days: int = Field(default=0, ge=0)  # days an ended chat's records are kept; 0: forever
    idle_timeout: float = Field(default=45.0, gt=0)  # seconds a socket may stay silent (clients ping every 15 s)
    guest_message_rate: float = Field(default=2.0, ge=0)  # a customer's messages a second (burst twice); 0: no limit

    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url()

    def own_origins(self) -> list[str]:
        """Origins that reach this server directly, for the demo deployment's allowed origins."""
        hosts = {self.host}
        if self.host in ("127.0.0.1", "0.0.0.0", "localhost", "::"):  # noqa: S104 - names, not a bind
            hosts |= {"127.0.0.1", "localhost"}
        hosts.discard("0.0.0.0")  # noqa: S104
        hosts.discard("::")
        origins = [f"http://{h}:{self.port}" for h in sorted(hosts)]
        if self.public_origin:
            origins.append(self.public_origin)
        return origins

"""Settings the services run with (the CLI and environment fill them in)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSettings:
    secret_key: str
    offer_timeout: float = 30.0  # seconds an agent has to accept an offer
    agent_grace: float = 10.0  # seconds a vanished agent has to come back before losing interactions
    customer_grace: float = 60.0  # seconds a waiting customer's page may be gone before the chat is abandoned
    video_grace: float = 15.0  # seconds a customer's dropped socket may take to come back before its video ends
    decline_cooldown: float = 30.0  # seconds before a declined interaction is offered to the same agent again
    chat_starts_per_address: int = 20  # chats one client address may start a minute; 0: no limit
    chat_starts_per_deployment: int = 600  # chats one deployment may start a minute; 0: no limit
    resume_window: int = 500  # missed messages a reconnecting client may catch up on
    agent_token_ttl: int = 8 * 3600
    guest_token_ttl: int = 2 * 3600
    client_token_ttl: int = 3600  # API clients (client credentials) ask again after an hour
    public_origin: str | None = None  # the origin embed snippets point at, when behind a proxy
    retention_days: int = 0  # days an ended chat's records are kept; 0 keeps them forever
    max_photo_pixels: int = 40_000_000  # a photo's width x height at most
    photo_mode_after: float = 10.0  # seconds under the detail goal before photo mode is offered (or switched to)
    still_interval: float = 1.0  # seconds between two stills of one session, at least; 0: no limit
    attachment_types: str = "image/jpeg,image/png,image/webp"  # images a customer may attach (from the bytes)
    attachments_per_chat: int = 10  # images a customer may attach to one chat a minute; 0: no limit
    handoff_ttl: int = 600  # seconds a hand-off link (laptop to phone) may be redeemed
    handoffs_per_chat: int = 10  # hand-off links one chat may make
    handoff_redeems_per_address: int = 30  # hand-off codes one client address may try a minute; 0: no limit
    searches_per_user: int = 60  # conversation searches one user may make a minute; 0: no limit
    monitors_per_video: int = 2  # supervisors one live picture is relayed to at once; 0: none
    monitor_starts_per_chat: int = 6  # times supervisors may begin to see one chat's picture a minute; 0: no limit
    export_max_conversations: int = 10_000  # conversations one export holds at most
    login_failures_per_account: int = 5  # failed sign-ins an address may make on one account a window
    login_failures_per_address: int = 20  # ... and on all accounts together; 0: no limit
    login_failure_window: float = 60.0  # seconds

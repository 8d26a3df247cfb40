"""The ASGI application: one node of ShowDesk."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import fields

from fastapi import FastAPI

from showdesk import __version__
from showdesk.adapters.bus import create_bus, create_lease
from showdesk.adapters.clock import SystemClock
from showdesk.adapters.ice.stun import StunServer, start_stun_responder
from showdesk.adapters.ice.turn import turn_credentials
from showdesk.adapters.limits import create_limiter
from showdesk.adapters.readiness import Readiness
from showdesk.adapters.storage import open_store
from showdesk.adapters.storage.private_files import FOLDER_MODE, kept_secret_key, owner_only
from showdesk.adapters.tls.local_ca import CA_FILE
from showdesk.config import DATA_DIR, Settings
from showdesk.services.container import Services
from showdesk.services.demo import seed_demo
from showdesk.services.ice_servers import IceSettings
from showdesk.services.settings import ServiceSettings
from showdesk.transport import agent_ws, guest_ws, watch_ws
from showdesk.transport.access_log import redact_secrets_in_logs
from showdesk.transport.api_docs import DOCS_PATH, mount_api_docs
from showdesk.transport.body_limits import BodyLimit, BodyLimits
from showdesk.transport.errors import install_error_handlers
from showdesk.transport.forwarded import ForwardedHeaders, TrustedProxies
from showdesk.transport.gc_policy import GcPolicy
from showdesk.transport.handoff_cors import HandoffCors
from showdesk.transport.handoff_page import mount_handoff_page
from showdesk.transport.local_ca import mount_local_ca
from showdesk.transport.metrics import Metrics
from showdesk.transport.photo_cors import PhotoCors
from showdesk.transport.rate_limits import GuestRateLimits
from showdesk.transport.readiness import mount_readiness
from showdesk.transport.request_log import RequestLog
from showdesk.transport.rest import api, oauth
from showdesk.transport.security_headers import SecurityHeaders
from showdesk.transport.shutdown import ShutdownBudget
from showdesk.transport.static import mount_web

log = logging.getLogger(__name__)

DESCRIPTION = """Web chat with one-way video escalation for visual product troubleshooting.

Authenticate with `POST /api/v2/auth/login`, then send `Authorization: Bearer <access_token>`.
Errors are always JSON `{"code": "...", "message": "..."}` with a 4xx status.
The WebSocket protocol (`/ws/v1/guest`, `/ws/v1/agent`) is described in docs/protocol.md.
"""


def secret_key(settings: Settings) -> str:
    """The signing key: configured, or made once and kept, owner-only, in the data folder."""
    if settings.secret_key:
        return settings.secret_key
    owner_only(DATA_DIR, FOLDER_MODE)  # an older version's data folder may be open to others
    return kept_secret_key(DATA_DIR / "secret.key")


async def _start_stun(host: str, port: int) -> StunServer | None:
    """ShowDesk's own STUN responder; a taken port is logged and video goes on without it."""
    if not port:
        return None
    try:
        return await start_stun_responder(host, port)
    except OSError as exc:
        log.error("STUN responder could not listen on udp %s:%s (%s); clients get no built-in STUN", host, port, exc)
        return None


def service_settings_from(settings: Settings, key: str) -> ServiceSettings:
    """The services' settings: each of ServiceSettings' fields that the node's Settings also declares, by name
    (the rest keep ServiceSettings' defaults)."""
    given = {f.name: getattr(settings, f.name) for f in fields(ServiceSettings) if f.name in Settings.model_fields}
    return ServiceSettings(**{**given, "secret_key": key})


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    metrics = Metrics(settings.metrics_token)
    gc_policy = GcPolicy(metrics.registry)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = settings.resolved_database_url()
        if not settings.database_url:
            owner_only(DATA_DIR, FOLDER_MODE)  # an older version's data folder may be open to others
        key = secret_key(settings)
        # A SQLite file is made owner-only (in an owner-only folder if new); TURN secrets are sealed with the key.
        store = await open_store(url, key)
        service_settings = service_settings_from(settings, key)
        stun = await _start_stun(settings.host, settings.stun_port)
        ice = IceSettings(
            stun_port=stun.port if stun is not None else 0,
            turn_urls=tuple(u for u in (settings.turn_url or "").split(",") if u),
            turn_secret=settings.turn_secret or "",
            turn_username=settings.turn_username or "",
            turn_credential=settings.turn_credential or "",
        )
        services = Services(
            store,
            create_bus(settings.redis_url),
            SystemClock(),
            service_settings,
            ice,
            turn_credentials,
            create_lease(settings.redis_url),
            limiter=create_limiter(settings.redis_url),
        )
        if settings.demo:
            await seed_demo(store, services.clock, settings.own_origins())
        await services.start()
        metrics.watch(services)
        gc_policy.start()
        app.state.services = services
        app.state.readiness = Readiness(store, settings.redis_url)
        # Retention: purge expired chats now and every hour; a failed run is logged, never fatal.
        retention = asyncio.create_task(services.retention.keep_purging()) if services.retention.enabled else None
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            try:  # within what is left of --shutdown-timeout
                async with asyncio.timeout(app.state.shutdown.left()):
                    if retention is not None:
                        retention.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await retention
                    await gc_policy.stop()
                    if stun is not None:
                        stun.close()
                    await app.state.readiness.close()
                    await services.close()  # queued message writes are committed, the routing lease released
            except TimeoutError:
                log.error("the node did not close within --shutdown-timeout; stopping anyway")

    app = FastAPI(
        title="ShowDesk API",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # transport/api_docs.py: Swagger UI from ShowDesk itself, not a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.guest_limits = GuestRateLimits(settings.guest_message_rate, settings.guest_frame_rate)
    app.state.mark_limits = GuestRateLimits(0, settings.mark_rate)  # the agent's marks, relayed to the customer
    app.state.watch_limits = GuestRateLimits(0, settings.watch_frame_rate)  # a watcher's frames, some relayed
    app.state.ready = False
    app.state.shutdown = ShutdownBudget(settings.shutdown_timeout)
    install_error_handlers(app)
    app.add_middleware(
        BodyLimit,  # inside PhotoCors, so that a refused cross-origin upload still carries its CORS headers
        limits=BodyLimits(
            general=settings.max_body_bytes,
            anonymous=settings.max_anonymous_body_bytes,
            upload=settings.max_upload_bytes,
            flow=settings.max_flow_bytes,
        ),
    )
    app.add_middleware(PhotoCors)
    app.add_middleware(HandoffCors)  # outside BodyLimit too: a refused hand-off's words reach the SDK
    app.add_middleware(SecurityHeaders, docs_path=DOCS_PATH)  # every answer, errors too
    app.add_middleware(RequestLog)  # one line per request and socket, with the client ForwardedHeaders found
    # Outermost: a trusted proxy's client, scheme and host are in the scope before anything reads them.
    app.add_middleware(ForwardedHeaders, proxies=TrustedProxies.parse(settings.forwarded_allow_ips))
    redact_secrets_in_logs()
    app.include_router(api)
    app.include_router(oauth)
    app.include_router(guest_ws.gateway)
    app.include_router(agent_ws.gateway)
    app.include_router(watch_ws.gateway)
    metrics.mount(app)

    if settings.tls == "self-signed":  # how a phone trusts the local CA (`serve` prints the address)
        mount_local_ca(app, DATA_DIR / "tls" / CA_FILE)
    mount_readiness(app)
    mount_api_docs(app)
    mount_handoff_page(app)
    mount_web(app)
    return app

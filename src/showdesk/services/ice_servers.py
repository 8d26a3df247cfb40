"""ICE servers per video session: STUN for everyone, TURN relay credentials only for an active session.

The relay servers come from `serve --turn-url/--turn-secret` (or a static username and credential) and
from the organization's TURN servers in the console. A shared-secret server gets TURN REST API
credentials minted for this one session and valid for minutes; a static one is handed out as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from showdesk.domain.errors import Conflict, Forbidden
from showdesk.domain.turn_servers import TurnServer
from showdesk.domain.video import VideoSession
from showdesk.services.ports import Clock, ConfigurationStore, VideoStore


class MintTurn(Protocol):
    def __call__(self, secret: str, session_id: str, now: datetime, ttl: timedelta) -> tuple[str, str, datetime]: ...


@dataclass(frozen=True)
class IceSettings:
    stun_port: int = 3478  # ShowDesk's own STUN responder; 0: none
    stun_urls: tuple[str, ...] = ()
    turn_urls: tuple[str, ...] = ()
    turn_secret: str = ""  # TURN REST API shared secret: ephemeral credentials per session
    turn_username: str = ""  # or a static credential
    turn_credential: str = ""
    turn_ttl: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class Party:
    """One side of a video session: the customer of conversation `id`, the agent whose user id is `id`, or a
    supervisor of organization `id` who sees the picture relayed by the agent's desktop (Video > Monitor,
    checked by services/video_monitor.py before it asks)."""

    side: str  # "customer" | "agent" | "watcher"
    id: str

    @classmethod
    def customer(cls, conversation_id: str) -> Party:
        return cls("customer", conversation_id)

    @classmethod
    def agent(cls, user_id: str) -> Party:
        return cls("agent", user_id)

    @classmethod
    def watcher(cls, organization_id: str) -> Party:
        return cls("watcher", organization_id)

    def is_in(self, session: VideoSession) -> bool:
        if self.side == "customer":
            return session.conversation_id == self.id
        if self.side == "watcher":
            return session.organization_id == self.id
        return self.side == "agent" and session.agent_id == self.id


class IceStore(ConfigurationStore, VideoStore, Protocol):
    """The TURN servers of the console, and the video sessions credentials are minted for."""


class IceServers:
    def __init__(self, store: IceStore, clock: Clock, settings: IceSettings, mint: MintTurn | None = None) -> None:
        self._store = store
        self._clock = clock
        self._settings = settings
        self._mint = mint

    async def for_party(self, session: VideoSession, party: Party, host: str) -> list[dict[str, Any]]:
        """ICE servers for one side of one active session: STUN, and TURN credentials minted for this session,
        for minutes; only for the session's own customer and agent (checked here, where they are minted),
        never for a plain chat, nor for a request the customer has not accepted."""
        if not party.is_in(session):
            raise Forbidden(
                "relay credentials are only for the video session's own customer and agent", code="not_your_video"
            )
        if not session.is_active:
            raise Conflict("ICE servers are only for video the customer has accepted", code="video_state")
        servers: list[dict[str, Any]] = []
        if self._settings.stun_port:
            servers.append({"urls": [f"stun:{_bracket(host)}:{self._settings.stun_port}"]})
        if self._settings.stun_urls:
            servers.append({"urls": list(self._settings.stun_urls)})
        configured = TurnServer(
            id="serve",
            organization_id=session.organization_id,
            name="serve --turn-url",
            urls=list(self._settings.turn_urls),
            authentication="shared-secret" if self._settings.turn_secret else "static",
            secret=self._settings.turn_secret,
            username=self._settings.turn_username,
            credential=self._settings.turn_credential,
        )
        stored = await self._store.list_turn_servers(session.organization_id)
        for turn in [configured, *stored]:
            entry = self._turn_entry(turn, session.id)
            if entry is not None:
                servers.append(entry)
        return servers

    def _turn_entry(self, turn: TurnServer, session_id: str) -> dict[str, Any] | None:
        if not turn.active or not turn.urls:
            return None
        if turn.authentication == "shared-secret":
            if not turn.secret or self._mint is None:
                return None
            username, credential, expires = self._mint(
                turn.secret, session_id, self._clock.now(), self._settings.turn_ttl
            )
            return {
                "urls": list(turn.urls),
                "username": username,
                "credential": credential,
                "expiresAt": expires.isoformat(timespec="seconds").replace("+00:00", "Z"),
            }
        if not turn.username or not turn.credential:  # e.g. a stored credential this key cannot open
            return None
        return {"urls": list(turn.urls), "username": turn.username, "credential": turn.credential}

    async def for_party_by_id(self, session_id: str, party: Party, host: str) -> list[dict[str, Any]]:
        """`for_party` for a session named by id: none once it is over (a retry may cross the session's end)."""
        session = await self._store.get_video_session(session_id)
        return await self.for_party(session, party, host) if session is not None and session.is_active else []

    async def relay_available(self, organization_id: str) -> bool:
        """Whether any TURN server is set up for this organization (by `serve` flags or the console)."""
        if self._settings.turn_urls and (self._settings.turn_secret or self._settings.turn_username):
            return True
        return any(t.active and t.urls for t in await self._store.list_turn_servers(organization_id))


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host

"""Signed tokens: agents' access tokens and guests' conversation-bound tokens (JWT, HS256)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from showdesk.domain.errors import Unauthenticated
from showdesk.domain.ids import new_id


@dataclass(frozen=True)
class AgentClaims:
    """A staff member's access token, or an API client's (`client`: the subject is a client id)."""

    user_id: str
    organization_id: str
    jti: str
    expires_at: datetime
    client: bool = False
    secret_generation: str = ""  # API clients: which secret the token was issued under
    token_version: int = 0  # people: the user's token version when it was issued (User.token_version)


@dataclass(frozen=True)
class PhotoRequestClaims:
    """The agent's request for a photo: which chat and video session, by whom; `request_id` names it."""

    request_id: str
    conversation_id: str
    session_id: str
    agent_id: str


@dataclass(frozen=True)
class GuestClaims:
    conversation_id: str
    organization_id: str
    deployment_id: str
    display_name: str
    jti: str
    device_id: str = ""  # a device the chat was handed off to (a redeemed hand-off's token); "" for the first
    device: str = ""  # that device's kind: phone | tablet | computer

    @property
    def handed_off(self) -> bool:
        """A token a hand-off gave another device of the customer's (its pages may be ShowDesk's own)."""
        return bool(self.device_id)


class TokenCodec:
    def __init__(self, secret: str) -> None:
        if len(secret.encode()) < 32:
            raise ValueError("the signing secret must be at least 32 bytes (SHOWDESK_SECRET_KEY)")
        self._secret = secret

    def _encode(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def _decode(self, token: str | None, kind: str) -> dict[str, Any]:
        if not token:
            raise Unauthenticated("a token is required", code="token_missing")
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self._secret, algorithms=["HS256"], leeway=60
            )  # clock skew between nodes
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("the token has expired; log in again", code="token_expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated("the token is not valid", code="token_invalid") from exc
        if claims.get("kind") != kind:
            raise Unauthenticated(f"this is not a{'n' if kind == 'agent' else ''} {kind} token", code="token_invalid")
        return claims

    def agent_token(
        self,
        user_id: str,
        org_id: str,
        now: datetime,
        ttl: int,
        client_secret_generation: str | None = None,
        token_version: int = 0,
    ) -> tuple[str, AgentClaims]:
        expires = now + timedelta(seconds=ttl)
        client = client_secret_generation is not None
        claims = AgentClaims(
            user_id, org_id, new_id("t"), expires, client, client_secret_generation or "", token_version
        )
        body: dict[str, Any] = {"kind": "agent", "sub": user_id, "org": org_id, "jti": claims.jti, "iat": now}
        body["exp"] = expires
        if client:
            body["cli"] = client_secret_generation
        else:
            body["ver"] = token_version
        return self._encode(body), claims

    def read_agent(self, token: str | None) -> AgentClaims:
        c = self._decode(token, "agent")
        generation = c.get("cli")
        expires = datetime.fromtimestamp(c["exp"]).astimezone()
        version = c.get("ver", 0)  # tokens from before versions were kept carry none: version 0
        if isinstance(version, bool) or not isinstance(version, int):
            raise Unauthenticated("the token is not valid", code="token_invalid")
        return AgentClaims(
            c["sub"], c["org"], c["jti"], expires, generation is not None, str(generation or ""), version
        )

    def guest_token(
        self,
        conversation_id: str,
        org_id: str,
        deployment_id: str,
        display_name: str,
        now: datetime,
        ttl: int,
        device: tuple[str, str] | None = None,
    ) -> str:
        """A customer's token for their chat; with `device` (a hand-off's id and kind), one of that device's."""
        body: dict[str, Any] = {
            "kind": "guest",
            "sub": conversation_id,
            "org": org_id,
            "dep": deployment_id,
            "name": display_name,
            "jti": new_id("g"),
            "iat": now,
            "exp": now + timedelta(seconds=ttl),
        }
        if device is not None:
            body["dev"], body["dvk"] = device
        return self._encode(body)

    def read_guest(self, token: str | None) -> GuestClaims:
        c = self._decode(token, "guest")
        device_id, device = str(c.get("dev", "")), str(c.get("dvk", ""))  # a hand-off's device
        return GuestClaims(c["sub"], c["org"], c["dep"], c["name"], c["jti"], device_id, device)

    def photo_request_token(
        self, conversation_id: str, session_id: str, agent_id: str, now: datetime, ttl: int
    ) -> tuple[str, PhotoRequestClaims]:
        claims = PhotoRequestClaims(new_id("pr"), conversation_id, session_id, agent_id)
        body = {
            "kind": "photo",
            "jti": claims.request_id,
            "sub": conversation_id,
            "vid": session_id,
            "agt": agent_id,
            "iat": now,
            "exp": now + timedelta(seconds=ttl),
        }
        return self._encode(body), claims

    def read_photo_request(self, token: str | None) -> PhotoRequestClaims:
        c = self._decode(token, "photo")
        return PhotoRequestClaims(c["jti"], c["sub"], c["vid"], c["agt"])

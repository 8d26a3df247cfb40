"""Sign-in for people (email and password) and for programs (OAuth client credentials)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from showdesk.domain.errors import InvalidInput
from showdesk.services.access import Principal
from showdesk.transport.client_ip import client_ip
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import Body, SignedInUserView, View

router = APIRouter(tags=["auth"])
oauth = APIRouter(tags=["auth"])

MAX_TOKEN_REQUEST = 4096


class LoginBody(Body):
    email: str = Field(max_length=320)
    password: str = Field(max_length=200)


class TokenView(View):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the scheme's name, not a secret
    expires_in: int = Field(description="seconds")


class SignInView(TokenView):
    user: SignedInUserView

    @classmethod
    def of(cls, token: str, who: Principal, ttl: int) -> SignInView:
        user = SignedInUserView.signed_in(who.user, who.permissions)
        return cls(access_token=token, expires_in=ttl, user=user)


@router.post(
    "/auth/login",
    summary="Exchange email and password for an access token",
    description="Failed attempts are counted per account and client address, and per address across accounts "
    "(`serve --login-failures-per-account`, `--login-failures-per-address`, `--login-failure-window`); past "
    "either, the answer is 429 `rate_limited` with `Retry-After`, whatever the password.",
)
async def login(body: LoginBody, request: Request, sd: ServicesDep) -> SignInView:
    token, who = await sd.access.login(body.email, body.password, client_ip(request))
    return SignInView.of(token, who, sd.settings.agent_token_ttl)


@router.post("/auth/logout", status_code=204, summary="Revoke the access token in use")
async def logout(who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.access.logout(who)


@router.post(
    "/auth/logout-all",
    status_code=204,
    summary="Sign out everywhere: end every access token of the signed-in user, this one too",
    description="Every token issued to you until now answers 401 `token_revoked`, on every node, and your live "
    "agent sockets close with 4401. An API client ends its tokens by rotating its secret instead (409).",
)
async def logout_all(who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.directory.sign_out_everywhere(who)


class PasswordChange(Body):
    currentPassword: str = Field(max_length=200, description="the password you signed in with")
    newPassword: str = Field(max_length=200, description="at least 12 characters (the server says so if not)")


@router.post(
    "/auth/password",
    summary="Change your own password; the answer carries a new access token",
    description="The current password is required (a wrong one is 400 `wrong_password` and counts as a failed "
    "sign-in, like `/auth/login`); the new one must have at least 12 characters (400 `invalid_password`). Every "
    "access token issued to you until now ends, on every node, and your live agent sockets close with 4401; the "
    "answer, shaped as `/auth/login`'s, holds a fresh token to go on with. API clients: 409 `client_token`.",
)
async def change_password(body: PasswordChange, request: Request, who: PrincipalDep, sd: ServicesDep) -> SignInView:
    token, changed = await sd.directory.change_own_password(
        who, body.currentPassword, body.newPassword, client_ip(request)
    )
    return SignInView.of(token, changed, sd.settings.agent_token_ttl)


_TOKEN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "client_id": {"type": "string"},
                        "client_secret": {"type": "string"},
                    },
                    "required": ["grant_type"],
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "grant_type": {"type": "string"},
                        "client_id": {"type": "string"},
                        "client_secret": {"type": "string"},
                    },
                }
            },
        },
    }
}


@oauth.post(
    "/oauth/token",
    response_model=TokenView,
    openapi_extra=_TOKEN_BODY,
    summary="OAuth 2 client credentials: an API client's id and secret for an access token",
)
async def token(request: Request, sd: ServicesDep) -> JSONResponse:
    fields = await _token_fields(request)
    access_token, ttl = await sd.api_clients.exchange(
        _text(fields, "grant_type"), _text(fields, "client_id"), _text(fields, "client_secret"), client_ip(request)
    )
    answer = TokenView(access_token=access_token, expires_in=ttl)
    return JSONResponse(answer.model_dump(), headers={"cache-control": "no-store"})


async def _token_fields(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_TOKEN_REQUEST:
        raise InvalidInput("the token request is too large", code="invalid_request")
    try:
        text = raw.decode("utf-8")
        if "json" in request.headers.get("content-type", ""):
            found = json.loads(text or "{}")
            fields: dict[str, Any] = found if isinstance(found, dict) else {}
        else:
            fields = dict(parse_qsl(text))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            "send grant_type, client_id and client_secret as a form or JSON", code="invalid_request"
        ) from exc
    basic = request.headers.get("authorization", "")
    if basic.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(basic[6:], validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise InvalidInput("the Basic credentials are not valid base64", code="invalid_request") from exc
        fields.setdefault("client_id", client_id)
        fields.setdefault("client_secret", secret)
    return fields


def _text(fields: dict[str, Any], name: str) -> str:
    """A field as text; missing or of another kind: empty (refused like a wrong one)."""
    value = fields.get(name)
    return value if isinstance(value, str) else ""

"""Laptop to phone: the customer's chat makes a one-time link (with its QR code), and the phone redeems it.

`POST /api/v2/webchat/handoffs` takes the customer's guest token (the chat it names is the one handed
off) from the deployment's site or ShowDesk's own pages (another origin is refused).
`POST /api/v2/webchat/handoffs/<code>/redeem` needs no token: the code is the secret, good once.
Cross-origin headers: transport/handoff_cors.py.
"""

from __future__ import annotations

import io
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import Field

from showdesk.domain.errors import Forbidden, Unauthenticated
from showdesk.services.tokens import GuestClaims
from showdesk.transport.client_ip import client_ip
from showdesk.transport.deps import ServicesDep, bearer, services
from showdesk.transport.own_origin import is_own_origin, public_origin
from showdesk.transport.request_log import log_context
from showdesk.transport.views import Body, Timestamp, View

router = APIRouter(prefix="/webchat/handoffs", tags=["web chat"])


async def customer(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> GuestClaims:
    """The chat's customer, by their guest token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send Authorization: Bearer <the chat's guest token>", code="token_missing")
    claims = services(request).chat.read_guest_token(credentials.credentials)
    log_context(request).bind(conversation_id=claims.conversation_id)
    return claims


CustomerDep = Annotated[GuestClaims, Depends(customer)]


class HandoffView(View):
    code: str = Field(description="the one-time code (also the last part of url)")
    url: str = Field(description="the page a phone opens: <public origin>/h/<code>")
    expiresAt: Timestamp
    qrSvg: str = Field(description="url as an SVG QR code")


class RedeemBody(Body):
    device: str | None = Field(default=None, max_length=20, description="phone, tablet or computer")


class RedeemedView(View):
    token: str = Field(description="a guest token of this device's own, for the chat's socket")
    conversationId: str
    organizationId: str
    deploymentId: str
    displayName: str
    state: str
    device: str
    deviceId: str


def qr_svg(url: str) -> str:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=4, border=4, xmldecl=False)
    return out.getvalue().decode()


@router.post("", status_code=201, response_model=HandoffView)
async def create_handoff(request: Request, claims: CustomerDep, sd: ServicesDep) -> HandoffView:
    origin = request.headers.get("origin")
    if origin is not None:
        own = is_own_origin(request, origin, sd.settings.public_origin)
        if not own and not await sd.chat.origin_allowed(claims.conversation_id, origin):
            raise Forbidden(
                f"this site ({origin}) is not an allowed origin of this chat's deployment", code="origin_not_allowed"
            )
    made = await sd.handoffs.create(claims)
    url = f"{public_origin(request, sd.settings.public_origin)}/h/{made.code}"
    return HandoffView(code=made.code, url=url, expiresAt=made.handoff.expires_at, qrSvg=qr_svg(url))


@router.post("/{code}/redeem", response_model=RedeemedView)
async def redeem_handoff(code: str, request: Request, sd: ServicesDep, body: RedeemBody | None = None) -> RedeemedView:
    redeemed = await sd.handoffs.redeem(code, body.device if body is not None else None, client_ip(request))
    conv = redeemed.conversation
    return RedeemedView(
        token=redeemed.token,
        conversationId=conv.id,
        organizationId=conv.organization_id,
        deploymentId=conv.deployment_id,
        displayName=conv.customer_name,
        state=conv.state,
        device=redeemed.device,
        deviceId=redeemed.device_id,
    )

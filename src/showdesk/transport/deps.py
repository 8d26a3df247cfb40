"""Request dependencies: the node's services and the signed-in principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from showdesk.domain.errors import Unauthenticated
from showdesk.services.access import Principal
from showdesk.services.container import Services
from showdesk.transport.request_log import log_context

bearer = HTTPBearer(auto_error=False, description="An access token from POST /api/v2/auth/login")


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


async def principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send Authorization: Bearer <access_token>", code="token_missing")
    found = await services(request).access.authenticate(credentials.credentials)
    log_context(request).bind(user_id=found.user.id)  # on the request's log line
    return found


ServicesDep = Annotated[Services, Depends(services)]
PrincipalDep = Annotated[Principal, Depends(principal)]

"""The REST API: /api/v2 assembled from one router per area (transport/routes/), and /oauth/token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from showdesk.transport.routes import (
    analytics,
    audit,
    auth,
    canned_responses,
    clients,
    conversation_exports,
    conversations,
    customer_panel,
    deployments,
    flows,
    handoffs,
    license,
    photos,
    roles,
    routing,
    turn_servers,
    users,
)
from showdesk.transport.views import ErrorView

# Every refusal is a 4xx with {code, message} (transport/errors.py), never FastAPI's 422 shape.
REFUSALS: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorView, "description": "Refused: `code` says why, `message` says it in words"}
}

api = APIRouter(prefix="/api/v2", responses=REFUSALS)
AREAS = (
    auth,
    users,
    routing,
    roles,
    deployments,
    clients,
    turn_servers,
    license,
    flows,
    audit,
    conversation_exports,  # before conversations: /conversations/export is no conversation's id
    conversations,
    customer_panel,
    photos,
    handoffs,
    analytics,
    canned_responses,
)
for area in AREAS:
    api.include_router(area.router)

oauth = APIRouter(responses=REFUSALS)
oauth.include_router(auth.oauth)

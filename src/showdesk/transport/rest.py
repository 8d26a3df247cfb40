"""The REST API: /api/v2 assembled from one router per area (transport/routes/), and /oauth/token."""

from __future__ import annotations

from fastapi import APIRouter

from showdesk.transport.routes import (
    analytics,
    audit,
    auth,
    clients,
    conversations,
    deployments,
    flows,
    license,
    photos,
    roles,
    routing,
    turn_servers,
    users,
)

api = APIRouter(prefix="/api/v2")
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
    conversations,
    photos,
    analytics,
)
for area in AREAS:
    api.include_router(area.router)

oauth = auth.oauth

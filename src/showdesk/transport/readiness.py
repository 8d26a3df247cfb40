"""/readyz: 200 when this node can serve (the database answers with this version's schema, Redis answers
when configured, and the node is not stopping), else 503 `{code, message}` saying what is wrong. For
reverse proxies' and orchestrators' health checks; `/healthz` (here too) only says the process is up."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from showdesk import __version__
from showdesk.adapters.readiness import NotReady, Readiness
from showdesk.transport.errors import error_body


class Healthy(BaseModel):
    status: str = "ok"
    version: str


class Ready(BaseModel):
    status: str = "ready"
    version: str


class NotReadyBody(BaseModel):
    code: str
    message: str


NOT_READY_CODES = (
    "`starting`, `stopping`, `database_unavailable`, `migrations_pending`, `schema_newer`, `redis_unavailable`"
)


def mount_readiness(app: FastAPI) -> None:
    @app.get("/healthz", tags=["ops"], summary="200 once the node is ready")
    async def healthz() -> Healthy:
        return Healthy(version=__version__)

    @app.get(
        "/readyz",
        tags=["ops"],
        summary="200 when this node can serve: database, schema and Redis answer; else 503 saying which",
        description=f"A 503 is `{{code, message}}` with code one of {NOT_READY_CODES}. Unauthenticated, "
        "like `/healthz`: it says only what a health check needs.",
        response_model=Ready,
        responses={503: {"model": NotReadyBody, "description": "not ready, and why"}},
    )
    async def readyz(request: Request) -> Any:
        state = request.app.state
        readiness: Readiness | None = getattr(state, "readiness", None)
        if state.shutdown.stopping:
            problem: NotReady | None = NotReady("stopping", "this node is stopping; another node serves")
        elif not state.ready or readiness is None:
            problem = NotReady("starting", "this node is starting")
        else:
            problem = await readiness.check()
        if problem is not None:
            return JSONResponse(error_body(problem.code, problem.message), 503, headers={"Cache-Control": "no-store"})
        return Ready(version=__version__)

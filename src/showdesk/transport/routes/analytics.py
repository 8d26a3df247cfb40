"""Analytics: the supervisor dashboard's figures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from showdesk.transport.deps import PrincipalDep, ServicesDep

router = APIRouter(prefix="/analytics", tags=["analytics"])


@router.get(
    "/supervisor",
    summary="Queues now, video sessions not over yet with their latest quality, and the last hour of video",
    description=(
        "Needs `analytics:dashboard:view`. `queues`: waiting interactions (offered ones included), the longest "
        "wait in seconds, agents on queue and available. `videoSessions`: requested, connecting, live and held "
        "sessions, each with the latest quality sample the agent's desktop reported (null before the first). "
        "`lastHour`: five-minute buckets (and totals) of the sessions requested in them: click to first frame "
        "(consent to first frame, median and 90th percentile in ms), failures by cause, relay share."
    ),
)
async def supervisor_dashboard(who: PrincipalDep, sd: ServicesDep) -> dict[str, Any]:
    return (await sd.supervisor.view(who)).to_wire()

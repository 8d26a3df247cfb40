"""WebRTC signaling frames as the server relays them: an offer, an answer or an ICE candidate, checked
for shape and size and stripped of anything else, with the attempt they belong to."""

from __future__ import annotations

from typing import Any

from showdesk.domain.errors import InvalidInput

MAX_SIGNAL_CHARS = 20_000  # an SDP or a candidate; a real offer is a few kB


def checked_signal(frame: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """The WebRTC signal of a frame, checked and reduced to what the other side needs."""
    kind = frame.get("signal")
    if kind not in allowed:
        raise InvalidInput(f"signal must be one of {', '.join(allowed)}", code="invalid_signal")
    attempt = frame.get("attempt", 0)
    if not isinstance(attempt, int) or isinstance(attempt, bool) or not 0 <= attempt <= 10:
        raise InvalidInput("attempt must be a small whole number", code="invalid_signal")
    return {**_signal_body(frame, kind), "attempt": attempt}


def _signal_body(frame: dict[str, Any], kind: str) -> dict[str, Any]:
    if kind == "candidate":
        candidate = frame.get("candidate")
        if candidate is not None and not isinstance(candidate, dict):
            raise InvalidInput("candidate must be an RTCIceCandidateInit object or null", code="invalid_signal")
        if candidate is not None:
            text = candidate.get("candidate", "")
            if not isinstance(text, str) or len(text) > 2000:
                raise InvalidInput("candidate.candidate must be a short string", code="invalid_signal")
            candidate = {
                "candidate": text,
                "sdpMid": candidate.get("sdpMid") if isinstance(candidate.get("sdpMid"), str) else None,
                "sdpMLineIndex": candidate.get("sdpMLineIndex")
                if isinstance(candidate.get("sdpMLineIndex"), int)
                else None,
            }
        return {"signal": kind, "candidate": candidate}
    sdp = frame.get("sdp")
    if not isinstance(sdp, str) or not sdp.startswith("v=0") or len(sdp) > MAX_SIGNAL_CHARS:
        raise InvalidInput("sdp must be an SDP string (starting with v=0)", code="invalid_sdp")
    return {"signal": kind, "sdp": sdp}

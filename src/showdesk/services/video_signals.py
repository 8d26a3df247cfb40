"""WebRTC signaling as the server relays it: an offer, an answer or an ICE candidate, reduced to what the
other side needs, with the attempt it belongs to. Read from a frame (shape and size checked) by
`transport/frames.py`; which kinds each side may send is said here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_SIGNAL_CHARS = 20_000  # an SDP or a candidate; a real offer is a few kB
MAX_CANDIDATE_CHARS = 2000
MAX_ATTEMPT = 10  # a video's connection attempts (ICE restarts and the relay retry) a signal may name
CUSTOMER_SIGNALS = ("offer", "candidate")  # the customer's side sends the picture: it offers
AGENT_SIGNALS = ("answer", "candidate")
# A supervisor's relay of the picture (services/video_monitor.py): the agent's desktop sends, so it offers.
RELAY_SIGNALS = ("offer", "candidate")
WATCHER_SIGNALS = ("answer", "candidate")


@dataclass(frozen=True)
class IceCandidate:
    candidate: str
    sdp_mid: str | None
    sdp_mline_index: int | None

    def to_wire(self) -> dict[str, Any]:
        return {"candidate": self.candidate, "sdpMid": self.sdp_mid, "sdpMLineIndex": self.sdp_mline_index}


@dataclass(frozen=True)
class Signal:
    kind: str  # offer, answer or candidate
    attempt: int
    sdp: str | None = None  # an offer's or an answer's
    candidate: IceCandidate | None = None  # a candidate's; None: the end of candidates

    def to_wire(self) -> dict[str, Any]:
        if self.kind == "candidate":
            body: dict[str, Any] = {"signal": self.kind, "candidate": self.candidate and self.candidate.to_wire()}
        else:
            body = {"signal": self.kind, "sdp": self.sdp}
        return {**body, "attempt": self.attempt}

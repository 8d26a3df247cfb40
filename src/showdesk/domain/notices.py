"""What a system line of the transcript says, as a code and its parameters beside the English sentence.

The server stores and sends the sentence: the agent's desktop, the supervisor, exports and searches read
it. The customer's widget words the line in the customer's language from `code` and `params` when it
knows the code, and shows the sentence when it does not (a newer server, an older widget). Parameters
are codes and names, never sentences: `name` is an agent's name, the rest come from fixed lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Every code a system line may carry; docs/protocol.md lists them with their parameters.
NOTICE_CODES = frozenset(
    {
        "agent_joined",  # name
        "agent_disconnected",  # name
        "no_agent",
        "no_queue",
        "abandoned",
        "chat_ended",  # by: customer | agent | system
        "device_joined",  # device: phone | tablet | computer
        "phone_suggested",
        "video_requested",  # name
        "video_unavailable",  # reason: video_not_allowed | video_capacity
        "video_consented",
        "video_retry",  # how: relay | restart
        "video_problem",  # cause: no_frames | not_decoding | black_frames | frozen
        "video_ended",  # outcome, endedBy, reason
        "photo_mode",  # state: offered | on | off; by
        "camera_request",  # name, action, value
        "camera_result",  # action, value, ok, reason
        "photo_requested",  # name
        "photo_failed",  # reason
        "transferred",  # to: queue | agent; name
        "video_monitored",  # a supervisor now sees the picture too
        "video_monitor_ended",  # the supervisor no longer does
    }
)


@dataclass(frozen=True, slots=True)
class Notice:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in NOTICE_CODES:
            raise ValueError(f"unknown notice code {self.code!r}")

    def to_wire(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}

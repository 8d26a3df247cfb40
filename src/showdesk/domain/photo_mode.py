"""Photo mode: when the customer's uplink cannot carry a readable live picture, sharp stills instead.

The detail goal is what an agent needs to read a model number: at least 640 x 360 pixels (either way
up) at 5 frames a second. When the picture the agent receives stays under it for a while (PHOTO_MODE_AFTER
by default), ShowDesk offers photo mode to both sides, or switches to it at once when the chat's video
settings say `photoMode: switch`. In photo mode the customer's device stops sending live frames (the
connection stays, for the way back) and uploads full-resolution stills of the same camera, one after
another, as fast as its link allows; the agent sees the latest. Either side can go back to live video.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from showdesk.domain.quality import DEFAULT_PHOTO_MODE, PHOTO_MODES, QualitySample

GOAL_LONG_SIDE = 640
GOAL_SHORT_SIDE = 360
GOAL_FPS = 5.0
PHOTO_MODE_AFTER = timedelta(seconds=10)  # the default of `serve --photo-mode-after`


# What both sides read (the customer's widget shows its own words, localized, for each state).
OFFER_TEXT = (
    "The customer's connection is too slow for a clear live picture. Sharp photos every few seconds would "
    "work better: either side can switch to photos."
)
ON_TEXTS = {
    "customer": "The customer switched to photos: a sharp still every few seconds instead of live video.",
    "agent": "The agent switched to photos: a sharp still every few seconds instead of live video.",
    "system": (
        "The connection is too slow for a clear live picture, so the video switched to photos: a sharp "
        "still every few seconds."
    ),
}
DECLINED_TEXT = "The customer keeps the live video for now; you can still switch to photos."
OFF_TEXTS = {
    "customer": "The customer went back to live video.",
    "agent": "The agent went back to live video.",
}


def meets_detail_goal(sample: QualitySample) -> bool:
    """True when the received picture is large and fluid enough to read small print."""
    long_side, short_side = max(sample.width, sample.height), min(sample.width, sample.height)
    return long_side >= GOAL_LONG_SIDE and short_side >= GOAL_SHORT_SIDE and sample.fps >= GOAL_FPS


@dataclass
class UplinkWatch:
    """One live session's received quality against the detail goal, sample by sample.

    `observe` answers True once: when the samples have stayed under the goal for `after`. A sample
    that meets the goal starts the count again; after the answer, the watch stays quiet."""

    after: timedelta = PHOTO_MODE_AFTER
    short_since: datetime | None = None
    told: bool = False

    def observe(self, sample: QualitySample, at: datetime) -> bool:
        if self.told:
            return False
        if meets_detail_goal(sample):
            self.short_since = None
            return False
        if self.short_since is None:
            self.short_since = at
        if at - self.short_since >= self.after:
            self.told = True
            return True
        return False


def photo_mode_policy(quality: object) -> str:
    """The chat's photo mode setting (offer, switch or off) from its video quality settings, `offer` by default."""
    raw = quality.get("photoMode") if isinstance(quality, dict) else None
    return raw if isinstance(raw, str) and raw in PHOTO_MODES else DEFAULT_PHOTO_MODE


def still_request_id(session_id: str, number: int) -> str:
    """A still's key among the chat's photos: one per session and number, so a retried upload stores nothing."""
    return f"still:{session_id}:{number}"

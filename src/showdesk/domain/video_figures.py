"""Figures over video session records for a stretch of time: click to first frame, failures by cause and
relay share, in equal buckets.

A session counts in the bucket of its request. Click to first frame is what the server sees: from the
customer's consent to the first frame the agent desktop reported (`started_at - consent_at`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from showdesk.domain.video import VideoSession

UNKNOWN_CAUSE = "unknown"


def click_to_first_frame_ms(session: VideoSession) -> float | None:
    """Consent to first frame in milliseconds, for a session that went live; None otherwise."""
    if session.consent_at is None or session.started_at is None:
        return None
    return max(0.0, (session.started_at - session.consent_at).total_seconds() * 1000)


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (`share` in 0..1): a value that occurred, never an interpolation."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class VideoFigures:
    """What the sessions requested in one stretch of time came to."""

    start: datetime
    end: datetime
    sessions: int = 0
    ttff_ms: list[float] = field(default_factory=list)  # click to first frame of those that went live
    failures: Counter[str] = field(default_factory=Counter)  # failure reason -> sessions
    with_path: int = 0
    relay: int = 0

    def add(self, session: VideoSession) -> None:
        self.sessions += 1
        ttff = click_to_first_frame_ms(session)
        if ttff is not None:
            self.ttff_ms.append(ttff)
        if session.outcome == "failed":
            self.failures[session.failure_reason or UNKNOWN_CAUSE] += 1
        if session.path in ("direct", "relay"):
            self.with_path += 1
            self.relay += int(session.path == "relay")

    @property
    def went_live(self) -> int:
        return len(self.ttff_ms)

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    @property
    def ttff_median_ms(self) -> float | None:
        return percentile(self.ttff_ms, 0.5)

    @property
    def ttff_p90_ms(self) -> float | None:
        return percentile(self.ttff_ms, 0.9)

    @property
    def relay_share(self) -> float | None:
        """Sessions through the relay among those whose path is known; None when none is."""
        return self.relay / self.with_path if self.with_path else None


def bucket_starts(now: datetime, span: timedelta, bucket: timedelta) -> list[datetime]:
    """Starts of the buckets covering `span` up to `now`, on whole multiples of `bucket` since the epoch,
    so a bucket keeps its place from one refresh to the next; the last one is the current, still open."""
    size = bucket.total_seconds()
    current = datetime.fromtimestamp(math.floor(now.timestamp() / size) * size, tz=now.tzinfo)
    count = max(1, math.ceil(span / bucket))
    return [current - bucket * (count - 1 - i) for i in range(count)]


def video_figures(
    sessions: Iterable[VideoSession], starts: Sequence[datetime], bucket: timedelta
) -> tuple[list[VideoFigures], VideoFigures]:
    """Each bucket's figures and the totals over all of them; sessions outside the buckets are left out."""
    buckets = [VideoFigures(start, start + bucket) for start in starts]
    total = VideoFigures(starts[0], starts[-1] + bucket)
    for session in sessions:
        if not total.start <= session.requested_at < total.end:
            continue
        index = int((session.requested_at - total.start) / bucket)
        buckets[index].add(session)
        total.add(session)
    return buckets, total

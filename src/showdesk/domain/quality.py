"""Live video quality as the agent's browser receives it, and the summary a video session keeps.

The agent desktop reads `getStats` every second and reports a sample every few seconds: resolution,
frame rate, bitrate, loss, round trip and whether the media goes direct or through the relay. The
server keeps the latest sample of each live session (for the supervisor) and folds every sample into a
summary that is stored with the session when it ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from showdesk.domain.errors import InvalidInput

_LIMITS = {  # generous bounds: anything outside is not a measurement
    "width": 16_384,
    "height": 16_384,
    "fps": 240.0,
    "kbps": 1_000_000.0,
    "lossPercent": 100.0,
    "rttMs": 60_000.0,
}


@dataclass(frozen=True)
class QualitySample:
    width: int
    height: int
    fps: float
    kbps: float
    loss_percent: float
    rtt_ms: float | None
    path: str | None  # direct | relay

    def to_wire(self) -> dict[str, Any]:
        return {
            "width": self.width,
            "height": self.height,
            "fps": self.fps,
            "kbps": self.kbps,
            "lossPercent": self.loss_percent,
            "rttMs": self.rtt_ms,
            "path": self.path,
        }


def _number(raw: dict[str, Any], name: str, optional: bool = False) -> float | None:
    value = raw.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= _LIMITS[name]:
        raise InvalidInput(f"quality.{name} must be a number from 0 to {_LIMITS[name]}", code="invalid_quality")
    return float(value)


def parse_quality(raw: object) -> QualitySample:
    """A sample from the agent desktop's frame, or InvalidInput naming the field."""
    if not isinstance(raw, dict):
        raise InvalidInput("quality must be an object", code="invalid_quality")
    path = raw.get("path")
    if path not in (None, "direct", "relay"):
        raise InvalidInput("quality.path must be direct, relay or null", code="invalid_quality")
    return QualitySample(
        width=int(_number(raw, "width") or 0),
        height=int(_number(raw, "height") or 0),
        fps=_number(raw, "fps") or 0.0,
        kbps=_number(raw, "kbps") or 0.0,
        loss_percent=_number(raw, "lossPercent") or 0.0,
        rtt_ms=_number(raw, "rttMs", optional=True),
        path=path,
    )


@dataclass
class QualitySummary:
    """Every sample of a session folded into what an auditor or a supervisor asks afterwards."""

    samples: int = 0
    fps_sum: float = 0.0
    fps_min: float | None = None
    kbps_sum: float = 0.0
    kbps_min: float | None = None
    loss_max: float = 0.0
    rtt_sum: float = 0.0
    rtt_samples: int = 0
    relay_samples: int = 0
    resolutions: dict[str, int] = field(default_factory=dict)  # "WxH" -> samples
    latest: QualitySample | None = None

    def add(self, sample: QualitySample) -> None:
        self.samples += 1
        self.latest = sample
        self.fps_sum += sample.fps
        self.fps_min = sample.fps if self.fps_min is None else min(self.fps_min, sample.fps)
        self.kbps_sum += sample.kbps
        self.kbps_min = sample.kbps if self.kbps_min is None else min(self.kbps_min, sample.kbps)
        self.loss_max = max(self.loss_max, sample.loss_percent)
        if sample.rtt_ms is not None:
            self.rtt_sum += sample.rtt_ms
            self.rtt_samples += 1
        if sample.path == "relay":
            self.relay_samples += 1
        key = f"{sample.width}x{sample.height}"
        self.resolutions[key] = self.resolutions.get(key, 0) + 1

    def to_wire(self) -> dict[str, Any] | None:
        if not self.samples:
            return None
        n = self.samples
        return {
            "samples": n,
            "fpsAverage": round(self.fps_sum / n, 1),
            "fpsMin": self.fps_min,
            "kbpsAverage": round(self.kbps_sum / n),
            "kbpsMin": self.kbps_min,
            "lossMaxPercent": self.loss_max,
            "rttAverageMs": round(self.rtt_sum / self.rtt_samples) if self.rtt_samples else None,
            "relayShare": round(self.relay_samples / n, 3),
            "resolution": max(self.resolutions, key=lambda k: self.resolutions[k]),  # the most seen
            "resolutions": dict(self.resolutions),
        }


# What a Start Video block may ask of the customer's camera and sender ------------------------------
Resolution = Literal["1920x1080", "1280x720", "960x540", "640x480", "640x360"]
RESOLUTIONS: tuple[Resolution, ...] = get_args(Resolution)
Preference = Literal["detail", "smooth"]  # keep resolution (read a model number) | keep frame rate (follow motion)
PREFERENCES: tuple[Preference, ...] = get_args(Preference)
DEFAULT_PREFERENCE = "detail"
# When the uplink cannot hold a readable picture (domain.photo_mode): offer photos, switch to them, or neither.
PhotoMode = Literal["offer", "switch", "off"]
PHOTO_MODES: tuple[PhotoMode, ...] = get_args(PhotoMode)
DEFAULT_PHOTO_MODE: PhotoMode = "offer"
FRAME_RATES = (5, 60)  # frames per second, the lowest and highest a block may ask for
BITRATES_KBPS = (100, 8000)  # the sender's cap, the lowest and highest


def quality_problems(raw: object) -> list[str]:
    """What is wrong with a block's `quality` settings, in words; empty when they can be used."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        return ["quality must be a mapping of resolution, frameRate, maxBitrateKbps, preference and photoMode"]
    found = []
    unknown = set(raw) - {"resolution", "frameRate", "maxBitrateKbps", "preference", "photoMode"}
    if unknown:
        found.append(f"quality has unknown settings: {', '.join(sorted(map(str, unknown)))}")
    if "resolution" in raw and raw["resolution"] not in RESOLUTIONS:
        found.append(f"quality.resolution must be one of {', '.join(RESOLUTIONS)}")
    rate, (slowest, fastest) = raw.get("frameRate", 30), FRAME_RATES
    if isinstance(rate, bool) or not isinstance(rate, int) or not slowest <= rate <= fastest:
        found.append(f"quality.frameRate must be a whole number of frames per second from {slowest} to {fastest}")
    bitrate, (lowest, highest) = raw.get("maxBitrateKbps", 2500), BITRATES_KBPS
    if isinstance(bitrate, bool) or not isinstance(bitrate, int) or not lowest <= bitrate <= highest:
        found.append(f"quality.maxBitrateKbps must be a whole number from {lowest} to {highest}")
    if raw.get("preference", DEFAULT_PREFERENCE) not in PREFERENCES:
        found.append(f"quality.preference must be one of {', '.join(PREFERENCES)}")
    if raw.get("photoMode", DEFAULT_PHOTO_MODE) not in PHOTO_MODES:
        found.append(f"quality.photoMode must be one of {', '.join(PHOTO_MODES)}")
    return found


def quality_settings(raw: dict[str, Any]) -> dict[str, Any]:
    """Checked settings as the browsers use them: getUserMedia's size and rate, the sender's limits."""
    width, height = (int(n) for n in str(raw.get("resolution", "1280x720")).split("x"))
    return {
        "width": width,
        "height": height,
        "frameRate": int(raw.get("frameRate", 30)),
        "maxBitrateKbps": int(raw.get("maxBitrateKbps", 2500)),
        "preference": str(raw.get("preference", DEFAULT_PREFERENCE)),
        "photoMode": str(raw.get("photoMode", DEFAULT_PHOTO_MODE)),
    }

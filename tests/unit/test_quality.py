"""Quality samples from the agent desktop and the summary a video session keeps."""

from __future__ import annotations

import pytest

from showdesk.domain.errors import InvalidInput
from showdesk.domain.quality import QualitySummary, parse_quality

GOOD = {"width": 1280, "height": 720, "fps": 24.5, "kbps": 1500, "lossPercent": 0.4, "rttMs": 35, "path": "direct"}


def test_a_sample_is_parsed_and_bounded() -> None:
    sample = parse_quality(GOOD)
    assert (sample.width, sample.height, sample.fps, sample.path) == (1280, 720, 24.5, "direct")
    assert parse_quality({**GOOD, "rttMs": None}).rtt_ms is None
    for field, bad in [("fps", -1), ("fps", "30"), ("lossPercent", 101), ("width", True), ("kbps", None)]:
        with pytest.raises(InvalidInput) as refused:
            parse_quality({**GOOD, field: bad})
        assert field in refused.value.message
    with pytest.raises(InvalidInput):
        parse_quality({**GOOD, "path": "carrier pigeon"})
    with pytest.raises(InvalidInput):
        parse_quality([1, 2])


def test_the_summary_folds_every_sample() -> None:
    summary = QualitySummary()
    assert summary.to_wire() is None
    summary.add(parse_quality(GOOD))
    summary.add(parse_quality({**GOOD, "fps": 10.5, "kbps": 300, "lossPercent": 6, "rttMs": None, "path": "relay"}))
    summary.add(parse_quality({**GOOD, "width": 640, "height": 360, "fps": 30, "kbps": 900, "rttMs": 45}))
    wire = summary.to_wire()
    assert wire == {
        "samples": 3,
        "fpsAverage": 21.7,
        "fpsMin": 10.5,
        "kbpsAverage": 900,
        "kbpsMin": 300.0,
        "lossMaxPercent": 6.0,
        "rttAverageMs": 40,
        "relayShare": 0.333,
        "resolution": "1280x720",
        "resolutions": {"1280x720": 2, "640x360": 1},
    }
    assert summary.latest is not None and summary.latest.width == 640


def test_start_video_quality_settings_are_checked_in_words() -> None:
    from showdesk.domain.quality import quality_problems, quality_settings

    good = {"resolution": "1280x720", "frameRate": 24, "maxBitrateKbps": 1200, "preference": "smooth"}
    assert quality_problems(good) == [] and quality_problems(None) == []
    assert quality_settings(good) == {
        "width": 1280,
        "height": 720,
        "frameRate": 24,
        "maxBitrateKbps": 1200,
        "preference": "smooth",
        "photoMode": "offer",
    }
    assert quality_settings({})["preference"] == "detail"  # what a product inspection needs by default
    problems = quality_problems(
        {"resolution": "4k", "frameRate": 2, "maxBitrateKbps": 1e9, "preference": "x", "hdr": 1}
    )
    assert len(problems) == 5
    assert any("1280x720" in p for p in problems) and any("unknown settings: hdr" in p for p in problems)

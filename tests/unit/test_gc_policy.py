"""The server's garbage-collector policy: young collections less often, the interpreter's own settings
given back when the server stops, and every pause measured."""

from __future__ import annotations

import gc

from prometheus_client import CollectorRegistry

from showdesk.transport.gc_policy import YOUNG_THRESHOLD, GcPolicy


async def test_the_youngest_generation_waits_for_more_objects_while_the_server_runs() -> None:
    before = gc.get_threshold()
    registry = CollectorRegistry()
    policy = GcPolicy(registry)

    policy.start()
    try:
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
        gc.collect(0)
        count = registry.get_sample_value("showdesk_gc_pause_seconds_count", {"generation": "0"})
        assert count is not None and count >= 1
    finally:
        await policy.stop()

    assert gc.get_threshold() == before
    assert not gc.get_freeze_count()

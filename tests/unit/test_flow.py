from showdesk.domain.directory import User
from showdesk.domain.flow import run_flow, uses_video, validate_flow
from showdesk.domain.queues import Queue

VIDEO_Q = Queue("q1", "o", "Video Troubleshooting", ["chat", "video"], ["video-troubleshooting"], [])
CHAT_Q = Queue("q2", "o", "General Chat", ["chat"], [], [])
QUEUES = {q.name: q for q in (VIDEO_Q, CHAT_Q)}


def flow(**blocks: dict) -> dict:
    return {"name": "F", "type": "webchat", "start": next(iter(blocks)), "blocks": blocks}


def video(mode: str = "one-way", success: str = "route", failure: str = "route") -> dict:
    return {
        "type": "startVideo",
        "mode": mode,
        "videoSource": "camera",
        "audioSource": "none",
        "success": success,
        "failure": failure,
    }


def errors(problems: list) -> list[str]:
    return [f"{p.block}: {p.message}" for p in problems if p.severity == "error"]


def test_the_demo_flow_is_valid_and_routes_to_the_video_queue() -> None:
    f = flow(video=video(), route={"type": "queue", "queue": "Video Troubleshooting"})
    assert errors(validate_flow(f, QUEUES)) == []
    outcome = run_flow(f)
    assert outcome.queue_name == "Video Troubleshooting"
    assert outcome.video == {"mode": "one-way", "videoSource": "camera", "audioSource": "none"}


def test_start_video_into_a_queue_without_video_names_block_queue_and_channel() -> None:
    f = flow(video=video(), route={"type": "queue", "queue": "General Chat"})
    [problem] = errors(validate_flow(f, QUEUES))
    assert problem.startswith("route:")
    assert "'video'" in problem and "General Chat" in problem and "video channel" in problem


def test_two_way_mode_is_a_warning_not_an_error() -> None:
    f = flow(video=video(mode="two-way"), route={"type": "queue", "queue": "Video Troubleshooting"})
    problems = validate_flow(f, QUEUES)
    assert errors(problems) == []
    assert any(p.severity == "warning" and "two-way" in p.message for p in problems)


def test_missing_queue_unknown_target_and_unreachable_block_are_errors() -> None:
    f = flow(video=video(success="nowhere"), route={"type": "queue", "queue": "Nope"}, lonely={"type": "disconnect"})
    found = errors(validate_flow(f, QUEUES))
    assert any("nowhere" in e for e in found)
    assert any("queue 'Nope' does not exist" in e for e in found)
    assert any(e.startswith("lonely:") and "cannot be reached" in e for e in found)


def test_a_cycle_is_an_error_that_shows_the_path() -> None:
    f = flow(a={"type": "message", "text": "hi", "next": "b"}, b={"type": "message", "text": "again", "next": "a"})
    [problem] = errors(validate_flow(f, QUEUES))
    assert "a -> b -> a" in problem


def test_video_queue_whose_skills_no_video_agent_holds_warns() -> None:
    f = flow(video=video(), route={"type": "queue", "queue": "Video Troubleshooting"})
    no_skill = User("u", "o", "a@x", "A", "h", ["Agent"], [], video_enabled=True)
    problems = validate_flow(f, QUEUES, [no_skill])
    assert any(p.severity == "warning" and "wait forever" in p.message for p in problems)
    skilled = User("u", "o", "a@x", "A", "h", ["Agent"], ["video-troubleshooting"], video_enabled=True)
    assert not [p for p in validate_flow(f, QUEUES, [skilled]) if p.severity == "warning"]


def test_garbage_is_refused_with_a_message_not_an_exception() -> None:
    for junk in (None, 3, [], {"blocks": 5}, {"name": "x", "type": "webchat", "start": "a", "blocks": {"a": 7}}):
        assert errors(validate_flow(junk, QUEUES))


def test_the_failure_exit_counts_too_a_video_block_reaching_a_chat_queue_by_failure_is_an_error() -> None:
    f = flow(
        video=video(success="route", failure="fallback"),
        route={"type": "queue", "queue": "Video Troubleshooting"},
        fallback={"type": "queue", "queue": "General Chat"},
    )
    [problem] = errors(validate_flow(f, QUEUES))
    assert problem.startswith("fallback:") and "General Chat" in problem


def test_a_video_block_reaching_a_chat_queue_through_a_message_is_an_error() -> None:
    f = flow(
        video=video(success="hello", failure="hello"),
        hello={"type": "message", "text": "An expert will be with you", "next": "route"},
        route={"type": "queue", "queue": "General Chat"},
    )
    assert [e.split(":")[0] for e in errors(validate_flow(f, QUEUES))] == ["route"]


def test_a_chat_queue_before_any_video_block_is_fine() -> None:
    f = flow(route={"type": "queue", "queue": "General Chat"})
    assert validate_flow(f, QUEUES) == []


def test_missing_exits_unknown_types_and_bad_settings_name_their_block() -> None:
    f = flow(
        video={"type": "startVideo", "mode": "three-way", "audioSource": "speaker", "success": "route"},
        route={"type": "queue"},
        odd={"type": "teleport"},
    )
    found = errors(validate_flow(f, QUEUES))
    assert any(e.startswith("video:") and "'failure' is missing" in e for e in found)
    assert any(e.startswith("video:") and "mode must be" in e for e in found)
    assert any(e.startswith("video:") and "audioSource" in e for e in found)
    assert any(e.startswith("route:") and "must name a queue" in e for e in found)
    assert any(e.startswith("odd:") and "unknown type 'teleport'" in e for e in found)


def test_a_video_queue_with_a_qualified_but_disabled_agent_still_warns() -> None:
    off = User("u1", "o", "a@x", "A", "", skills=["video-troubleshooting"], video_enabled=True, active=False)
    no_video = User("u2", "o", "b@x", "B", "", skills=["video-troubleshooting"], video_enabled=False)
    ok = User("u3", "o", "c@x", "C", "", skills=["video-troubleshooting"], video_enabled=True)
    f = flow(video=video(), route={"type": "queue", "queue": "Video Troubleshooting"})
    warned = [p for p in validate_flow(f, QUEUES, [off, no_video]) if p.severity == "warning"]
    assert len(warned) == 1 and "wait forever" in warned[0].message and warned[0].block == "route"
    assert validate_flow(f, QUEUES, [off, no_video, ok]) == []


def test_uses_video_tells_which_flows_need_the_video_edit_permission() -> None:
    assert uses_video(flow(video=video(), route={"type": "queue", "queue": "Video Troubleshooting"}))
    assert not uses_video(flow(route={"type": "queue", "queue": "General Chat"}))
    assert not uses_video("not a flow")


def test_start_video_quality_is_checked_and_reaches_the_interaction() -> None:
    block = {**video(), "quality": {"resolution": "640x360", "frameRate": 99}}
    f = flow(video=block, route={"type": "queue", "queue": "Video Troubleshooting"})
    [problem] = errors(validate_flow(f, QUEUES))
    assert problem.startswith("video: quality.frameRate")
    block["quality"]["frameRate"] = 15
    assert errors(validate_flow(f, QUEUES)) == []
    assert run_flow(f).video == {
        "mode": "one-way",
        "videoSource": "camera",
        "audioSource": "none",
        "quality": {
            "width": 640,
            "height": 360,
            "frameRate": 15,
            "maxBitrateKbps": 2500,
            "preference": "detail",
            "photoMode": "offer",
        },
    }
    assert "quality" not in (run_flow(flow(video=video(), route={"type": "queue", "queue": "x"})).video or {})

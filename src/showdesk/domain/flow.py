"""Architect-style flows: the model, its validation and what running one decides.

A flow is a small graph of blocks. Validation turns the product guide's traps into errors that name
the blocks and queues involved, so a flow that would strand video interactions is never published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from showdesk.domain.directory import User
from showdesk.domain.quality import quality_problems, quality_settings
from showdesk.domain.queues import Channel, Queue

BLOCK_TYPES = ("startVideo", "queue", "message", "disconnect")
VIDEO_MODES = ("one-way", "two-way")
VIDEO_SOURCES = ("camera",)
AUDIO_SOURCES = ("none", "microphone")
_EXITS = {"startVideo": ("success", "failure"), "message": ("next",), "queue": (), "disconnect": ()}


@dataclass
class Flow:
    id: str
    organization_id: str
    name: str
    type: str
    definition: dict[str, Any]
    version: int = 1
    published_version: int | None = None
    published_definition: dict[str, Any] | None = None
    updated_at: datetime | None = None


@dataclass
class FlowVersion:
    """One saved version of a flow, kept for history and for publishing an exact version."""

    id: str  # "<flow id>:<version>"
    flow_id: str
    version: int
    definition: dict[str, Any]
    created_at: datetime
    created_by: str


def uses_video(definition: Any) -> bool:
    """Whether a flow has a Start Video block (editing those needs Telephony > Video > Edit)."""
    blocks = definition.get("blocks") if isinstance(definition, Mapping) else None
    if not isinstance(blocks, Mapping):
        return False
    return any(isinstance(b, Mapping) and b.get("type") == "startVideo" for b in blocks.values())


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" or "warning"
    block: str  # block name, or "flow" for the whole file
    message: str

    def line(self) -> str:
        return f"{self.severity}: block '{self.block}': {self.message}"


@dataclass
class FlowOutcome:
    """What running a flow decided for one interaction."""

    queue_name: str | None = None
    video: dict[str, Any] | None = None
    greetings: list[str] = field(default_factory=list)


def _targets(block: Mapping[str, Any]) -> list[str]:
    kind = block.get("type")
    exits = _EXITS.get(kind, ()) if isinstance(kind, str) else ()
    return [block[e] for e in exits if isinstance(block.get(e), str)]


def _check_block(name: str, block: Any, blocks: Mapping[str, Any], queues: Mapping[str, Queue]) -> list[Problem]:
    if not isinstance(block, Mapping):
        return [Problem("error", name, "a block must be a mapping with a 'type'")]
    kind = block.get("type")
    if kind not in BLOCK_TYPES:
        return [Problem("error", name, f"unknown type {kind!r}; expected one of {', '.join(BLOCK_TYPES)}")]
    found: list[Problem] = []
    for exit_name in _EXITS[kind]:
        target = block.get(exit_name)
        if target is None:
            found.append(Problem("error", name, f"'{exit_name}' is missing: say which block comes next"))
        elif not isinstance(target, str) or target not in blocks:
            found.append(Problem("error", name, f"'{exit_name}' leads to '{target}', which is not a block"))
    if kind == "startVideo":
        if block.get("mode") not in VIDEO_MODES:
            found.append(Problem("error", name, f"mode must be one of {', '.join(VIDEO_MODES)}"))
        elif block["mode"] == "two-way":
            found.append(
                Problem(
                    "warning",
                    name,
                    "two-way mode makes the agent send video too: more bandwidth on both ends and the "
                    "agent needs a camera; visual troubleshooting only needs one-way",
                )
            )
        if block.get("videoSource", "camera") not in VIDEO_SOURCES:
            found.append(Problem("error", name, "videoSource must be 'camera'"))
        if block.get("audioSource", "none") not in AUDIO_SOURCES:
            found.append(Problem("error", name, f"audioSource must be one of {', '.join(AUDIO_SOURCES)}"))
        found.extend(Problem("error", name, text) for text in quality_problems(block.get("quality")))
    elif kind == "queue":
        queue_name = block.get("queue")
        if not isinstance(queue_name, str) or not queue_name:
            found.append(Problem("error", name, "'queue' must name a queue"))
        elif queue_name not in queues:
            found.append(Problem("error", name, f"queue '{queue_name}' does not exist"))
    elif kind == "message" and not isinstance(block.get("text"), str):
        found.append(Problem("error", name, "'text' must be the message to send"))
    return found


def _reachable(start: str, blocks: Mapping[str, Any]) -> list[str]:
    """The blocks reachable from `start`, depth first, each exit in its order (each block once)."""
    seen: set[str] = set()
    order: list[str] = []
    stack = [start]
    while stack:
        name = stack.pop()
        if name in seen or name not in blocks or not isinstance(blocks[name], Mapping):
            continue
        seen.add(name)
        order.append(name)
        stack.extend(reversed(_targets(blocks[name])))
    return order


def _cycle_through(start: str, blocks: Mapping[str, Any]) -> list[str] | None:
    """The first cycle a depth-first walk from `start` meets, as a path back to its first block.

    An explicit stack rather than recursion: a chain of thousands of blocks is a valid flow, and each
    block is entered once, so the walk is linear in the flow's size.
    """
    path: list[str] = []  # the blocks on the current walk, from the start
    on_path: dict[str, int] = {}  # block -> its index in `path`
    done: set[str] = set()
    pending: list[list[str]] = []  # for each block on the path, the exits still to follow (reversed)

    def enter(name: str) -> None:
        on_path[name] = len(path)
        path.append(name)
        pending.append(list(reversed(_targets(blocks[name]))))

    if start not in blocks or not isinstance(blocks[start], Mapping):
        return None
    enter(start)
    while pending:
        exits = pending[-1]
        if not exits:  # every way on from this block is explored: leave it
            finished = path.pop()
            del on_path[finished]
            done.add(finished)
            pending.pop()
            continue
        target = exits.pop()
        if target in on_path:
            return [*path[on_path[target] :], target]
        if target in done or target not in blocks or not isinstance(blocks[target], Mapping):
            continue
        enter(target)
    return None


def _after_video(start: str, blocks: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Each block some Start Video block leads to, with the first such Start Video block, in walk order.

    One walk in all (not one per Start Video block): a block already reached from an earlier Start
    Video block is not walked again, since all it leads to was reached with it.
    """
    reached: dict[str, str] = {}  # block -> the Start Video block it was first reached from
    for video in _reachable(start, blocks):
        if blocks[video].get("type") != "startVideo" or video in reached:
            continue
        stack = [video]
        while stack:
            name = stack.pop()
            if name in reached or name not in blocks or not isinstance(blocks[name], Mapping):
                continue
            reached[name] = video
            stack.extend(reversed(_targets(blocks[name])))
    return list(reached.items())


def _video_queue_problems(
    start: str, blocks: Mapping[str, Any], queues: Mapping[str, Queue], users: Sequence[User] | None
) -> list[Problem]:
    found: list[Problem] = []
    staffed: dict[str, bool] = {}  # queue name -> whether a video-enabled agent holds its skills
    for reached, video in _after_video(start, blocks):
        block = blocks[reached]
        queue = queues.get(block.get("queue", "")) if block.get("type") == "queue" else None
        if queue is None:
            continue
        if not queue.supports(Channel.VIDEO):
            found.append(
                Problem(
                    "error",
                    reached,
                    f"Start Video block '{video}' leads to queue '{queue.name}', which does not "
                    "support the video channel: enable Video under the queue's supported channels "
                    "or route to a video queue",
                )
            )
            continue
        if users is None:
            continue
        if queue.name not in staffed:
            skills = set(queue.required_skills)
            staffed[queue.name] = any(u.active and u.video_enabled and skills <= set(u.skills) for u in users)
        if not staffed[queue.name]:
            found.append(
                Problem(
                    "warning",
                    reached,
                    f"no video-enabled agent holds the skills of queue '{queue.name}' "
                    f"({', '.join(queue.required_skills) or 'none'}): video interactions would wait forever",
                )
            )
    return found


def validate_flow(definition: Any, queues: Mapping[str, Queue], users: Sequence[User] | None = None) -> list[Problem]:
    """Every problem in the flow; errors block publishing, warnings do not."""
    if not isinstance(definition, Mapping):
        return [Problem("error", "flow", "a flow must be a mapping with name, type, start and blocks")]
    found: list[Problem] = []
    if not isinstance(definition.get("name"), str) or not definition["name"].strip():
        found.append(Problem("error", "flow", "'name' is required"))
    if definition.get("type") != "webchat":
        found.append(Problem("error", "flow", "'type' must be 'webchat'"))
    blocks = definition.get("blocks")
    if not isinstance(blocks, Mapping) or not blocks:
        return [*found, Problem("error", "flow", "'blocks' must be a non-empty mapping")]
    start = definition.get("start")
    if not isinstance(start, str) or start not in blocks:
        return [*found, Problem("error", "flow", f"'start' must name a block; got {start!r}")]
    for name, block in blocks.items():
        found.extend(_check_block(str(name), block, blocks, queues))
    reachable = set(_reachable(start, blocks))
    found.extend(
        Problem("error", str(name), f"cannot be reached from the start block '{start}'")
        for name in blocks
        if name not in reachable
    )
    cycle = _cycle_through(start, blocks)
    if cycle:
        found.append(Problem("error", cycle[0], "blocks form a cycle: " + " -> ".join(cycle)))
    elif not any(p.severity == "error" for p in found):
        found.extend(_video_queue_problems(start, blocks, queues, users))
    return found


def run_flow(definition: Mapping[str, Any]) -> FlowOutcome:
    """Walk a published (hence valid) flow from its start for one new interaction."""
    outcome = FlowOutcome()
    blocks = definition["blocks"]
    name: str | None = definition["start"]
    for _ in range(len(blocks) + 1):
        if name is None:
            break
        block = blocks[name]
        kind = block["type"]
        if kind == "startVideo":
            outcome.video = {
                "mode": block["mode"],
                "videoSource": block.get("videoSource", "camera"),
                "audioSource": block.get("audioSource", "none"),
            }
            if block.get("quality") is not None:
                outcome.video["quality"] = quality_settings(block["quality"])
            name = block["success"]
        elif kind == "message":
            outcome.greetings.append(block["text"])
            name = block["next"]
        elif kind == "queue":
            outcome.queue_name = block["queue"]
            break
        else:  # disconnect
            break
    return outcome

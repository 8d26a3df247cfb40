"""The SDK's JavaScript unit tests (tests/js/*.test.mjs, Node's own test runner, no bundler): its connection
(socket.js, the chat's resume) and video (video.js, connection-watch.js) state machines, driven with a fake
WebSocket, peer connection and camera and Node's mock timers. Fails when any of them fails, with Node's report."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_sdk_unit_tests_pass() -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js runs the SDK's unit tests: scripts/install puts Debian's nodejs there"
    done = subprocess.run(
        [node, "--test", "--test-reporter=tap", "tests/js/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = done.stdout + done.stderr
    counted = re.search(r"^# tests (\d+)$", report, re.M)
    assert counted is not None and int(counted.group(1)) > 0, f"no test ran:\n{report[-5000:]}"
    failures = "\n".join(line for line in report.splitlines() if re.match(r"\s*not ok ", line))
    assert done.returncode == 0, f"{failures}\n\n{report[-20000:]}"

"""`showdesk flow validate|publish FILE` against the same database as a running server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from tests.support.server import ServerProcess

GOOD = """
name: Kettle Support
type: webchat
start: video
blocks:
  video:  {type: startVideo, mode: one-way, videoSource: camera, audioSource: none,
           success: route, failure: route}
  route:  {type: queue, queue: Video Troubleshooting}
"""

INTO_CHAT_QUEUE = GOOD.replace("Video Troubleshooting", "General Chat").replace("Kettle Support", "Bad Kettle")


@pytest.fixture(scope="module")
def server():
    proc = ServerProcess().start()
    yield proc
    proc.cleanup()


def flow_cli(server: ServerProcess, verb: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "showdesk.cli", "flow", verb, str(path), "--database-url", server.database_url],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=server.workdir,
        # Wide enough that the usage error's box does not cut a long temporary path short.
        env={**os.environ, "COLUMNS": "400"},
    )


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def flows(server: ServerProcess) -> dict[str, dict]:
    token = server.login("architect@demo.local", "architect")
    listed = httpx.get(f"{server.base}/api/v2/flows", headers={"Authorization": f"Bearer {token}"}).json()
    return {f["name"]: f for f in listed}


def test_a_good_file_validates_with_exit_0(server: ServerProcess, tmp_path: Path) -> None:
    done = flow_cli(server, "validate", write(tmp_path, "good.yaml", GOOD))
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout
    assert "Kettle Support" not in flows(server)  # validating saves nothing


def test_video_into_a_chat_only_queue_fails_naming_block_queue_and_channel(
    server: ServerProcess, tmp_path: Path
) -> None:
    done = flow_cli(server, "validate", write(tmp_path, "bad.yaml", INTO_CHAT_QUEUE))
    assert done.returncode == 1
    [line] = [ln for ln in done.stderr.splitlines() if ln.startswith("error:")]
    assert "block 'route'" in line and "General Chat" in line and "video channel" in line


def test_every_problem_is_one_line_naming_its_block(server: ServerProcess, tmp_path: Path) -> None:
    text = GOOD.replace("Video Troubleshooting", "Nowhere") + "  lonely: {type: disconnect}\n"
    done = flow_cli(server, "validate", write(tmp_path, "two.yaml", text))
    assert done.returncode == 1
    errors = [ln for ln in done.stderr.splitlines() if ln.startswith("error:")]
    assert any("block 'route'" in e and "queue 'Nowhere' does not exist" in e for e in errors)
    assert any("block 'lonely'" in e and "cannot be reached" in e for e in errors)


def test_broken_yaml_and_a_missing_file_fail_clearly(server: ServerProcess, tmp_path: Path) -> None:
    broken = flow_cli(server, "validate", write(tmp_path, "broken.yaml", "name: [unclosed"))
    assert broken.returncode != 0 and "not valid YAML" in broken.stderr and "Traceback" not in broken.stderr
    missing = flow_cli(server, "validate", tmp_path / "nope.yaml")
    assert missing.returncode != 0 and "nope.yaml" in missing.stderr and "Traceback" not in missing.stderr


def test_two_way_is_a_warning_and_still_exit_0(server: ServerProcess, tmp_path: Path) -> None:
    done = flow_cli(server, "validate", write(tmp_path, "two-way.yaml", GOOD.replace("one-way", "two-way")))
    assert done.returncode == 0
    assert "warning: block 'video'" in done.stdout and "two-way" in done.stdout


def test_publish_stores_a_version_the_api_and_the_audit_log_show(server: ServerProcess, tmp_path: Path) -> None:
    done = flow_cli(server, "publish", write(tmp_path, "good.json", json.dumps(yaml.safe_load(GOOD))))
    assert done.returncode == 0, done.stderr
    assert "published flow 'Kettle Support' version 1" in done.stdout
    published = flows(server)["Kettle Support"]
    assert published["publishedVersion"] == 1 and published["publishedDefinition"]["start"] == "video"
    admin = {"Authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"}
    log = httpx.get(f"{server.base}/api/v2/audit", params={"targetType": "flow"}, headers=admin).json()["items"]
    assert [(e["action"], e["actorName"]) for e in log[:2]] == [
        ("flow.publish", "Command line"),
        ("flow.save", "Command line"),
    ]


def test_publishing_a_bad_file_changes_nothing(server: ServerProcess, tmp_path: Path) -> None:
    done = flow_cli(server, "publish", write(tmp_path, "bad.yaml", INTO_CHAT_QUEUE))
    assert done.returncode == 1 and "General Chat" in done.stderr
    assert "Bad Kettle" not in flows(server)

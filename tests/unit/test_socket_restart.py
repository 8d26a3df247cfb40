"""The SDK's socket (web/sdk/socket.js, used by the widget, the SDK and the agent desktop) when a node
stops: close 1012 ("service restart") reconnects at once, to the next server URL, and says it is a
restart (the widget then shows no trouble); any other drop waits its backoff. Run in Node with a fake
WebSocket."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

SOCKET_JS = Path(__file__).resolve().parents[2] / "src/showdesk/web/sdk/socket.js"

SCRIPT = """
import { ShowDeskSocket } from %(module)s;
class FakeSocket {
  static made = [];
  constructor(url) {
    this.url = url; this.readyState = 0; FakeSocket.made.push(this);
    setTimeout(() => { this.readyState = 1; this.onopen?.(); }, 0);
  }
  send() {}
  close() {}
}
const socket = new ShowDeskSocket({ url: ['ws://node-a/', 'ws://node-b/'], WebSocketImpl: FakeSocket });
const states = [];
socket.on('state', (event) => states.push(event));
const until = async (check) => { while (!check()) await new Promise((r) => setTimeout(r, 1)); };
socket.connect();
await until(() => socket.isReady);
const first = FakeSocket.made[0];
const dropped = Date.now();
first.readyState = 3;
first.onclose({ code: %(code)d, reason: 'going away' });
await until(() => FakeSocket.made.length === 2 && socket.isReady);
const reconnecting = states.find((s) => s.state === 'reconnecting');
console.log(JSON.stringify({ waitedMs: Date.now() - dropped, url: FakeSocket.made[1].url, reconnecting }));
socket.close();
"""


def _drop(code: int) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("no Node.js to run the SDK's socket in (scripts/install puts Debian's nodejs there)")
    script = SCRIPT % {"module": json.dumps(SOCKET_JS.as_uri()), "code": code}
    done = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=20, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_a_node_restarting_is_left_at_once_for_the_next_url_without_trouble() -> None:
    result = _drop(1012)
    assert result["url"] == "ws://node-b/"
    assert result["waitedMs"] < 100  # no backoff: the first try waits 250-500 ms
    assert result["reconnecting"]["restart"] is True
    assert result["reconnecting"]["delayMs"] == 0


def test_any_other_drop_waits_its_backoff() -> None:
    result = _drop(1006)
    assert result["url"] == "ws://node-b/"
    assert result["waitedMs"] >= 240
    assert result["reconnecting"]["restart"] is False

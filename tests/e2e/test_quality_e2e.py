"""The live quality panel on the agent desktop: its numbers are what the browser's getStats says, and the
video session's record keeps a summary of them."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.media import shows_picture, watch_media
from tests.e2e.pages import AgentPage, CustomerPage, wait_until
from tests.support.server import ServerProcess
from tests.support.waiting import sampled
from tests.support.y4m import CUSTOMER_PICTURE

# What the agent's own browser says about the received video, read beside the panel.
RECEIVED = """async () => {
  for (const pc of window.__media.peers) {
    if (pc.connectionState !== 'connected') continue;
    const stats = await pc.getStats();
    let video = null, pair = null;
    stats.forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') video = r;
      if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId);
    });
    if (!video || !pair) continue;
    const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
    return { width: video.frameWidth, height: video.frameHeight, fps: video.framesPerSecond,
             bytes: video.bytesReceived, at: performance.now(), rttMs: pair.currentRoundTripTime * 1000,
             path: local.candidateType === 'relay' || remote.candidateType === 'relay' ? 'relay' : 'direct' };
  }
  return null;
}"""


def _panel_values(panel: Locator) -> dict[str, str]:
    names = ("resolution", "fps", "bitrate", "loss", "rtt", "path")
    return {n: str(panel.get_by_test_id(f"quality-{n}").get_attribute("data-value")) for n in names}


def _record(server: ServerProcess, panel: Locator) -> dict[str, Any]:
    cid = panel.get_attribute("data-conversation-id")
    token = server.login()
    conv = httpx.get(f"{server.base}/api/v2/conversations/{cid}", headers={"authorization": f"Bearer {token}"})
    return dict(conv.json()["videoSessions"][-1])


def _received(page: Page) -> dict[str, Any] | None:
    return page.evaluate(RECEIVED)  # type: ignore[no-any-return]


def test_the_quality_panel_agrees_with_getstats_and_the_record_keeps_a_summary(
    server: ServerProcess, camera_people: Contexts
) -> None:
    agent_page, customer_page = camera_people.new_page(), camera_people.new_page()
    watch_media(agent_page)
    agent = AgentPage(agent_page, server).login().go_on_queue()
    customer = CustomerPage(customer_page, server).open().start_chat("Ann")
    panel = agent.accept()
    customer.expect_line("joined the chat")
    panel.get_by_test_id("request-video").click()
    customer_page.get_by_test_id("video-accept").click()
    wait_until(lambda: shows_picture(panel.get_by_test_id("remote-video"), CUSTOMER_PICTURE), what="the picture")
    quality = panel.get_by_test_id("quality-panel")
    expect(quality).to_be_visible()
    # The browser has a frame rate once a second of frames is in, the panel once it has sampled twice.
    wait_until(
        lambda: (_received(agent_page) or {}).get("fps") and _panel_values(panel)["fps"] not in ("", "0"),
        what="a frame rate in getStats and on the panel",
    )
    # The panel's bitrate is a 1-second window; this static picture sends a few kbit/s with a keyframe
    # now and then, so one window can be half or twice another. Its windows over 4 s are set against
    # the bytes received over the same 4 s.
    readings = sampled(lambda: (_received(agent_page), _panel_values(panel)), 4, 1.0)
    first, values = readings[0]
    second = readings[-1][0]
    assert first is not None and second is not None, readings
    panel_kbps = [float(shown["bitrate"]) for _, shown in readings[1:]]
    measured_kbps = (second["bytes"] - first["bytes"]) * 8 / (second["at"] - first["at"])  # bits/ms = kbit/s

    assert values["resolution"] == f"{first['width']}x{first['height']}" == "320x240"
    assert abs(float(values["fps"]) - first["fps"]) <= max(3.0, 0.2 * first["fps"]), (values, first)
    assert values["path"] == first["path"] == "direct"
    shown_kbps = sum(panel_kbps) / len(panel_kbps)
    assert 0.5 * measured_kbps <= shown_kbps <= 2.0 * measured_kbps, (panel_kbps, measured_kbps)
    assert float(values["loss"]) == 0.0  # loopback loses nothing
    assert abs(float(values["rtt"]) - first["rttMs"]) <= 20, (values, first)
    expect(panel.get_by_test_id("quality-resolution")).to_have_text("320\u00d7240")  # what the agent reads

    panel.get_by_test_id("end-video").click()
    expect(panel.get_by_test_id("video-status")).to_have_text("ended")
    expect(quality).to_be_hidden()
    summary = _record(server, panel)["quality"]
    assert summary["samples"] >= 2 and summary["resolution"] == "320x240"
    assert summary["fpsAverage"] > 5 and summary["kbpsAverage"] > 0 and summary["relayShare"] == 0
    assert summary["lossMaxPercent"] == 0

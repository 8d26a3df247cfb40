"""One-way video in real Chromium: the customer's fake camera reaches the agent's <video> over WebRTC."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.e2e.conftest import Contexts, launch_with_camera
from tests.e2e.media import camera_calls, rtp_totals, shows_picture, track_states, watch_media
from tests.e2e.pages import AgentPage, CustomerPage, end_open_chats, open_contexts, wait_until
from tests.support.server import ServerProcess
from tests.support.waiting import sampled
from tests.support.y4m import AGENT_PICTURE, CUSTOMER_PICTURE, write_quadrants


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("camera")
    return {
        "customer": write_quadrants(folder / "customer.y4m", CUSTOMER_PICTURE),
        "agent": write_quadrants(folder / "agent.y4m", AGENT_PICTURE),
    }


@pytest.fixture(scope="module")
def customer_browser(playwright: Playwright, pictures: dict[str, Path]) -> Iterator[Browser]:
    browser = launch_with_camera(playwright, pictures["customer"], "--use-fake-ui-for-media-stream")
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def agent_browser(playwright: Playwright, pictures: dict[str, Path]) -> Iterator[Browser]:
    browser = launch_with_camera(playwright, pictures["agent"], "--use-fake-ui-for-media-stream")
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def denying_browser(playwright: Playwright, pictures: dict[str, Path]) -> Iterator[Browser]:
    browser = launch_with_camera(playwright, pictures["customer"], "--deny-permission-prompts")
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def video_server() -> Iterator[ServerProcess]:
    proc = ServerProcess("--offer-timeout", "10").start()
    yield proc
    proc.cleanup()


@pytest.fixture
def customers(customer_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    yield from open_contexts(customer_browser, request)


@pytest.fixture
def agents(agent_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    yield from open_contexts(agent_browser, request)


def _connected(server: ServerProcess, customer_page: Page, agent_page: Page, email: str = "agent@demo.local"):
    watch_media(customer_page)
    watch_media(agent_page)
    agent = AgentPage(agent_page, server).login(email).go_on_queue()
    customer = CustomerPage(customer_page, server).open().start_chat("Ann")
    panel = agent.accept()
    customer.expect_line("joined the chat")
    return customer, agent, panel


def _ask_and_accept(customer: CustomerPage, panel) -> None:  # type: ignore[no-untyped-def]
    panel.get_by_test_id("request-video").click()
    page = customer.page
    expect(page.get_by_test_id("video-status")).to_have_text("requested")
    expect(page.get_by_test_id("video-prompt")).to_contain_text("camera")
    page.get_by_test_id("video-accept").click()


def _frames_stopped(page: Page) -> Callable[[], bool]:
    """A check that holds once the count of decoded frames is the same as at the check before."""
    seen: list[int] = []

    def stopped() -> bool:
        seen.append(rtp_totals(page)["framesDecoded"])
        return len(seen) > 1 and seen[-1] == seen[-2]

    return stopped


def test_the_agent_sees_the_customers_camera_holds_it_and_ends_it(
    video_server: ServerProcess, customers: Contexts, agents: Contexts
) -> None:
    customer, agent, panel = _connected(video_server, customers.new_page(), agents.new_page())
    _ask_and_accept(customer, panel)

    remote = panel.get_by_test_id("remote-video")
    wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), what="the customer's picture on the agent desktop")
    expect(panel.get_by_test_id("video-status")).to_have_text("live")
    expect(customer.page.get_by_test_id("video-status")).to_have_text("live")

    # One-way: the agent desktop took no camera and sends no media.
    assert camera_calls(agent.page) == 0
    agent_rtp = rtp_totals(agent.page)
    assert agent_rtp["bytesSent"] == 0 and agent_rtp["packetsSent"] == 0
    assert agent_rtp["bytesReceived"] > 0 and agent_rtp["framesDecoded"] > 0

    # Hold: no frames arrive at all; resume brings the picture back on the same connection.
    panel.get_by_test_id("video-hold").click()
    expect(panel.get_by_test_id("video-status")).to_have_text("held")
    expect(customer.page.get_by_test_id("video-status")).to_have_text("held")
    wait_until(_frames_stopped(agent.page), what="the frames already on the wire to arrive")
    before, after = sampled(lambda: rtp_totals(agent.page)["framesDecoded"], 1, 2.0)
    assert after - before <= 1, f"{after - before} frames decoded while held"

    panel.get_by_test_id("video-resume").click()
    expect(panel.get_by_test_id("video-status")).to_have_text("live")
    wait_until(lambda: rtp_totals(agent.page)["framesDecoded"] > after + 10, what="frames after resume")
    assert rtp_totals(agent.page)["peers"] == 1  # no new negotiation
    wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), what="the picture after resume")

    # End: every customer track is ended (camera light off), both sides say so, the chat goes on.
    panel.get_by_test_id("end-video").click()
    expect(customer.page.get_by_test_id("video-status")).to_have_text("ended")
    expect(panel.get_by_test_id("video-status")).to_have_text("ended")
    states = wait_until(
        lambda: (s := track_states(customer.page)) and all(t == "ended" for t in s) and s,
        what="every customer track ended",
    )
    assert states and "live" not in states
    customer.say("thanks, that was quick")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("thanks, that was quick")

    conversation_id = panel.get_attribute("data-conversation-id")
    token = video_server.login()
    record = httpx.get(
        f"{video_server.base}/api/v2/conversations/{conversation_id}", headers={"authorization": f"Bearer {token}"}
    ).json()["videoSessions"][0]
    assert record["consentBy"] == "Ann" and record["path"] == "direct" and record["outcome"] == "completed"
    assert record["startedAt"] and record["endedAt"] and record["durationSeconds"] is not None


def test_the_customer_stops_the_video_and_the_agent_is_told(
    video_server: ServerProcess, customers: Contexts, agents: Contexts
) -> None:
    customer, _agent, panel = _connected(video_server, customers.new_page(), agents.new_page())
    _ask_and_accept(customer, panel)
    expect(panel.get_by_test_id("video-status")).to_have_text("live", timeout=15_000)
    customer.page.get_by_test_id("video-stop").click()
    expect(panel.get_by_test_id("video-status")).to_have_text("ended")
    expect(panel.get_by_test_id("video-words")).to_contain_text("customer stopped")
    wait_until(lambda: (s := track_states(customer.page)) and all(t == "ended" for t in s), what="tracks ended")


def test_leaving_the_page_turns_the_camera_off_and_ends_the_video(
    video_server: ServerProcess, customers: Contexts, agents: Contexts
) -> None:
    customer, _agent, panel = _connected(video_server, customers.new_page(), agents.new_page())
    _ask_and_accept(customer, panel)
    expect(panel.get_by_test_id("video-status")).to_have_text("live", timeout=15_000)
    customer.page.goto("about:blank")
    expect(panel.get_by_test_id("video-status")).to_have_text("ended")
    expect(panel.get_by_test_id("video-words")).to_contain_text("left the page")


def test_a_refused_camera_is_explained_and_the_chat_goes_on(
    video_server: ServerProcess, denying_browser: Browser, agents: Contexts, request: pytest.FixtureRequest
) -> None:
    denied = Contexts(denying_browser)
    try:
        customer, _agent, panel = _connected(video_server, denied.new_page(), agents.new_page())
        _ask_and_accept(customer, panel)
        page = customer.page
        expect(page.get_by_test_id("video-status")).to_have_text("failed")
        expect(page.get_by_test_id("error-banner")).to_contain_text("Allow")
        expect(panel.get_by_test_id("video-status")).to_have_text("failed")
        expect(panel.get_by_test_id("video-words")).to_contain_text("did not allow the camera")
        customer.say("the camera would not start")
        expect(panel.get_by_test_id("chat-log")).to_contain_text("the camera would not start")

        # The SDK itself: the browser's error name and the contract's code.
        error = page.evaluate(
            """async () => {
              const { createChat } = await import('/sdk/webchat.js');
              const probe = createChat({ organizationId: 'demo', deploymentId: 'demo-webchat', storage: null });
              try { await probe.startVideo({ constraints: { video: true } }); return null; }
              catch (e) { return { name: e.name, code: e.code }; }
            }"""
        )
        assert error == {"name": "VideoUnavailableError", "code": "no_agent_video"}  # no chat yet: no prompt
        # Offering video again through the SDK: the browser refuses the camera, startVideo says why.
        error = page.evaluate(
            """async () => {
              try { await window.showdeskDemoChat.startVideo({ direction: 'one-way' }); return null; }
              catch (e) { return { name: e.name, code: e.code }; }
            }"""
        )
        assert error == {"name": "NotAllowedError", "code": "camera_denied"}
        assert camera_calls(page) == 2  # the widget's tap and this call; nothing was taken
        assert track_states(page) == []
    finally:
        denied.close(request.node.name)


def test_startvideo_asks_for_the_camera_before_any_await(
    video_server: ServerProcess, customers: Contexts, agents: Contexts
) -> None:
    customer, _agent, panel = _connected(video_server, customers.new_page(), agents.new_page())
    page = customer.page
    # The widget's chat is connected; call the SDK the way a click handler would and look at once.
    result = page.evaluate(
        """async () => {
          const devices = navigator.mediaDevices;
          const original = devices.getUserMedia;
          let calledBeforeReturn = false;
          devices.getUserMedia = function (constraints) {
            calledBeforeReturn = true;
            window.__constraints = constraints;
            return original.call(this, constraints);
          };
          const chat = window.showdeskDemoChat;
          const started = chat.startVideo({ direction: 'one-way' });
          const synchronous = calledBeforeReturn;  // nothing awaited yet in this task
          devices.getUserMedia = original;
          let outcome = 'resolved';
          try { await started; } catch (e) { outcome = e.code; }
          return { synchronous, constraints: window.__constraints, outcome };
        }"""
    )
    assert result["synchronous"] is True
    assert result["constraints"]["video"]["facingMode"] == {"ideal": "environment"}
    assert result["constraints"]["audio"] is False  # the demo flow's audio source is none
    expect(panel.get_by_test_id("video-status")).to_have_text("live", timeout=15_000)


def test_the_specs_own_code_works_with_a_stream_the_page_took(
    video_server: ServerProcess, customers: Contexts, agents: Contexts
) -> None:
    """Seed §2.1-2.2 as written: the page takes the camera (and microphone), hands the stream over,
    and its own videoEnd handler stops the tracks; the flow's audio source none keeps the sound home."""
    customer, agent, panel = _connected(video_server, customers.new_page(), agents.new_page())
    outcome = customer.page.evaluate(
        """async () => {
          const chat = window.showdeskDemoChat;
          window.__ended = 0;
          const handleVideoEnd = () => { window.__ended += 1; };
          chat.on('videoEnd', handleVideoEnd);
          try {
            const stream = await navigator.mediaDevices.getUserMedia({
              video: { width: { ideal: 1280 }, height: { ideal: 720 } },
              audio: true
            });
            await chat.startVideo({ stream: stream, direction: 'one-way' });
            return 'started';
          } catch (error) {
            return `failed: ${error.name} ${error.code}`;
          }
        }"""
    )
    assert outcome == "started"
    remote = panel.get_by_test_id("remote-video")
    wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), what="the customer's picture")
    kinds = agent.page.evaluate(
        "window.__media.peers.at(-1).getReceivers().filter((r) => r.track && r.transport).map((r) => r.track.kind)"
    )
    assert kinds == ["video"], f"the agent receives {kinds}; audio source none sends no sound"
    panel.get_by_test_id("end-video").click()
    wait_until(lambda: customer.page.evaluate("window.__ended") == 1, what="the page's videoEnd handler")
    states = track_states(customer.page)
    assert sorted(states) == ["ended", "ended"]  # the page's own audio and video tracks


def test_an_agent_without_video_answer_sees_no_request_button(
    video_server: ServerProcess, customers: Contexts, agents: Contexts
) -> None:
    admin = {"authorization": f"Bearer {video_server.login('admin@demo.local', 'admin')}"}
    users = httpx.get(f"{video_server.base}/api/v2/users", headers=admin).json()
    sam = next(u for u in users if u["email"] == "agent2@demo.local")
    url = f"{video_server.base}/api/v2/users/{sam['id']}/roles"
    assert httpx.put(url, json={"roles": ["Chat Agent"]}, headers=admin).status_code == 200
    try:
        customer, _, panel = _connected(video_server, customers.new_page(), agents.new_page(), "agent2@demo.local")
        expect(panel.get_by_test_id("chat-log")).to_contain_text("joined the chat")
        expect(panel.get_by_test_id("request-video")).to_be_hidden()
        expect(panel.get_by_test_id("video-hold")).to_be_hidden()
        # The customer cannot push video onto this agent either; the chat goes on.
        customer.page.get_by_test_id("video-offer").click()
        expect(customer.page.get_by_test_id("video-status")).to_have_text("failed")
        expect(customer.page.get_by_test_id("error-banner")).to_contain_text("cannot take video")
        customer.say("fine, words it is")
        expect(panel.get_by_test_id("chat-log")).to_contain_text("fine, words it is")
    finally:
        httpx.put(url, json={"roles": ["Agent"]}, headers=admin)


TWO_WAY_FLOW = {
    "name": "Product Support",
    "type": "webchat",
    "start": "video",
    "blocks": {
        "video": {
            "type": "startVideo",
            "mode": "two-way",
            "videoSource": "camera",
            "audioSource": "microphone",
            "success": "route",
            "failure": "route",
        },
        "route": {"type": "queue", "queue": "Video Troubleshooting"},
    },
}


def test_two_way_video_shows_each_side_the_other(customers: Contexts, agents: Contexts) -> None:
    server = ServerProcess().start()
    try:
        architect = {"authorization": f"Bearer {server.login('architect@demo.local', 'architect')}"}
        flow = httpx.post(f"{server.base}/api/v2/flows", json=TWO_WAY_FLOW, headers=architect)
        assert flow.status_code in (200, 201), flow.text
        published = httpx.post(f"{server.base}/api/v2/flows/{flow.json()['id']}/publish", headers=architect)
        assert published.status_code == 200, published.text

        customer, agent, panel = _connected(server, customers.new_page(), agents.new_page())
        _ask_and_accept(customer, panel)
        wait_until(
            lambda: shows_picture(panel.get_by_test_id("remote-video"), CUSTOMER_PICTURE),
            what="the customer's picture at the agent",
        )
        agent_video = customer.page.get_by_test_id("agent-video")
        wait_until(lambda: shows_picture(agent_video, AGENT_PICTURE), what="the agent's picture at the customer")
        assert camera_calls(agent.page) == 1  # the agent's default camera and microphone, once
        assert rtp_totals(agent.page)["bytesSent"] > 0
        panel.get_by_test_id("end-video").click()
        wait_until(lambda: (s := track_states(agent.page)) and all(t == "ended" for t in s), what="agent camera off")
        wait_until(lambda: (s := track_states(customer.page)) and all(t == "ended" for t in s), what="customer off")
        end_open_chats(agents)
    finally:
        server.cleanup()

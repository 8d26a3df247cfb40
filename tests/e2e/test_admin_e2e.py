"""The administration console end to end: an administrator and an architect set up a new video line
through /admin/ only, and a customer on another site reaches the new agent through it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Playwright, Route, expect

from tests.e2e.admin_pages import AdminConsole
from tests.e2e.conftest import CHROMIUM, HEADLESS_FLAGS, Contexts
from tests.e2e.pages import AgentPage, end_open_chats
from tests.support.server import ServerProcess

SHOP = "http://shop.test"


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium as in conftest, but letting a page from the (routed, hence "public") shop reach the
    server on loopback: Local Network Access would block that here, and only here, since a real
    ShowDesk server is not on the shopper's own machine."""
    b = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=[*HEADLESS_FLAGS, "--disable-features=LocalNetworkAccessChecks"]
    )
    yield b
    b.close()


def flow_text(name: str, queue: str) -> str:
    return f"""name: {name}
type: webchat
start: video
blocks:
  video:  {{type: startVideo, mode: one-way, videoSource: camera, audioSource: none,
           success: route, failure: route}}
  route:  {{type: queue, queue: {queue}}}
"""


def shop_page(snippet: str, message: str) -> str:
    """A shop on another origin: the snippet as pasted from the console, then the shop's own script."""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Kettle shop</title></head><body>
<h1>Kettle shop</h1><p id="result">pending</p>
{snippet}
<script type="module">
const result = document.getElementById('result');
// The snippet's module may finish loading the SDK after this one starts: as the snippet says, wait.
const chat = window.showdeskChat ?? await new Promise((resolve) =>
  addEventListener('showdesk:ready', (e) => resolve(e.detail), {{ once: true }}));
try {{
  await chat.startChat({{ displayName: 'Olga' }});
  await chat.sendText({message!r});
  result.textContent = 'sent';
}} catch (e) {{ result.textContent = 'refused:' + e.code + ':' + e.message; }}
</script>
</body></html>"""


def test_admin_and_architect_set_up_a_video_line_that_a_customer_reaches(
    server: ServerProcess, people: Contexts
) -> None:
    run = uuid.uuid4().hex[:6]
    skill, queue, flow = f"kettle-repair-{run}", f"Kettle Repair {run}", f"Kettle Video {run}"
    agent_email, agent_name, deployment = f"kim-{run}@demo.local", f"Kim {run}", f"Kettle shop {run}"

    # The administrator: a skill, a video queue requiring it, an agent holding it, a deployment.
    admin = AdminConsole(people.new_page(viewport={"width": 1440, "height": 900}), server)
    admin.login("admin@demo.local", "admin")
    admin.open("skills")
    admin.start_new("skill").get_by_test_id("skill-name").fill(skill)
    admin.save("skill", skill)

    admin.open("queues")
    panel = admin.start_new("queue")
    panel.get_by_test_id("queue-name").fill(queue)
    panel.get_by_test_id("queue-channel-video").check()
    admin.tick("queue-skills", skill)
    row = admin.save("queue", queue)
    expect(row).to_contain_text("Video")
    expect(row).to_contain_text(skill)

    admin.open("users")
    panel = admin.start_new("user")
    panel.get_by_test_id("user-email").fill(agent_email)
    panel.get_by_test_id("user-password").fill("kim-long-secret")
    panel.get_by_test_id("user-name").fill(agent_name)
    admin.tick("user-roles", "Agent")
    admin.tick("user-skills", skill)
    panel.get_by_test_id("user-video-enabled").check()
    agent_id = admin.save("user", agent_name).get_attribute("data-id")
    assert agent_id

    admin.open("queues")
    admin.edit("queue", queue)
    admin.tick("queue-members", agent_id)
    expect(admin.save("queue", queue)).to_contain_text(agent_name)

    admin.open("deployments")
    admin.start_new("deployment").get_by_test_id("deployment-name").fill(deployment)
    admin.save("deployment", deployment)
    # the panel stays open on the new deployment, with the snippets to paste: the widget's first, the SDK's below
    widget_snippet = admin.panel.get_by_test_id("deployment-widget-snippet")
    expect(widget_snippet).to_have_value(re.compile(r'/sdk/widget\.js"\s+data-organization="[^"]+" data-deployment='))
    expect(admin.panel.get_by_test_id("deployment-snippet")).to_have_value(re.compile(r"window\.showdeskChat"))
    below = admin.panel.get_by_test_id("deployment-snippet").bounding_box()
    assert below is not None and (widget_snippet.bounding_box() or below)["y"] < below["y"]
    admin.panel.get_by_test_id("panel-close").click()

    # The architect: a flow written in the editor, checked live, drawn, saved and published.
    architect = AdminConsole(people.new_page(viewport={"width": 1440, "height": 1000}), server)
    architect.login("architect@demo.local", "architect")
    architect.open("flows")
    architect.page.get_by_test_id("flow-new").click()
    editor = architect.page.get_by_test_id("flow-editor")
    editor.fill(flow_text(flow, "Kettle Repairs"))
    wrong = architect.page.locator('[data-testid="flow-problem"][data-block="route"][data-severity="error"]')
    expect(wrong).to_contain_text("does not exist")
    graph = architect.page.get_by_test_id("flow-graph")
    expect(graph.locator('[data-testid="flow-node"][data-block="route"]')).to_have_attribute("data-severity", "error")

    editor.fill(flow_text(flow, queue))
    expect(architect.page.get_by_test_id("flow-validity")).to_have_text("Valid: ready to publish")
    expect(architect.page.get_by_test_id("flow-problem")).to_have_count(0)
    video_box = graph.locator('[data-testid="flow-node"][data-block="video"]')
    expect(video_box).to_have_attribute("data-type", "startVideo")
    expect(video_box).to_contain_text("one-way")
    route_box = graph.locator('[data-testid="flow-node"][data-block="route"]')
    expect(route_box).to_have_attribute("data-severity", "")
    expect(route_box).to_contain_text(queue)
    expect(graph.locator('[data-testid="flow-edge"][data-from="video"][data-to="route"]')).to_have_attribute(
        "data-label", "success / failure"
    )

    architect.page.get_by_test_id("flow-save").click()
    status = architect.page.get_by_test_id("flow-status")
    expect(status).to_contain_text("Latest v1")
    expect(status).to_contain_text("not published")
    architect.page.get_by_test_id("flow-publish").click()
    expect(status).to_contain_text("published v1")
    expect(architect.row("flow", flow)).to_contain_text("v1 (latest)")

    # The administrator binds the deployment to the flow and lets the shop's origin in.
    admin.open("deployments")
    panel = admin.edit("deployment", deployment)
    panel.get_by_test_id("deployment-flow").select_option(label=f"{flow} (published v1)")
    panel.get_by_test_id("deployment-origins").fill(SHOP)
    row = admin.save("deployment", deployment)
    expect(row).to_contain_text(flow)
    expect(row).to_contain_text(SHOP)
    admin.edit("deployment", deployment)
    snippet = admin.panel.get_by_test_id("deployment-snippet").input_value()
    assert "/sdk/webchat.js" in snippet and str(row.get_attribute("data-id")) in snippet

    # The new agent goes on queue; a customer on the shop's site starts a chat through the snippet.
    agent = AgentPage(people.new_page(), server).login(agent_email, "kim-long-secret").go_on_queue()
    customer = people.new_page()
    message = f"My kettle {run} will not heat"

    def serve_shop(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=shop_page(snippet, message))

    customer.route(f"{SHOP}/**", serve_shop)
    customer.goto(f"{SHOP}/")
    expect(customer.locator("#result")).to_have_text("sent")
    panel = agent.accept()
    expect(panel).to_contain_text("Olga")
    expect(panel.get_by_test_id("chat-log")).to_contain_text(message)

    # The audit log names the administrator as the one who created the queue.
    admin.panel.get_by_test_id("panel-close").click()
    admin.open("audit")
    admin.page.get_by_test_id("audit-filter").select_option("queue")
    created = admin.page.locator(f'[data-testid="audit-row"][data-action="queue.create"][data-target="{queue}"]')
    expect(created).to_contain_text("Alex Admin")
    end_open_chats(people)

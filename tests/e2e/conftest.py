"""Playwright with Debian's Chromium against a real ShowDesk server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.support.chromium import CHROMIUM, FAKE_MEDIA, HEADLESS_FLAGS
from tests.support.netns import CustomerNetwork, netns_available
from tests.support.server import ServerProcess
from tests.support.y4m import CUSTOMER_PICTURE, write_quadrants

__all__ = ["CHROMIUM", "HEADLESS_FLAGS", "Contexts"]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (scripts/install puts it there)"))


# Module scope: the sync API runs an event loop in this thread while it is open, and the async
# tests collected after the e2e modules need the thread free again.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=HEADLESS_FLAGS)
    yield b
    b.close()


@pytest.fixture(scope="module")
def site_browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium for pages a test serves itself (page.route: a site embedding the widget): such a page counts as
    "public", and Local Network Access would keep it from the server on loopback, which is not where a real
    ShowDesk server is to the shopper."""
    args = [*HEADLESS_FLAGS, "--disable-features=LocalNetworkAccessChecks"]
    b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    yield b
    b.close()


@pytest.fixture
def site_people(site_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    """A test's people on `site_browser`."""
    from tests.e2e.pages import open_contexts

    yield from open_contexts(site_browser, request)


@pytest.fixture(scope="module")
def net() -> Iterator[CustomerNetwork]:
    """The customer's own network namespace (its UDP can be cut, its uplink slowed); skips where none can be made."""
    reason = netns_available()
    if reason:
        pytest.skip(reason)
    with CustomerNetwork() as network:
        yield network


@pytest.fixture
def customer_and_agent(
    customer_browser: Browser, browser: Browser, net: CustomerNetwork, request: pytest.FixtureRequest
) -> Iterator[tuple[Contexts, Contexts]]:
    """A customer on the namespace's Chromium, an agent on the host's; the namespace's limits lifted after."""
    from tests.e2e.pages import open_contexts

    customers, agents = open_contexts(customer_browser, request), open_contexts(browser, request)
    yield next(customers), next(agents)
    net.unblock()
    net.limit_upload(None)
    for contexts in (customers, agents):
        next(contexts, None)


def launch_with_camera(playwright: Playwright, picture: Path, *extra: str) -> Browser:
    """Headless Chromium whose fake camera shows `picture` (a Y4M file); `extra` flags after Chromium's own."""
    args = [*HEADLESS_FLAGS, *FAKE_MEDIA, f"--use-file-for-fake-video-capture={picture}", *extra]
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)


@pytest.fixture(scope="module")
def camera_browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A Chromium whose fake camera shows the customer's four-colour picture, granted without a prompt."""
    picture = write_quadrants(tmp_path_factory.mktemp("camera") / "customer.y4m", CUSTOMER_PICTURE)
    b = launch_with_camera(playwright, picture, "--use-fake-ui-for-media-stream")
    yield b
    b.close()


@pytest.fixture
def camera_people(camera_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    """A test's people on the four-colour camera browser (the customer's page shares its camera)."""
    from tests.e2e.pages import open_contexts

    yield from open_contexts(camera_browser, request)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = ServerProcess("--offer-timeout", "4", "--agent-grace", "2").start()
    yield proc
    proc.cleanup()


class Contexts:
    """Browser contexts a test opens (one per person); closed, with screenshots on failure, after it."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.opened: list[BrowserContext] = []

    def new_page(self, **kwargs: object) -> Page:
        context = self.browser.new_context(**kwargs)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        self.opened.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: print(f"page error on {page.url}: {exc}"))
        return page

    def close(self, name: str | None = None) -> None:
        for i, context in enumerate(self.opened):
            if name:
                ARTIFACTS.mkdir(exist_ok=True)
                for j, page in enumerate(context.pages):
                    page.screenshot(path=str(ARTIFACTS / f"{name}-{i}-{j}.png"))
            context.close()


@pytest.fixture
def people(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    contexts = Contexts(browser)
    yield contexts
    failed = getattr(request.node, "rep_call", None)
    contexts.close(request.node.name if failed is not None and failed.failed else None)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report

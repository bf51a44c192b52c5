"""Playwright driving Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser is the system `chromium` package.
Screenshots of each step land in test-artifacts/ (desktop and phone widths).

Tests wait for what they need, never for time. Playwright fills an input as soon as
it exists, but a new document's scripts (end of <body>) and htmx's processing of
swapped-in content (when the swap settles) come later; static/js/ready.js marks
both, and the helpers below wait for the marks:
- `visit(page, path)` instead of `page.goto`;
- `click_and_load(locator)` for a click that loads a new document (a link, a form post);
- `swapped_in(locator)` before using what htmx has just put on the page.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

# Playwright's sync API keeps an event loop in the test thread; the ORM calls
# these tests make beside it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


BROWSER_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Mark this folder's tests `browser`. A conftest hook sees every item of the session, not just its
    folder's, so pick ours: marking them all made `-m "not browser"` select nothing."""
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Browser tests need Debian's chromium package: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    # A CSP violation or script error is a bug, not noise.
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _system_role_groups(transactional_db):
    """Transactional tests flush every table, the rows of data migrations too: put the role groups back,
    so a test that gives a user a system role works whichever test ran before it."""
    import importlib

    from django.apps import apps

    importlib.import_module("users.migrations.0002_system_roles").create_roles(apps, None)


def screenshot(page, name: str) -> None:
    """Save desktop and phone screenshots of the current page for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
    too_wide = page.evaluate(WIDER_THAN_VIEWPORT)
    page.set_viewport_size(size)
    assert not too_wide, f"{name}: the page scrolls sideways on a phone because of {too_wide}"


# A page must not scroll sideways on a phone (tables may, inside .table-responsive).
# When it does, name a few elements that stick out past the right edge.
WIDER_THAN_VIEWPORT = """() => {
  if (document.documentElement.scrollWidth <= window.innerWidth) return [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className.trim()
       ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  return [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .reverse().slice(0, 5).map(name).concat(["page width " + document.documentElement.scrollWidth + "px"]);
}"""


def wait_ready(page: Page) -> None:
    """Wait until the current document's scripts have run and bound their listeners (<html data-ready>)."""
    never = "the page never became ready: a script failed, or it is not a base.html page (the 500 page?)"
    expect(page.locator("html[data-ready]"), never).to_be_attached()


def visit(page: Page, path: str) -> None:
    page.goto(path)
    wait_ready(page)


def click_and_load(locator: Locator) -> None:
    """Click something that loads a new document, and wait until that document is ready. The page we leave
    loses its mark first, so it cannot pass for the new one even if the click returns before the new one
    replaces it (Playwright waits for that today, but calls the waiting a deprecated default)."""
    locator.page.evaluate("delete document.documentElement.dataset.ready")
    locator.click()
    wait_ready(locator.page)


def swapped_in(locator: Locator) -> Locator:
    """Wait until htmx has settled what it swapped in: its hx- attributes work and designer.js has set it up."""
    expect(locator).to_have_attribute("data-ready", "true")
    return locator


def log_in(page: Page, email: str, password: str) -> None:
    visit(page, "/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    click_and_load(page.get_by_role("button", name="Log in"))

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import click_and_load, log_in, screenshot, visit
from users.models import AuditEvent, User
from users.tests.factories import CompanyFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_company_signs_up_adds_a_worker_who_logs_in(page):
    visit(page, "/")
    click_and_load(page.get_by_role("link", name="Sign up your company"))
    page.get_by_label("Company name").fill("Bloom Florists")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Bloom")
    page.get_by_label("Work email").fill("ada@bloom.example")
    page.get_by_label("Password").fill("123")
    click_and_load(page.get_by_role("button", name="Create company"))
    expect(page.locator('[data-field-error="password"]')).to_contain_text("too short")
    screenshot(page, "signup-error")

    page.get_by_label("Password").fill("tulips-in-April-42")
    click_and_load(page.get_by_role("button", name="Create company"))
    expect(page.get_by_test_id("current-company")).to_have_text("Bloom Florists")
    expect(page.get_by_text("You are the only member so far")).to_be_visible()
    screenshot(page, "dashboard-new-company")

    click_and_load(page.get_by_role("link", name="Manage team"))
    click_and_load(page.get_by_role("link", name="Add a teammate").first)
    page.get_by_label("Email").fill("dana@bloom.example")
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Worker")
    page.get_by_label("Temporary password").fill("watering-Cans-9")
    page.get_by_label(re.compile("Ticket submitter")).uncheck()
    page.get_by_label(re.compile("Task worker")).check()
    screenshot(page, "team-add")
    click_and_load(page.get_by_role("button", name="Add teammate"))
    expect(page.get_by_text("Dana Worker was added")).to_be_visible()
    expect(page.get_by_role("cell", name="dana@bloom.example")).to_be_visible()
    screenshot(page, "team-list")

    click_and_load(page.get_by_role("button", name="Log out"))
    log_in(page, "dana@bloom.example", "watering-Cans-9")
    expect(page.get_by_role("heading", name="Hello, Dana")).to_be_visible()
    expect(page.get_by_test_id("current-company")).to_have_text("Bloom Florists")
    expect(page.get_by_text("Task worker")).to_be_visible()
    expect(page.get_by_role("link", name="Team")).to_have_count(0)
    screenshot(page, "dashboard-worker")
    assert User.objects.get(email="dana@bloom.example").groups.get().name == "task_worker"
    assert page.console_errors == []


def test_superuser_impersonates_a_company_and_stops(page):
    company = CompanyFactory(name="Bloom Florists")
    UserFactory(company=company, email="ada@bloom.example")
    staff = SuperuserFactory(email="staff@ticketflower.test")

    log_in(page, staff.email, "a-Strong-test-passw0rd")
    expect(page.get_by_role("heading", name="Act inside a company")).to_be_visible()
    screenshot(page, "impersonate-pick")
    click_and_load(page.get_by_role("button", name="Act as Bloom Florists"))
    expect(page.get_by_test_id("current-company")).to_have_text("Bloom Florists")
    expect(page.get_by_role("status")).to_contain_text("acting inside Bloom Florists")
    page.get_by_role("button", name="Team", exact=True).click()  # the Team menu: people and company roles
    click_and_load(page.get_by_role("link", name="People", exact=True))
    expect(page.get_by_role("cell", name="ada@bloom.example")).to_be_visible()
    screenshot(page, "impersonating-team")

    click_and_load(page.get_by_role("button", name="Stop impersonating"))
    expect(page.get_by_test_id("current-company")).to_have_text("No company selected")
    expect(page.get_by_role("button", name="Stop impersonating")).to_have_count(0)
    actions = set(AuditEvent.objects.filter(company=company, actor=staff).values_list("action", flat=True))
    assert actions == {"impersonation_started", "impersonation_stopped"}
    assert page.console_errors == []


LONG_NAME = "Bloom" + "x" * 250  # 255 characters, no space to break at

# Whether the navbar's visible pieces sit on one line: one horizontal line crosses them all.
NAVBAR_ON_ONE_LINE = """() => {
  const nav = document.querySelector("nav.navbar");
  const boxes = [...nav.querySelectorAll(".navbar-brand, .company-badge, .navbar-toggler, .nav-link, .navbar-nav .btn")]
    .map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0);
  return Math.max(...boxes.map((r) => r.top)) < Math.min(...boxes.map((r) => r.bottom));
}"""


@pytest.mark.parametrize("width", [1366, 390])
def test_a_very_long_company_name_is_shortened_on_one_navbar_line_while_impersonating(page, width):
    company = CompanyFactory(name=LONG_NAME)
    UserFactory(company=company, email="ada@bloom.example")
    staff = SuperuserFactory(email="staff@ticketflower.test")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, staff.email, "a-Strong-test-passw0rd")
    expect(page.get_by_role("cell", name=LONG_NAME, exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # the impersonate page
    click_and_load(page.get_by_role("button", name=f"Act as {LONG_NAME}"))

    badge = page.get_by_test_id("current-company")
    expect(badge).to_have_attribute("title", LONG_NAME)
    assert badge.evaluate("(e) => e.scrollWidth > e.clientWidth")  # shortened with an ellipsis...
    assert page.evaluate(NAVBAR_ON_ONE_LINE)  # ...and everything in the navbar stays on one line
    # The notice that staff act inside a company appears once (the bar), not again as a message.
    expect(page.get_by_text("acting inside")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"impersonating-long-name-{width}")

    visit(page, "/")  # the dashboard cuts it too, the full name on hover
    expect(page.get_by_test_id("company-and-roles").get_by_title(LONG_NAME)).to_have_text(LONG_NAME)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for path in ("/team/", "/company-roles/", "/design/tickets/", "/ops/tickets/", "/ops/tasks/"):
        visit(page, path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    assert page.console_errors == []

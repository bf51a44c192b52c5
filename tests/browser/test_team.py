"""The team page on a phone: everyone's roles and buttons in view, nothing to scroll sideways."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot, visit
from users.roles import SystemRole
from users.tests.factories import TEST_PASSWORD, CompanyFactory, CompanyRoleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

IN_VIEW = "(element) => { const r = element.getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth; }"


def test_team_on_a_phone_shows_roles_and_buttons_without_sideways_scrolling(page):
    company = CompanyFactory(name="Bloom Florists")
    owner = UserFactory(company=company, email="ada@bloom.example", first_name="Ada", roles=[SystemRole.ADMIN])
    buyers = CompanyRoleFactory(company=company, name="Buyers")
    dana = UserFactory(
        company=company,
        email="dana.worker-with-a-long-address@bloom-florists-and-garden-supplies.example",
        first_name="Dana",
        last_name="Worker",
        roles=[SystemRole.TASK_WORKER, SystemRole.TICKET_ADMIN, SystemRole.WORKFLOW_CREATOR],
    )
    dana.company_roles.set([buyers])
    log_in(page, owner.email, TEST_PASSWORD)
    page.set_viewport_size(PHONE)
    visit(page, "/team/")

    row = page.get_by_test_id(f"member-{dana.pk}")
    for text in ("Task worker", "Ticket admin", "Workflow creator", "Buyers"):
        expect(row.get_by_text(text, exact=True).filter(visible=True)).to_be_visible()
    for button in (row.get_by_role("link", name="Edit roles"), row.get_by_role("button", name="Deactivate")):
        expect(button).to_be_visible()
        assert button.evaluate(IN_VIEW)
    table_box = page.get_by_test_id("team-table").locator("xpath=..")
    assert table_box.evaluate("(box) => box.scrollWidth <= box.clientWidth")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "team-roles")  # desktop, then phone again
    assert page.console_errors == []

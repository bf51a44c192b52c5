"""Each person's dashboard says what they can do, whatever their roles."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot, visit
from users.roles import SystemRole
from users.tests.factories import ALL_ROLES, TEST_PASSWORD, CompanyFactory, UserFactory
from workflow_ops.tests.factories import form_task, simple_process

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [
    ("owner", ALL_ROLES, "You can add teammates and give them roles", ["Team", "Workflows", "My tasks"]),
    ("submitter", [SystemRole.USER], "You can submit tickets and follow them.", ["New ticket", "My tickets"]),
    ("worker", [SystemRole.TASK_WORKER], "You can receive tasks and complete them.", ["My tasks"]),
]


@pytest.mark.parametrize(("who", "roles", "abilities", "cards"), PEOPLE, ids=[person[0] for person in PEOPLE])
def test_dashboard_says_what_each_person_can_do(page, who, roles, abilities, cards):
    company = CompanyFactory(name="Demo Company")
    simple_process(company, tasks=[form_task("check")], transitions=[{"from": None, "to": "check"}])
    person = UserFactory(company=company, email=f"{who}@demo.example", first_name=who.title(), roles=roles)
    log_in(page, person.email, TEST_PASSWORD)
    visit(page, "/")
    expect(page.get_by_test_id("abilities")).to_contain_text(abilities)
    for card in cards:
        expect(page.get_by_role("heading", name=card, exact=True)).to_be_visible()
    expect(page.get_by_text("no roles")).to_have_count(0)
    screenshot(page, f"dashboard-{who}")
    assert page.console_errors == []

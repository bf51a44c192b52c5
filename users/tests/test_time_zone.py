"""The company's time zone: taken from the browser at signup, set by its admin, used on every page."""

import pytest
from django.urls import reverse

from users.models import Company
from users.roles import SystemRole

pytestmark = pytest.mark.django_db

SIGNUP = {
    "company_name": "Kyoto Kites",
    "first_name": "Aiko",
    "last_name": "Sato",
    "email": "aiko@kites.example",
    "password": "a-long-enough-passphrase-42",
}


def test_signup_takes_the_browsers_time_zone(client):
    client.post(reverse("signup"), {**SIGNUP, "time_zone": "Asia/Tokyo"})
    assert Company.objects.get(name="Kyoto Kites").time_zone == "Asia/Tokyo"


@pytest.mark.parametrize("sent", ["", "Mars/Olympus", "UTC; DROP TABLE"])
def test_signup_falls_back_to_utc_when_the_browser_says_nothing_useful(client, sent):
    client.post(reverse("signup"), {**SIGNUP, "time_zone": sent})
    assert Company.objects.get(name="Kyoto Kites").time_zone == "UTC"


def test_the_signup_page_asks_the_browser(client):
    page = client.get(reverse("signup")).content.decode()
    assert "data-browser-time-zone" in page and "js/timezone.js" in page


def test_the_company_admin_sets_the_time_zone_and_others_may_not(client, tenant):
    client.force_login(tenant.by_role[SystemRole.TICKET_ADMIN])
    assert client.get(reverse("company-settings")).status_code == 403
    client.force_login(tenant.by_role[SystemRole.ADMIN])
    response = client.post(reverse("company-settings"), {"name": tenant.company.name, "time_zone": "Nowhere/Land"})
    assert 'data-field-error="time_zone"' in response.content.decode()
    client.post(reverse("company-settings"), {"name": tenant.company.name, "time_zone": "America/New_York"})
    tenant.company.refresh_from_db()
    assert tenant.company.time_zone == "America/New_York"

"""Small things people noticed on the workflow pages: times, the Export button."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from workflow_design.tests.factories import two_task_workflow

pytestmark = pytest.mark.django_db


def test_a_workflow_changed_a_moment_ago_reads_just_now_not_0_minutes_ago(client, tenant):
    workflow = two_task_workflow(tenant.company)
    client.force_login(tenant.owner)
    listing = client.get(reverse("design:workflow-list")).content.decode()
    detail = client.get(reverse("design:workflow-detail", args=[workflow.pk])).content.decode()
    assert "just now" in listing and "changed just now" in detail
    assert "0\xa0minutes" not in listing + detail and "0 minutes" not in listing + detail


def test_no_template_says_timesince_itself():
    """The `ago` filter (users/templatetags/timing.py) says "just now" for the last minute."""
    templates = Path(settings.BASE_DIR) / "templates"
    users = [path.name for path in templates.rglob("*.html") if re.search(r"\|\s*timesince", path.read_text())]
    assert users == []


def test_export_looks_like_a_button_you_can_press(client, tenant):
    workflow = two_task_workflow(tenant.company)
    client.force_login(tenant.owner)
    page = client.get(reverse("design:workflow-detail", args=[workflow.pk])).content.decode()
    url = reverse("design:workflow-export", args=[workflow.pk])
    export = re.search(f'<a class="([^"]*)" href="{url}"', page)
    assert export and "btn-outline-primary" in export.group(1)

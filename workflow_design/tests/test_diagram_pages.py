"""Mermaid (3.5 MB) costs only the pages that show a diagram, and loads without inline script (CSP)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from workflow_design.tests.factories import two_task_workflow

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def templates_containing(text):
    return {path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.html") if text in path.read_text()}


def test_only_the_pages_that_show_a_diagram_include_the_diagram_script():
    diagram_pages = {"workflow_design/workflow_detail.html", "workflow_design/workflow_edit.html"}
    assert templates_containing("workflow_design/includes/diagram.html") == diagram_pages
    assert templates_containing("workflow_design/includes/mermaid_scripts.html") == diagram_pages
    assert templates_containing("vendor/mermaid") == {"workflow_design/includes/mermaid_scripts.html"}


@pytest.mark.django_db
def test_diagram_pages_load_mermaid_through_a_script_file_and_other_pages_not_at_all(client, tenant):
    workflow = two_task_workflow(tenant.company)
    client.force_login(tenant.owner)
    for name in ("workflow-detail", "workflow-edit"):
        page = client.get(reverse(f"design:{name}", args=[workflow.pk])).content.decode()
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert any("js/diagram.js" in tag and "data-mermaid-src=" in tag for tag in scripts)
        # No inline script: every script is a file with the request's nonce.
        assert all(" src=" in tag and " nonce=" in tag for tag in scripts), scripts
    for url in (reverse("dashboard"), reverse("design:workflow-list"), reverse("design:ticket-type-list")):
        assert "mermaid" not in client.get(url).content.decode()

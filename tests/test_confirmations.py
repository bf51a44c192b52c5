"""Every destructive action asks first through the one dialog (static/js/confirm.js): `data-confirm` on its form
or htmx button; no hx-confirm, no window.confirm. tests/browser/test_confirmations.py clicks through it."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SCRIPTS = Path(settings.BASE_DIR) / "static" / "js"

# Template -> the URL name of each destructive action in it.
DESTRUCTIVE = {
    "users/team_list.html": "team-deactivate",
    "users/company_role_list.html": "company-role-delete",
    "workflow_design/ticket_type_detail.html": "design:ticket-type-retire",
    "workflow_design/workflow_detail.html": "design:workflow-discard",
    "workflow_design/includes/task_table.html": "design:task-delete",
    "workflow_design/includes/transition_table.html": "design:transition-delete",
    "workflow_ops/ticket_detail.html": "ops:ticket-cancel",
}


def test_every_destructive_form_or_button_asks_first():
    for template, url_name in DESTRUCTIVE.items():
        text = (TEMPLATES / template).read_text()
        tags = [tag for tag in re.findall(r"<(?:form|button)\b[^>]*>", text) if f"'{url_name}'" in tag]
        assert tags, f"{template}: no form or button posts to {url_name}"
        for tag in tags:
            assert "data-confirm=" in tag, f"{template}: {url_name} does not ask first: {tag}"


def test_nothing_asks_with_the_browsers_own_dialog():
    for path in TEMPLATES.rglob("*.html"):
        assert "hx-confirm" not in path.read_text(), f"{path}: use data-confirm (the styled dialog)"
    for path in SCRIPTS.glob("*.js"):
        assert not re.search(r"\bconfirm\(", path.read_text()), f"{path}: use the dialog, not window.confirm"

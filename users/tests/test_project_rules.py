"""Rules of the codebase itself: migrations, role data, and tenant scoping in views."""

import ast
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from users.roles import ROLE_PERMISSIONS

ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_system_role_groups_hold_their_permissions():
    from django.contrib.auth.models import Group

    for role, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        assert sorted(group.permissions.values_list("codename", flat=True)) == sorted(codenames)
    migration = importlib.import_module("users.migrations.0002_system_roles")
    assert {str(k): v for k, v in ROLE_PERMISSIONS.items()} == migration.ROLE_PERMISSIONS


def tenant_model_names() -> set[str]:
    """Every model with a `company` foreign key (the User model included)."""
    return {
        model.__name__
        for model in apps.get_models()
        if any(field.name == "company" and field.is_relation for field in model._meta.get_fields())
    }


def unscoped_queries(source: str, tenant_models: set[str]) -> list[str]:
    """`Model.objects.<anything but for_company>` on a tenant model, as 'line: text'."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "objects"
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id in tenant_models
            and node.attr != "for_company"
        ):
            problems.append(f"{node.lineno}: {node.value.value.id}.objects.{node.attr}")
    return problems


def test_the_scan_catches_an_unscoped_query():
    assert unscoped_queries("x = Ticket.objects.get(pk=1)", {"Ticket"}) == ["1: Ticket.objects.get"]
    assert unscoped_queries("x = Ticket.objects.for_company(c).get(pk=1)", {"Ticket"}) == []


def test_views_query_tenant_models_only_through_for_company():
    tenant_models = tenant_model_names()
    assert {"User", "CompanyRole"} <= tenant_models
    offenders = {}
    for views in sorted(ROOT.glob("*/views*.py")) + sorted(ROOT.glob("*/views/*.py")):
        problems = unscoped_queries(views.read_text(), tenant_models)
        if problems:
            offenders[str(views.relative_to(ROOT))] = problems
    assert offenders == {}, f"Unscoped queries on company-owned models in views: {offenders}"


# Django's {# #} comments end at the line: a multi-line one is printed on the page.
UNCLOSED_LINE_COMMENT = re.compile(r"\{#(?!.*#\})")


def test_template_comments_that_span_lines_use_the_comment_tag():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if UNCLOSED_LINE_COMMENT.search(line)
    ]
    assert offenders == [], f"Use {{% comment %}} for multi-line comments: {offenders}"


APPS = ("ticketflower", "users", "workflow_design", "workflow_ops")


def function_level_imports(source: str) -> list[str]:
    """Imports of project modules inside functions, as 'line: module' (AppConfig.ready() may import)."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name == "ready":
            continue
        for inner in ast.walk(node):
            modules = [inner.module or ""] if isinstance(inner, ast.ImportFrom) else []
            modules += [alias.name for alias in inner.names] if isinstance(inner, ast.Import) else []
            problems += [f"{inner.lineno}: {name}" for name in modules if name.split(".")[0] in APPS]
    return problems


def test_the_scan_catches_an_import_hidden_in_a_function():
    source = "def f():\n    from workflow_design.bundles import x\n\n"
    source += "class A:\n    def ready(self):\n        import users\n"
    assert function_level_imports(source) == ["2: workflow_design.bundles"]


def test_no_function_level_imports_hide_a_cycle():
    offenders = {}
    for path in sorted(ROOT.glob("*/**/*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] not in APPS or "tests" in parts or "migrations" in parts:
            continue
        problems = function_level_imports(path.read_text())
        if problems:
            offenders[str(path.relative_to(ROOT))] = problems
    assert offenders == {}, f"Import at module level (and fix the cycle, if that is why): {offenders}"

"""The README's commands work as written, and it lists every Makefile target."""

import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from users.models import Company
from users.tests.factories import CompanyFactory
from workflow_design.bundles import reference_bundle
from workflow_design.models import WorkflowDefinition
from workflow_design.services import bundle_import

ROOT = Path(settings.BASE_DIR)
README = (ROOT / "README.md").read_text()


def test_the_readme_lists_every_makefile_target():
    makefile = (ROOT / "Makefile").read_text()
    targets = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE).group(1).split()
    assert "demo" in targets
    missing = [target for target in targets if not re.search(rf"`make {re.escape(target)}\b", README)]
    assert missing == []


@pytest.mark.django_db
def test_the_readmes_bundle_commands_run_as_written(tmp_path, monkeypatch, capsys):
    demo = CompanyFactory(name="Demo Company")
    bundle_import(company=demo, actor=None, doc=reference_bundle("procurement"))
    commands = [line for line in README.splitlines() if re.match(r"\.venv/bin/python manage\.py \w+_bundle ", line)]
    assert [shlex.split(line)[2] for line in commands] == ["export_bundle", "import_bundle"]
    monkeypatch.chdir(tmp_path)  # demo.json is written and read here

    for line in commands:
        call_command(*shlex.split(line)[2:])

    another = Company.objects.get(name="Another Company")
    assert WorkflowDefinition.objects.for_company(another).filter(key="procurement").exists()

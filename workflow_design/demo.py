"""The demo company's processes: the reference bundles, loaded into it by `manage.py seed_demo`.

Loading is idempotent: a bundle already loaded unchanged is left alone, a changed one
is published as a new version, and an unpublished draft of a demo workflow is never
discarded. A bundle whose action task would call a private address where that is
refused (production settings) is skipped, and the result says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from users.models import Company
from users.services import Actor
from workflow_design.bundles import (
    BundleInvalid,
    parse_bundle,
    reference_bundle_bytes,
    reference_bundle_paths,
    uses_demo_actions,
)
from workflow_design.services import DraftsInTheWay, bundle_import, bundle_import_plan


@dataclass(frozen=True)
class BundleLoad:
    """What loading one reference bundle did, in words ("procurement.json: workflow procurement v1 …")."""

    name: str  # the bundle's file name
    message: str
    skipped: bool = False

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"


def reference_processes_load(*, company: Company, actor: Actor | None) -> list[BundleLoad]:
    """Load every reference bundle into `company`, one import (one transaction) per bundle."""
    return [reference_process_load(company=company, actor=actor, path=path) for path in reference_bundle_paths()]


def reference_process_load(*, company: Company, actor: Actor | None, path: Path) -> BundleLoad:
    doc = parse_bundle(reference_bundle_bytes(path))
    try:
        plan = bundle_import_plan(company=company, doc=doc)
    except BundleInvalid as invalid:
        refused_action = any(problem.path.endswith(".action_url") for problem in invalid.problems)
        if not (refused_action and uses_demo_actions(path)):
            raise  # an invalid reference bundle is a bug in this repository
        return BundleLoad(
            path.name,
            "skipped. Its action task calls this server's demo endpoint at "
            f"{settings.DEMO_ACTION_BASE_URL}, and actions may not call private addresses here "
            "(ACTIONS_ALLOW_PRIVATE_TARGETS is off, as production wants). Set DEMO_ACTION_BASE_URL "
            "to this server's public https address to load it.",
            skipped=True,
        )
    if not plan.has_changes:
        return BundleLoad(path.name, "already loaded; nothing changed.")
    try:
        result = bundle_import(company=company, actor=actor, doc=doc)
    except DraftsInTheWay as drafts:
        return BundleLoad(path.name, f"skipped. {drafts} Publish or discard them, then run again.", skipped=True)
    return BundleLoad(path.name, result.summary())

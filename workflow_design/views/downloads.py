"""Bundles as file downloads."""

from __future__ import annotations

from django.http import HttpResponse

from workflow_design.bundles import dump_bundle


def bundle_download(doc: dict, filename: str) -> HttpResponse:
    """A bundle as a JSON file download."""
    response = HttpResponse(dump_bundle(doc), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

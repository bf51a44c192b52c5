"""Small view helpers shared by every app."""

from __future__ import annotations

from django.http import HttpRequest


def search_text(request: HttpRequest) -> str:
    """The list search box (`?q=`), trimmed; NUL removed, as PostgreSQL refuses it in queries."""
    return request.GET.get("q", "").replace("\x00", "").strip()


class HtmxPartialMixin:
    """Renders only the named partial of the page for (non-boosted) htmx requests."""

    partial_name = "rows"

    def get_template_names(self) -> list[str]:
        names = super().get_template_names()
        if self.request.htmx and not self.request.htmx.boosted:
            return [f"{names[0]}#{self.partial_name}"]
        return names

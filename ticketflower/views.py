"""Small view helpers shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect


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


def answer_oversized_posts(view: Callable) -> Callable:
    """Decorate a view whose form may be posted with more than DATA_UPLOAD_MAX_MEMORY_SIZE of text.

    Django refuses such a request with a bare 400 while CSRF middleware reads the
    form. Here the body is read first. A too-large one reaches the view with an
    empty POST and `request.oversized_post` set, so the view (its login and
    permission checks included) answers with its page and a size message; it must
    write nothing then, as the CSRF token could not be read. Any other request goes
    through the usual CSRF check.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.oversized_post = False
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 - reading it is the check
            except RequestDataTooBig:
                request._mark_post_parse_error()
                request.oversized_post = True
                return view(request, *args, **kwargs)
        return protected(request, *args, **kwargs)

    return wrapper

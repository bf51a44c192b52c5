"""Queue pages: a capped count ("99+" past selectors.counts.COUNT_CAP) and the filter form's selects."""

from html import escape

from django import template
from django.forms import BoundField
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe

from workflow_ops.selectors.counts import label

SELECTED = mark_safe(" selected")

register = template.Library()


@register.filter
def capped(count: int) -> str:
    return label(count or 0)


@register.simple_tag
def filter_select(field: BoundField) -> SafeString:
    """A filter's <select>, written directly: Django's widget templates render a template per
    option, which made the filter form a third of a queue page's rendering time. The standard
    library's escape, as format_html's lazy-string checks cost more than the escaping."""
    value = field.value()
    chosen = {str(item) for item in (value if isinstance(value, list | tuple) else [value]) if item not in (None, "")}
    attrs = field.build_widget_attrs({"id": field.auto_id, **field.field.widget.attrs})
    options = "".join(
        f'<option value="{escape(str(key))}"{SELECTED if str(key) in chosen else ""}>{escape(str(text))}</option>'
        for key, text in field.field.choices
    )
    return mark_safe(f'<select name="{escape(field.html_name)}"{flatatt(attrs)}>{options}</select>')


@register.simple_tag
def choice_options(choices: list[tuple]) -> SafeString:
    """<option>s of (value, label) pairs, written directly like filter_select's."""
    return mark_safe(
        "".join(f'<option value="{escape(str(key))}">{escape(str(text))}</option>' for key, text in choices)
    )


@register.simple_tag
def worker_options(workers: list) -> SafeString:
    """<option>s of workers by name: the inbox draws one list per task row (thirty lists of twenty)."""
    return choice_options([(worker.pk, worker) for worker in workers])

"""django-fsm's optimistic locking, without its cost on every row a list builds."""

from __future__ import annotations

from functools import cache

from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMFieldMixin


@cache
def _state_fields(model: type[models.Model]) -> tuple[FSMFieldMixin, ...]:
    return tuple(field for field in model._meta.fields if isinstance(field, FSMFieldMixin))


class ConcurrentStateMixin(ConcurrentTransitionMixin):
    """A save refuses a row whose state changed since it was read (ConcurrentTransition).

    django-fsm looks for the state fields among all of a model's fields each time an
    instance is built; a queue page builds eighty. They are found once per model here.
    """

    @property
    def state_fields(self) -> tuple[FSMFieldMixin, ...]:
        return _state_fields(type(self))

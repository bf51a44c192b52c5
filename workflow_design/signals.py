"""Ticket types and workflows are part of a company's setup: a change moves its `setup_version` on.

The queues filter by ticket type and by the outcomes of workflows' end arrows, and name
each row's ticket type and step; those are cached under the version (users.company_cache). Bulk-created transitions
send no signal, but always come with a new workflow version, which does.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from users.company_cache import setup_changed
from workflow_design.models import TaskDefinition, TicketDefinition, WorkflowDefinition, WorkflowTransition


@receiver([post_save, post_delete], sender=TicketDefinition)
@receiver([post_save, post_delete], sender=WorkflowDefinition)
@receiver([post_save, post_delete], sender=TaskDefinition)
@receiver([post_save, post_delete], sender=WorkflowTransition)
def definition_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        setup_changed([instance.company_id])

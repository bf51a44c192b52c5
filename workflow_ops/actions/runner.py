"""Where the engine hands a queued action task (SYNC_ACTION / ASYNC_ACTION).

`settings.ACTION_RUNNER` names the class. The runner that calls action URLs (through
`ticketflower.outbound`, with retries as WorkflowErrors) is the automation work
still to come; until it lands, `NotRunningYet` leaves action tasks queued and
their pages say so.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class ActionRunner(Protocol):
    #: Shown on an action task's page while it waits.
    waiting_message: str

    def enqueue(self, task_id: int) -> None:
        """Run (or schedule) the action of queued task `task_id`; called after the commit that queued it."""


class NotRunningYet:
    waiting_message = (
        "This step is an HTTP action. Running actions is not switched on in this installation yet, "
        "so it waits here; a ticket admin can follow it on the errors page once it is."
    )

    def enqueue(self, task_id: int) -> None:
        """Nothing runs actions yet: the task stays queued."""


def action_runner() -> ActionRunner:
    return import_string(settings.ACTION_RUNNER)()

"""Running work: tickets, their workflow, its tasks, errors, history and notifications."""

from workflow_ops.models.errors import ErrorAttempt, ErrorKind, ErrorStatus, WorkflowError
from workflow_ops.models.history import StatusChange, Subject
from workflow_ops.models.notifications import Notification, NotificationKind
from workflow_ops.models.tasks import OPEN_TASK_STATUSES, WORKABLE, TaskInstance, TaskStatus
from workflow_ops.models.tickets import CANCELLED_OUTCOME, Priority, TicketCounter, TicketInstance, TicketStatus
from workflow_ops.models.workflows import WorkflowInstance, WorkflowStatus

__all__ = [
    "CANCELLED_OUTCOME",
    "OPEN_TASK_STATUSES",
    "WORKABLE",
    "ErrorAttempt",
    "ErrorKind",
    "ErrorStatus",
    "Notification",
    "NotificationKind",
    "Priority",
    "StatusChange",
    "Subject",
    "TaskInstance",
    "TaskStatus",
    "TicketCounter",
    "TicketInstance",
    "TicketStatus",
    "WorkflowError",
    "WorkflowInstance",
    "WorkflowStatus",
]

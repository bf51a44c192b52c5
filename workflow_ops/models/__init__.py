"""Running work: tickets, their workflow, its tasks, errors, history, notifications, comments and files."""

from workflow_ops.models.comments import MAX_COMMENT_LENGTH, Comment
from workflow_ops.models.errors import ErrorAttempt, ErrorKind, ErrorStatus, WorkflowError
from workflow_ops.models.history import StatusChange, Subject
from workflow_ops.models.notifications import Notification, NotificationKind
from workflow_ops.models.tasks import OPEN_TASK_STATUSES, WORKABLE, TaskInstance, TaskStatus
from workflow_ops.models.tickets import CANCELLED_OUTCOME, Priority, TicketCounter, TicketInstance, TicketStatus
from workflow_ops.models.uploads import FILE_REF_PREFIX, MAX_FILENAME_LENGTH, FileUpload, upload_id_from_ref
from workflow_ops.models.workflows import WorkflowInstance, WorkflowStatus

__all__ = [
    "CANCELLED_OUTCOME",
    "FILE_REF_PREFIX",
    "MAX_COMMENT_LENGTH",
    "MAX_FILENAME_LENGTH",
    "OPEN_TASK_STATUSES",
    "WORKABLE",
    "Comment",
    "ErrorAttempt",
    "ErrorKind",
    "ErrorStatus",
    "FileUpload",
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
    "upload_id_from_ref",
]

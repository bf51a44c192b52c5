"""Working pages (namespace "ops"): tickets for people who ask, tasks for people who do, errors for admins."""

from django.urls import path

from workflow_ops.views import conversation, errors, inbox, queues, tasks, tickets

app_name = "ops"

urlpatterns = [
    path("tickets/new/", tickets.TicketTypeChooseView.as_view(), name="ticket-new"),
    path("tickets/new/<int:type_pk>/", tickets.TicketSubmitView.as_view(), name="ticket-submit"),
    path("tickets/mine/", tickets.MyTicketsView.as_view(), name="my-tickets"),
    path("tickets/<int:pk>/", tickets.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/cancel/", tickets.TicketCancelView.as_view(), name="ticket-cancel"),
    path("tickets/<int:pk>/priority/", tickets.TicketPriorityView.as_view(), name="ticket-priority"),
    path("tickets/<int:pk>/comments/", conversation.CommentCreateView.as_view(), name="ticket-comment"),
    path("tickets/<int:pk>/attachments/", conversation.AttachmentUploadView.as_view(), name="ticket-attach"),
    path("attachments/<int:pk>/", conversation.AttachmentDownloadView.as_view(), name="attachment-download"),
    path("tasks/mine/", tasks.MyTasksView.as_view(), name="my-tasks"),
    path("tasks/pool/", tasks.PoolView.as_view(), name="pool"),
    path("tasks/<int:pk>/", tasks.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<int:pk>/claim/", tasks.TaskClaimView.as_view(), name="task-claim"),
    path("tasks/<int:pk>/assign/", tasks.TaskAssignView.as_view(), name="task-assign"),
    path("tasks/<int:pk>/correct/", tasks.TaskCorrectView.as_view(), name="task-correct"),
    path("ops/", inbox.InboxView.as_view(), name="inbox"),
    path("ops/inbox/errors/<int:pk>/retry/", inbox.InboxRetryView.as_view(), name="inbox-retry"),
    path("ops/inbox/tasks/<int:pk>/assign/", inbox.InboxAssignView.as_view(), name="inbox-assign"),
    path("ops/tickets/", queues.TicketQueueView.as_view(), name="ticket-queue"),
    path("ops/tasks/", queues.TaskQueueView.as_view(), name="task-queue"),
    path("ops/tasks/assign/", queues.BulkAssignView.as_view(), name="task-bulk-assign"),
    path("ops/tasks/<int:pk>/", tasks.OpsTaskDetailView.as_view(), name="ops-task-detail"),
    path("ops/errors/", errors.ErrorListView.as_view(), name="error-list"),
    path("ops/errors/<int:pk>/", errors.ErrorDetailView.as_view(), name="error-detail"),
    path("ops/errors/<int:pk>/retry/", errors.ErrorRetryView.as_view(), name="error-retry"),
    path("ops/errors/<int:pk>/review/", errors.ErrorReviewView.as_view(), name="error-review"),
    path("ops/errors/<int:pk>/resolve/", errors.ErrorResolveView.as_view(), name="error-resolve"),
]

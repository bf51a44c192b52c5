"""Writes to running work: submitting and cancelling tickets, working tasks, handling errors.

Each function is keyword-only and atomic, takes the acting person (`users.services.Actor`),
checks that it may act, writes the status history through `workflow_ops.transitions`, and
leaves engine work to `transaction.on_commit`.
"""

"""The WorkflowStateManager: start a ticket's workflow, advance it after each task, assign tasks.

- `manager`: workflow_start, workflow_advance (idempotent, locked, run on commit);
- `routing`: which arrow a completed task takes;
- `assignment`: who gets a task, and why;
- `steps`: run a step, turning any failure into a WorkflowError in its own transaction.
"""

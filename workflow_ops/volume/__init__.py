"""Realistic volume, quickly: `manage.py seed_volume` builds many tickets in bulk for benchmarks.

- `staff`: the company, its 20 workers, requesters, a ticket admin, and its processes;
- `values`, `words`: plausible ticket fields and task answers, and the words they are made of;
- `runs`: one ticket's run through its workflow, as the engine would have left it;
- `build`: the rows of a batch of runs; `tables`: COPY (PostgreSQL) or executemany, ids handed out first;
- `seed`: the mix (12 % open), the schedule over two years, the batches.

No service runs per row: the rows are built to be what the services and the engine
would have written, and tests hold them to that (consistent task chains, history,
`advanced_at`, nothing for the recovery sweep to do).
"""

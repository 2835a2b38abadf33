"""Who runs the declared schedule (workflows/schedule.py): wiring only, no rule.

- `jobs.queue`: PostgreSQL deployments, on Procrastinate; `service.py worker`.
- `jobs.inprocess`: the SQLite default, one thread of `service.py serve`.

Both call `workflows.schedule.run_due`; the task functions know nothing of either.
This package imports `workflows/` only (tests/test_layering_holds.py); the office it
runs with, the auditor's counters plugged in, is built by service.py.
"""

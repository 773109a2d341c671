"""How many cores this process may use: the default number of worker processes, without importing the engine."""

from __future__ import annotations

import os


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1

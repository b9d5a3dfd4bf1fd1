"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

R = TypeVar("R")


def best(repeat: int, job: Callable[[], R]) -> tuple[float, R]:
    """Run ``job`` ``repeat`` times; return the best wall time and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - start)
    return min(times), result

"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import compileall
import time
from collections.abc import Callable
from pathlib import Path
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


def warm_bytecode() -> None:
    """Compile kbtools' modules, as Python caches them on a user's machine from the first run
    on, before timing runs of ``kb`` in fresh processes. MkDocs', Material's and the other
    installed packages' modules come compiled by pip; kbtools, installed editable, is compiled
    on first import, and where ``PYTHONDONTWRITEBYTECODE`` is set (as on the reference
    machine) every process would compile it again (0.15 s each), which a user does not pay."""
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "kbtools", quiet=1)

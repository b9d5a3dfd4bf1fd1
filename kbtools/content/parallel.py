"""Use the second core for big, pure jobs: half the items in a forked child, half here.

Only where forking is safe (a POSIX process with a single thread, so no lock can be held by
a thread that the child would not have); otherwise, and on any failure of the child, the
work runs here. The child's results come back pickled through a pipe.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1 and (os.cpu_count() or 1) > 1


def map_halves(job: Callable[[Sequence[T]], list[R]], items: Sequence[T], *,
               parallel: bool | None = None, min_items: int = 3000) -> list[R]:
    """``job(items)``, computed as ``job(first half) + job(second half)`` with the second
    half in a forked child when ``parallel`` (default: when there are ``min_items`` items
    and forking is safe). ``job`` must be pure: the child's side effects are lost."""
    if parallel is None:
        parallel = len(items) >= min_items and can_fork()
    if not parallel or len(items) < 2 or not hasattr(os, "fork"):
        return job(items)
    middle = len(items) // 2
    first, second = items[:middle], items[middle:]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave without running the parent's exit code
        os.close(read_end)
        status = 0
        try:
            data = pickle.dumps(job(second), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # noqa: BLE001 - the parent redoes the work
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    mine = job(first)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return mine + job(second)
    return mine + pickle.loads(data)

"""One process at a time: a lock file held with ``flock``.

The kernel releases an ``flock`` when its holder exits, even by a crash or ``SIGKILL``, so a
dead holder never blocks the next process and no stale lock needs breaking by hand. The
file's text (pid and start time of the holder) only serves the busy message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from kbtools import clock
from kbtools.errors import BusyError, StateError


@contextlib.contextmanager
def exclusive(path: Path, doing: str, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock file ``path`` (created with its folder if missing) for the block.

    ``doing`` names the job for the busy message ("the search index at X is being updated").
    ``wait`` seconds are spent retrying first. Raises :class:`BusyError` when another process
    holds the lock, :class:`StateError` when the lock file cannot be created.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held until the block ends
    except OSError as exc:
        raise StateError.of(exc, path, f"create the lock file {path}") from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BusyError(_busy_message(handle, doing)) from None
                time.sleep(0.05)
        _say_who(handle, path)
        yield
    finally:
        handle.close()


def _say_who(handle, path: Path) -> None:
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {clock.now().isoformat(timespec='seconds')}\n")
        handle.flush()
    except OSError as exc:
        raise StateError.of(exc, path, f"create the lock file {path}") from exc


def _busy_message(handle, doing: str) -> str:
    handle.seek(0)
    holder = handle.read().split()
    who = f" (pid {holder[0]}, since {holder[1]})" if len(holder) == 2 else ""
    return (f"{doing} by another process{who}; wait for it to finish, then run the command "
            "again")

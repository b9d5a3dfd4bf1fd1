"""Freed memory given back to the system between the phases of a long build.

A site build holds every page of a language at once (MkDocs converts them all before it
writes any), then lets them go. Python returns small objects' memory to the C allocator, but
glibc's allocator keeps what is freed inside its heap for the process: after a language's
build a process at 3,000 articles kept 30-40 MB it no longer used, through the next
language's build and the other site's build running beside it. :func:`release_freed` asks
the allocator to give such memory back (glibc's ``malloc_trim``); elsewhere (another C
library, another system) it does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable


def release_freed() -> None:
    """Give the memory the C allocator holds freed back to the system, where it can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim`` (None without glibc: musl, macOS, Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim

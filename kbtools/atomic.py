"""Atomic writes: a reader sees the old file or the new one, never half of either.

Files are written to a temporary name and renamed over the old one; folders are swapped in
one step where Linux allows it (:func:`replace_dir`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    with writer(path) as handle:
        handle.write(data)


@contextlib.contextmanager
def writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content to, piece by piece: it replaces ``path``
    (through a temporary file in the same folder and a rename) when the ``with`` block ends
    without an exception; otherwise ``path`` is left as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        else:  # as open() would make it, not private to its writer: a web server reads sites
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@functools.cache
def _umask() -> int:
    """The process's umask, read without changing it (Linux), else the usual 022."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def append_line(path: Path, line: bytes, max_bytes: int, rotated: str) -> None:
    """Append ``line`` to the log at ``path`` with ONE ``write`` on an ``O_APPEND`` file, so
    concurrent writers never interleave; past ``max_bytes`` the log is first moved aside to
    ``rotated`` (a name beside it, replacing the older one). Raises :class:`OSError` when the
    line could not be written whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.stat().st_size + len(line) > max_bytes:
            os.replace(path, path.with_name(rotated))
    except FileNotFoundError:
        pass
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        written = os.write(fd, line)
        if written != len(line):  # the disk filled up, or a size limit was met, mid-line
            raise OSError(f"only {written} of {len(line)} bytes written (a full disk or a "
                          "file-size limit)")
    finally:
        os.close(fd)


def write_json(path: Path, value: dict, *, streamed: str, ensure_ascii: bool = False) -> None:
    """Write ``value`` as compact JSON (``json.dumps``'s bytes), atomically, its member
    ``streamed`` (a list or a dict) an entry at a time: the whole text at once would be as
    large as everything in it."""
    def dumps(item) -> bytes:
        return json.dumps(item, separators=(",", ":"), ensure_ascii=ensure_ascii).encode()

    with writer(path) as handle:
        handle.write(b"{")
        for n, (name, member) in enumerate(value.items()):
            handle.write((b"," if n else b"") + dumps(name) + b":")
            if name != streamed or not isinstance(member, list | dict):
                handle.write(dumps(member))
                continue
            pairs = member.items() if isinstance(member, dict) else ((None, m) for m in member)
            handle.write(b"{" if isinstance(member, dict) else b"[")
            for m, (key, item) in enumerate(pairs):
                handle.write((b"," if m else b"") + (b"" if key is None else dumps(key) + b":")
                             + dumps(item))
            handle.write(b"}" if isinstance(member, dict) else b"]")
        handle.write(b"}")


def write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8, atomically (see :func:`write_bytes`)."""
    write_bytes(path, text.encode("utf-8"))


def replace_dir(staged: Path, target: Path, *, keep_old: bool = False) -> bool:
    """Put the finished folder ``staged`` in place of ``target`` (both on one file system);
    ``staged`` is gone afterwards, unless the old folder was left there: then True.
    Callers serialise calls for one ``target`` (a lock).

    On Linux the two folders are swapped in one step (:func:`exchange`): at every instant
    ``target`` is the complete old folder or the complete new one. The old one, now at
    ``staged``, is deleted next (``keep_old``: left there, for the caller to reuse or
    delete); a crash before that leaves it at ``staged`` for the caller's cleanup. Where the
    system cannot swap, the old folder is moved aside (to
    ``.<name>.old`` beside ``target``) and the complete new one renamed in right after: a
    crash between those two renames, a window of microseconds, leaves no ``target``, and
    :func:`recover_dir` (run first by every call) puts the old folder back. Raises
    ``OSError`` (``EXDEV`` when the two are on different file systems).
    """
    staged, target = Path(staged), Path(target)
    recover_dir(target)
    if not os.path.lexists(target):
        os.rename(staged, target)
    elif exchange(staged, target):
        if keep_old:
            return True
        _remove(staged, quiet=True)
    else:
        aside = _aside(target)
        _remove(aside)
        os.rename(target, aside)
        try:
            os.rename(staged, target)
        except OSError:
            os.rename(aside, target)
            raise
        _remove(aside, quiet=True)
    return False


def recover_dir(target: Path) -> None:
    """Finish what a crash interrupted in :func:`replace_dir`'s two-rename fallback: put the
    old folder back when ``target`` is missing, else drop the leftover old folder."""
    target = Path(target)
    aside = _aside(target)
    if not os.path.lexists(aside):
        return
    if os.path.lexists(target):
        _remove(aside, quiet=True)
    else:
        os.rename(aside, target)


def exchange(first: Path, second: Path) -> bool:
    """Swap the existing paths ``first`` and ``second`` (one file system) in one step, with
    Linux's ``renameat2(RENAME_EXCHANGE)``.

    Returns False, changing nothing, where that cannot be done: not Linux, a C library without
    ``renameat2`` (glibc before 2.28), or a file system that refuses (``EINVAL``, ``ENOSYS``,
    ``ENOTSUP``). Raises ``OSError`` for any other failure.
    """
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                 _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _CANNOT_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), os.fspath(first), None, os.fspath(second))


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_CANNOT_EXCHANGE = frozenset({errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP})


@functools.cache
def _renameat2():
    """libc's ``renameat2``, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


def _aside(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def _remove(path: Path, *, quiet: bool = False) -> None:
    """Delete the file or folder ``path`` if it exists; ``quiet`` ignores failures (for an
    old folder whose replacement is already in place: the next call retries)."""
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)
    except OSError:
        if not quiet:
            raise

"""The query log: one JSON line per query, no personal data, bounded in size.

Each line: ``{"time", "query", "lang", "results", "scope", "via"}``. Nothing about who asked
(no address, token or user agent) is written, and e-mail addresses or long digit runs an agent
may have pasted into the search box are masked. When the file passes :data:`MAX_BYTES` it is
rotated to ``queries.1.jsonl`` (the previous rotation is dropped), so the log never grows
without bound.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from kbtools import clock
from kbtools.errors import StateError

LOG_NAME = "queries.jsonl"
MAX_BYTES = 5_000_000
MAX_QUERY = 200
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DIGITS = re.compile(r"\d[\d -]{5,}\d")
_LOCK = threading.Lock()


def log_path(state_dir: Path) -> Path:
    return Path(state_dir) / LOG_NAME


def scrub(query: str) -> str:
    """The query as it may be logged: masked e-mails and numbers, one line, bounded."""
    text = " ".join(query.split())[:MAX_QUERY]
    text = _EMAIL.sub("<email>", text)
    return _DIGITS.sub("<number>", text)


def record(state_dir: Path, *, query: str, lang: str | None, results: int, scope: str,
           via: str, max_bytes: int = MAX_BYTES) -> StateError | None:
    """Append one query to the log (thread-safe; appends are single writes).

    The log is best effort: a failed write (a read-only or full disk, a size limit) is
    returned as a :class:`StateError` for the caller to warn about, never raised, so it can
    never fail the search that was logged. Returns None when the line was written.
    """
    entry = {"time": clock.now().isoformat(timespec="seconds"), "query": scrub(query),
             "lang": lang, "results": results, "scope": scope, "via": via}
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    path = log_path(state_dir)
    with _LOCK:
        try:
            _append(path, line, max_bytes)
        except OSError as exc:
            return StateError.of(exc, path, "log the query", kept="the search itself worked")
    return None


def _append(path: Path, line: bytes, max_bytes: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.stat().st_size + len(line) > max_bytes:
            os.replace(path, path.with_name("queries.1.jsonl"))
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


def entries(state_dir: Path, since: datetime | None = None) -> Iterator[dict]:
    """Logged queries, oldest first (rotated file included); bad lines are skipped."""
    base = log_path(state_dir)
    for path in (base.with_name("queries.1.jsonl"), base):
        try:
            handle = path.open(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue
        with handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                    when = datetime.fromisoformat(entry["time"])
                except (ValueError, KeyError, TypeError):
                    continue
                if since is None or when >= since:
                    yield entry

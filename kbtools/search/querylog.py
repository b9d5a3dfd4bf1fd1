"""The query log: one JSON line per event, no personal data, bounded in size.

Two events:

- a search, ``{"time", "event": "search", "query", "lang", "results", "scope", "via"}``:
  a query someone meant (``kb search`` logs each of its queries, the site's search box one once
  the person stopped typing; never the fragments typed on the way);
- an opened result, ``{"time", "event": "open", "query", "lang", "scope", "via", "path",
  "rank"}``: which result of that query someone opened, and at which place it was shown.

``lang`` is the language the engine read the query as (or the one asked for), ``scope``
``public`` or ``internal``, ``via`` ``cli``, ``site`` (the search box) or ``api`` (lines from
before the search box logged settled queries). Lines without ``event`` are searches.

Nothing about who asked (no address, token, cookie or user agent) is written, and e-mail
addresses or long digit runs an agent may have pasted into the search box are masked. When the
file passes :data:`MAX_BYTES` it is rotated to ``queries.1.jsonl`` (the previous rotation is
dropped), so the log never grows without bound.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kbtools import atomic, clock
from kbtools.errors import StateError

LOG_NAME = "queries.jsonl"
MAX_BYTES = 5_000_000
MAX_QUERY = 200
MAX_PATH = 300
SEARCH, OPEN = "search", "open"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DIGITS = re.compile(r"\d[\d -]{5,}\d")
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Logged:
    """One line of the log, as read back (old lines get the defaults)."""

    time: datetime
    query: str
    event: str = SEARCH
    """``search`` or ``open``."""
    lang: str | None = None
    results: int = 0
    """How many results the search had (0 for an ``open`` event)."""
    scope: str = "internal"
    via: str = "api"
    path: str | None = None
    """The opened result's repo path (``open`` events)."""
    rank: int | None = None
    """The place the opened result was shown at, from 1 (``open`` events)."""

    @classmethod
    def from_json(cls, data: dict) -> Logged:
        """The entry for a parsed line; raises ``ValueError``, ``KeyError`` or ``TypeError``
        for a line that is not one."""
        when = datetime.fromisoformat(data["time"])
        if when.tzinfo is None:  # a line written by hand: times are UTC
            when = when.replace(tzinfo=UTC)
        event = data.get("event") or SEARCH
        if event not in (SEARCH, OPEN):
            raise ValueError(f"unknown event {event!r}")
        rank = data.get("rank")
        return cls(time=when, query=str(data.get("query") or ""), event=event,
                   lang=data.get("lang") or None, results=int(data.get("results") or 0),
                   scope=str(data.get("scope") or "internal"), via=str(data.get("via") or "api"),
                   path=data.get("path") or None, rank=int(rank) if rank is not None else None)


def log_path(state_dir: Path) -> Path:
    return Path(state_dir) / LOG_NAME


def scrub(query: str) -> str:
    """The query as it may be logged: masked e-mails and numbers, one line, bounded."""
    text = " ".join(query.split())[:MAX_QUERY]
    text = _EMAIL.sub("<email>", text)
    return _DIGITS.sub("<number>", text)


def record(state_dir: Path, *, query: str, lang: str | None, results: int, scope: str,
           via: str, max_bytes: int = MAX_BYTES) -> StateError | None:
    """Append one search to the log (thread-safe; appends are single writes).

    The log is best effort: a failed write (a read-only or full disk, a size limit) is
    returned as a :class:`StateError` for the caller to warn about, never raised, so it can
    never fail the search that was logged. Returns None when the line was written.
    """
    return _write(state_dir, {"event": SEARCH, "query": scrub(query), "lang": lang,
                              "results": results, "scope": scope, "via": via}, max_bytes)


def record_open(state_dir: Path, *, query: str, lang: str | None, scope: str, path: str,
                rank: int, via: str = "site", max_bytes: int = MAX_BYTES) -> StateError | None:
    """Append that result ``path`` of ``query``, shown at place ``rank``, was opened.

    ``path`` must be a result's repo path (the caller checks it is one); like :func:`record`,
    returns a failed write as a :class:`StateError` instead of raising it.
    """
    return _write(state_dir, {"event": OPEN, "query": scrub(query), "lang": lang,
                              "scope": scope, "via": via, "path": path[:MAX_PATH],
                              "rank": rank}, max_bytes)


def _write(state_dir: Path, fields: dict, max_bytes: int) -> StateError | None:
    entry = {"time": clock.now().isoformat(timespec="seconds"), **fields}
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    path = log_path(state_dir)
    with _LOCK:
        try:
            atomic.append_line(path, line, max_bytes, "queries.1.jsonl")
        except OSError as exc:
            return StateError.of(exc, path, "log the query", kept="the search itself worked")
    return None


def entries(state_dir: Path, since: datetime | None = None) -> Iterator[Logged]:
    """Logged events, oldest first (rotated file included); lines that are not events
    (cut short, edited by hand) are skipped."""
    base = log_path(state_dir)
    for path in (base.with_name("queries.1.jsonl"), base):
        try:
            handle = path.open(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue
        with handle:
            for line in handle:
                try:
                    entry = Logged.from_json(json.loads(line))
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue
                if since is None or entry.time >= since:
                    yield entry

"""The vote log: one JSON line per "Was this helpful?" vote, bounded in size.

A line is ``{"time", "page", "path", "lang", "helpful"}``: when (UTC, from
:mod:`kbtools.clock`), the public page voted on (its URL under the site root, ``/faq/refund/``),
the repo path of the article that page shows (None when it shows no article, e.g. the home
page), the page's language and the answer. Nothing about who voted (no address, cookie or user
agent) is written.

Each vote is one ``os.write`` of one line on a file opened with ``O_APPEND``, so lines from
concurrent requests never interleave. When the file would pass :data:`MAX_BYTES` (about 10,000
votes) it is renamed to ``feedback.1.jsonl`` (dropping the previous one), so two files at most
are kept and the reports read both.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from kbtools import atomic, clock
from kbtools.errors import StateError

LOG_NAME = "feedback.jsonl"
ROTATED_NAME = "feedback.1.jsonl"
MAX_BYTES = 2_000_000
MAX_PAGE = 300
"""Longest page URL kept (longer ones are refused by the server)."""
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Vote:
    """One vote, as logged."""

    time: datetime
    page: str
    """The page's URL under the site root, starting with ``/``."""
    path: str | None
    """The repo path of the article the page shows; None when it shows none."""
    lang: str
    helpful: bool

    def to_json(self) -> dict:
        return {**asdict(self), "time": self.time.isoformat(timespec="seconds")}

    @classmethod
    def from_json(cls, data: dict) -> Vote:
        """The vote on a parsed line; raises ``ValueError``, ``KeyError`` or ``TypeError``
        for a line that is not one."""
        when = datetime.fromisoformat(data["time"])
        helpful = data["helpful"]
        if not isinstance(helpful, bool):
            raise TypeError("helpful must be true or false")
        path = data.get("path")
        return cls(time=when if when.tzinfo else when.replace(tzinfo=UTC),
                   page=str(data["page"]), path=str(path) if path else None,
                   lang=str(data["lang"]), helpful=helpful)


def log_path(state_dir: Path) -> Path:
    return Path(state_dir) / LOG_NAME


def record(state_dir: Path, *, page: str, path: str | None, lang: str, helpful: bool,
           max_bytes: int = MAX_BYTES) -> Vote:
    """Append one vote to the log and return it (thread-safe; one write per line).

    Raises :class:`StateError` when the line cannot be written (a read-only or full disk): a
    vote that was not kept must not be thanked for.
    """
    vote = Vote(clock.now(), page[:MAX_PAGE], path, lang, helpful)
    line = (json.dumps(vote.to_json(), ensure_ascii=False) + "\n").encode("utf-8")
    target = log_path(state_dir)
    with _LOCK:
        try:
            atomic.append_line(target, line, max_bytes, ROTATED_NAME)
        except OSError as exc:
            raise StateError.of(exc, target, "record the vote") from exc
    return vote


def entries(state_dir: Path, since: datetime | None = None) -> Iterator[Vote]:
    """Logged votes, oldest first (the rotated file first); lines that are not votes (cut
    short, edited by hand) are skipped."""
    base = log_path(state_dir)
    for path in (base.with_name(ROTATED_NAME), base):
        try:
            handle = path.open(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise StateError.of(exc, path, "read the vote log") from exc
        with handle:
            for line in handle:
                try:
                    vote = Vote.from_json(json.loads(line))
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue
                if since is None or vote.time >= since:
                    yield vote

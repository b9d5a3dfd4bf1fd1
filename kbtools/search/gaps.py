"""Content gaps from the query log: what agents search for most, and what finds nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import kbtools.search.querylog as querylog

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase


@dataclass(frozen=True, slots=True)
class QueryCount:
    query: str
    count: int
    last_results: int
    last_seen: str


@dataclass(frozen=True)
class GapsReport:
    """Most frequent queries and those that found nothing (the articles to write next)."""

    since: str | None
    total: int
    frequent: list[QueryCount] = field(default_factory=list)
    zero_results: list[QueryCount] = field(default_factory=list)

    def to_dict(self) -> dict:
        def rows(items: list[QueryCount]) -> list[dict]:
            return [{"query": i.query, "count": i.count, "last_results": i.last_results,
                     "last_seen": i.last_seen} for i in items]
        return {"since": self.since, "total": self.total, "frequent": rows(self.frequent),
                "zero_results": rows(self.zero_results)}


def gaps(kb: KnowledgeBase, *, since: date | None = None, top: int = 20) -> GapsReport:
    """Group logged queries (case and spacing ignored) since ``since`` and rank them."""
    start = datetime(since.year, since.month, since.day, tzinfo=UTC) if since else None
    counts: Counter[str] = Counter()
    zero: Counter[str] = Counter()
    shown: dict[str, str] = {}
    last: dict[str, tuple[int, str]] = {}
    total = 0
    for entry in querylog.entries(kb.root / kb.config.state_dir, start):
        text = str(entry.get("query", "")).strip()
        if not text:
            continue
        key = " ".join(text.casefold().split())
        total += 1
        counts[key] += 1
        shown.setdefault(key, text)
        results = int(entry.get("results") or 0)
        last[key] = (results, str(entry["time"]))
        if results == 0:
            zero[key] += 1

    def ranked(counter: Counter[str]) -> list[QueryCount]:
        items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        return [QueryCount(shown[k], n, last[k][0], last[k][1]) for k, n in items]

    return GapsReport(since.isoformat() if since else None, total, ranked(counts), ranked(zero))

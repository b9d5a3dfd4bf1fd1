"""Content gaps from the query log: what people search for most, what finds nothing, and what
finds results nobody opens; and from the vote log, the articles readers found unhelpful."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import kbtools.search.querylog as querylog
from kbtools.feedback import MIN_VOTES, ArticleVotes, unhelpful_articles

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase

LISTS = ("frequent", "zero_results", "unopened")
"""The report's lists, in the order they are shown."""
CSV_FIELDS = ("list", "query", "scope", "lang", "count", "opened", "last_results", "last_seen",
              "path", "page", "votes", "no_votes", "helpful_share")
"""The columns of :meth:`GapsReport.rows` (``list`` names the list a row belongs to; the last
five are the ``unhelpful`` list's, empty in the query lists)."""


@dataclass(frozen=True, slots=True)
class QueryCount:
    """One query (case and spacing ignored) in one scope and language."""

    query: str
    """As it was first typed."""
    scope: str
    """``public`` or ``internal``."""
    lang: str | None
    """The language the query was read as; None when it could not be told."""
    count: int
    """Searches counted by the list: all of them (frequent), those that found nothing
    (zero results), those from the site's search box that found something (unopened)."""
    opened: int
    """How many times one of its results was opened from the site's search box."""
    last_results: int
    last_seen: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class GapsReport:
    """Most frequent queries, those that found nothing (the articles to write next) and
    those whose results nobody opened (the articles to fix: wrong title, wrong answer)."""

    since: str | None
    total: int
    """Searches logged in the period."""
    frequent: list[QueryCount] = field(default_factory=list)
    zero_results: list[QueryCount] = field(default_factory=list)
    unopened: list[QueryCount] = field(default_factory=list)
    unhelpful: list[ArticleVotes] = field(default_factory=list)
    """Articles readers voted unhelpful on the public site ("Was this helpful?"), worst first
    (see :func:`kbtools.feedback.unhelpful`)."""
    min_votes: int = MIN_VOTES
    """Votes an article needed in a language to be listed in :attr:`unhelpful`."""

    def to_dict(self) -> dict:
        return {"since": self.since, "total": self.total,
                **{name: [row.to_dict() for row in getattr(self, name)] for name in LISTS},
                "min_votes": self.min_votes,
                "unhelpful": [row.to_dict() for row in self.unhelpful]}

    def rows(self) -> Iterator[dict]:
        """Every row of every list as a flat dict with the keys of :data:`CSV_FIELDS`."""
        blank = dict.fromkeys(CSV_FIELDS, "")
        for name in LISTS:
            for row in getattr(self, name):
                yield {**blank, "list": name, **row.to_dict()}
        for row in self.unhelpful:
            yield {**blank, "list": "unhelpful", "scope": "public", "lang": row.lang,
                   "last_seen": row.last_vote, "path": row.path, "page": row.page,
                   "votes": row.votes, "no_votes": row.no_votes,
                   "helpful_share": row.helpful_share}


@dataclass(slots=True)
class _Tally:
    query: str
    searches: int = 0
    zero: int = 0
    site_found: int = 0
    opened: int = 0
    last_results: int = 0
    last_seen: str = ""


def gaps(kb: KnowledgeBase, *, since: date | None = None, top: int = 20,
         min_votes: int = MIN_VOTES) -> GapsReport:
    """Group the queries logged since ``since`` by text (case and spacing ignored), scope
    and language, and rank them; ``top`` rows per list. The unhelpful articles are those with
    at least ``min_votes`` votes since ``since`` in a language."""
    start = datetime(since.year, since.month, since.day, tzinfo=UTC) if since else None
    found = report(querylog.entries(kb.root / kb.config.state_dir, start),
                   since=since.isoformat() if since else None, top=top)
    return replace(found, min_votes=min_votes,
                   unhelpful=unhelpful_articles(kb, since=since, min_votes=min_votes, top=top))


def report(entries: Iterable[querylog.Logged], *, since: str | None = None,
           top: int = 20) -> GapsReport:
    """The report on ``entries`` (oldest first)."""
    tallies: dict[tuple[str, str, str | None], _Tally] = {}
    total = 0
    for entry in entries:
        text = entry.query.strip()
        if not text:
            continue
        key = (" ".join(text.casefold().split()), entry.scope, entry.lang)
        tally = tallies.setdefault(key, _Tally(text))
        if entry.event == querylog.OPEN:
            tally.opened += 1
            continue
        total += 1
        tally.searches += 1
        tally.zero += entry.results == 0
        tally.site_found += entry.via == "site" and entry.results > 0
        tally.last_results = entry.results
        tally.last_seen = entry.time.isoformat()

    def ranked(count) -> list[QueryCount]:
        counted = [(count(t), key, t) for key, t in tallies.items() if t.searches and count(t)]
        counted.sort(key=lambda item: (-item[0], item[1][0], item[1][1], item[1][2] or ""))
        return [QueryCount(t.query, key[1], key[2], n, t.opened, t.last_results, t.last_seen)
                for n, key, t in counted[:top]]

    return GapsReport(since, total,
                      frequent=ranked(lambda t: t.searches),
                      zero_results=ranked(lambda t: t.zero),
                      unopened=ranked(lambda t: t.site_found if not t.opened else 0))

"""Unhelpful articles: "Was this helpful?" votes per article and language, worst first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from kbtools.feedback.votes import Vote, entries

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase

MIN_VOTES = 3
"""Votes an article needs in a language before it is listed: one reader's click is no verdict
(``kb gaps --min-votes`` changes it)."""


@dataclass(frozen=True, slots=True)
class ArticleVotes:
    """The votes on one article in one language (its page in that language's site)."""

    path: str
    """The article's repo path (the source article for a fallback page)."""
    lang: str
    """The language of the page voted on."""
    page: str
    """The page's URL under the site root (the last one voted on)."""
    votes: int
    no_votes: int
    helpful_share: float
    """Share of "Yes" votes, from 0 to 1 (two decimals)."""
    last_vote: str

    def to_dict(self) -> dict:
        return asdict(self)


def unhelpful(votes: Iterable[Vote], *, min_votes: int = MIN_VOTES,
              top: int | None = None) -> list[ArticleVotes]:
    """The articles with at least ``min_votes`` votes and one "No", lowest share of "Yes"
    first (then most "No" votes, then path and language); votes on pages that show no
    article are left out. ``top`` rows at most."""
    tallies: dict[tuple[str, str], list] = {}
    for vote in votes:
        if vote.path is None:
            continue
        tally = tallies.setdefault((vote.path, vote.lang), [0, 0, vote.page, ""])
        tally[0] += 1
        tally[1] += not vote.helpful
        tally[2] = vote.page
        tally[3] = vote.time.isoformat()
    rows = [ArticleVotes(path, lang, page, total, no, round((total - no) / total, 2), last)
            for (path, lang), (total, no, page, last) in tallies.items()
            if total >= min_votes and no]
    rows.sort(key=lambda r: ((r.votes - r.no_votes) / r.votes, -r.no_votes, r.path, r.lang))
    return rows[:top] if top is not None else rows


def unhelpful_articles(kb: KnowledgeBase, *, since: date | None = None,
                       min_votes: int = MIN_VOTES, top: int | None = None) -> list[ArticleVotes]:
    """:func:`unhelpful` on the votes ``kb serve --public`` logged since ``since``."""
    start = datetime(since.year, since.month, since.day, tzinfo=UTC) if since else None
    return unhelpful(entries(kb.root / kb.config.state_dir, start), min_votes=min_votes, top=top)

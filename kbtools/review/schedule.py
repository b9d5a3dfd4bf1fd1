"""Review dates: when an article is due, and whether it is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase
    from kbtools.content.model import Article


@dataclass(frozen=True, slots=True)
class ReviewState:
    reviewed: date | None
    due: date | None
    overdue: bool
    due_soon: bool

    @property
    def never_reviewed(self) -> bool:
        return self.reviewed is None


def review_state(article: Article, kb: KnowledgeBase, today: date) -> ReviewState:
    """The article's review state on ``today`` (its cadence, or its kind's default)."""
    if article.reviewed is None:
        return ReviewState(None, None, False, False)
    cadence = article.review_every or kb.cadence(article.kind)
    due = cadence.after(article.reviewed)
    soon = kb.config.due_soon.after(today)
    return ReviewState(article.reviewed, due, due < today, today <= due <= soon)

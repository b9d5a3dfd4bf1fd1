"""Pages the tooling generates for the sites (indexes, reports), as data.

Who provides them is declared in the kind registry (:mod:`kbtools.content.kinds`); the site
adapter asks ``kb.kinds.generated_pages(kb)``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    """A page that exists only in the built site (e.g. ``reports/health.md``)."""

    path: str  # site-relative, under docs/ in the site, e.g. "reports/health.md"
    title: str
    markdown: str  # the page body (no front matter); raw HTML is allowed
    audience: str = "internal"
    lang: str | None = None
    """The page's language (None: the default language). The same ``path`` in another
    language is that language's page (staged as ``index.ru.md``); a language without one
    shows the default language's."""

"""Pages the tooling generates for the sites, and kind-specific page bodies.

Front-ends (the MkDocs adapter) ask here; features register themselves below by import path,
so each feature owns its own rendering. A provider is ``pages(kb) -> list[GeneratedPage]``;
a kind renderer is ``render_page(kb, article, body) -> str`` and gets the body after macros.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase
    from kbtools.content.model import Article


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    """A page that exists only in the built site (e.g. ``reports/health.md``)."""

    path: str  # site-relative, under docs/ in the site, e.g. "reports/health.md"
    title: str
    markdown: str  # the page body (no front matter); raw HTML is allowed
    audience: str = "internal"


# Providers of generated pages ("module:function"), internal site unless a page says public.
PROVIDERS: list[str] = [
    "kbtools.onboarding.views:index_pages",
    "kbtools.playbooks.page:index_pages",
    "kbtools.translations.report:pages",
    "kbtools.review.health:pages",
]

# Kind -> "module:function" that turns an article body into its page body.
RENDERERS: dict[str, str] = {
    "path": "kbtools.onboarding.views:render_page",
    "script": "kbtools.scripts.replies:render_page",
    "playbook": "kbtools.playbooks.page:render_page",
}


def _load(spec: str) -> Callable:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def generated_pages(kb: KnowledgeBase) -> list[GeneratedPage]:
    pages: list[GeneratedPage] = []
    for spec in PROVIDERS:
        pages.extend(_load(spec)(kb))
    return pages


def render_body(kb: KnowledgeBase, article: Article, body: str) -> str:
    spec = RENDERERS.get(article.kind)
    return _load(spec)(kb, article, body) if spec else body

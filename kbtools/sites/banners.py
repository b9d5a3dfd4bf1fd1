"""Banners on pages, computed from the content model and written in the reader's language
(their texts are the ``banner.*`` strings of the catalogs, :mod:`kbtools.sites.catalogs`).

- ``overdue``: an internal page past its review date (owner and due date);
- ``outdated``: a translation whose source changed in substance since it was made;
- ``machine``: a machine translation no person has reviewed yet;
- ``fallback``: a page shown in the source language because it has no translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article
from kbtools.review.schedule import review_state
from kbtools.sites.catalogs import catalog, direction
from kbtools.translations.verdicts import OUTDATED, verdict


@dataclass(frozen=True, slots=True)
class Banner:
    kind: str  # overdue | outdated | machine | fallback
    html: str


def page_banners(kb: KnowledgeBase, article: Article, *, reader_lang: str, internal: bool,
                 today: date, source_href: str | None = None) -> list[Banner]:
    """The banners ``article`` shows to a reader of ``reader_lang``.

    ``source_href`` is the URL of the source page (for the out-of-date banner's link);
    ``internal`` enables the review banner, which customers never see.
    """
    text = catalog(kb, reader_lang)  # the banner.* strings (kbtools/sites/strings/*.yml)
    found: list[Banner] = []
    if article.lang != reader_lang:
        language = text.text("banner.language")
        found.append(_banner("fallback", "info", text.text("banner.fallback", language=language),
                             lang=reader_lang))
    if article.is_translation:
        source = kb.corpus.get(article.source)
        if source_href and verdict(article, source) == OUTDATED:
            link = f'<a href="{escape(source_href)}">{escape(text.text("banner.source"))}</a>'
            found.append(_banner("outdated", "warning", escape(text.text("banner.outdated"))
                                 .replace("{link}", link), escaped=True))
        if article.pin is not None and article.pin.machine:
            found.append(_banner("machine", "info", text.text("banner.machine")))
    if internal:
        state = review_state(article, kb, today)
        if state.overdue:
            owner = kb.owners.responsible(article.owner) or article.owner
            name = kb.owners.display(owner) if owner else "—"
            found.append(_banner("overdue", "warning", text.text(
                "banner.overdue", due=state.due.isoformat(), owner=name)))
    return found


def _banner(kind: str, level: str, message: str, *, escaped: bool = False,
            lang: str | None = None) -> Banner:
    """A banner; ``lang`` marks one written in another language than the page around it
    (the fallback banner, in the reader's language, on an English page)."""
    body = message if escaped else escape(message)
    marks = f' lang="{escape(lang)}" dir="{direction(lang)}"' if lang else ""
    return Banner(kind, f'<div class="admonition {level} kb-banner kb-banner-{kind}"{marks} '
                        f'data-kb-banner="{kind}"><p>{body}</p></div>')

"""Banners on pages, computed from the content model and written in the reader's language
(their texts are the ``banner.*`` strings of the catalogs, :mod:`kbtools.sites.catalogs`).

- ``overdue``: an internal page past its review date (owner and due date);
- ``outdated``: a translation whose source changed in substance since it was made;
- ``machine``: a machine translation no person has reviewed yet;
- ``fallback``: a page shown in the source language because it has no translation: on a
  fallback copy, in its reader's language; on the agent site, which writes no copies, the
  English page carries one per language it has no translation into, hidden, and
  ``theme/assets/kb/kb.js`` shows the one of the language its reader came from.
"""

from __future__ import annotations

from collections.abc import Iterable
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
        found.append(_fallback(kb, reader_lang))
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


def reader_banners(kb: KnowledgeBase, languages: Iterable[str]) -> str:
    """The fallback banners of a page the navigation of ``languages`` leads to (it has no
    translation into them), each in its language, hidden: the theme writes them above the
    page's content (not in it: they are not the page's text, for search), and ``kb.js``
    shows the one of the language its reader came from."""
    return "".join(_fallback(kb, lang, hidden=True).html for lang in languages)


def _fallback(kb: KnowledgeBase, lang: str, *, hidden: bool = False) -> Banner:
    """The fallback banner in ``lang``; ``hidden`` until a reader of ``lang`` comes."""
    text = catalog(kb, lang)
    message = text.text("banner.fallback", language=text.text("banner.language"))
    return _banner("fallback", "info", message, lang=lang, hidden=hidden)


def _banner(kind: str, level: str, message: str, *, escaped: bool = False,
            lang: str | None = None, hidden: bool = False) -> Banner:
    """A banner; ``lang`` marks one written in another language than the page around it
    (the fallback banner, in the reader's language, on an English page); ``hidden`` hides
    it, for ``kb.js`` to show to readers of ``lang`` only."""
    body = message if escaped else escape(message)
    marks = f' lang="{escape(lang)}" dir="{direction(lang)}"' if lang else ""
    if hidden and lang:
        marks += f' data-kb-reader="{escape(lang)}" hidden'
    return Banner(kind, f'<div class="admonition {level} kb-banner kb-banner-{kind}"{marks} '
                        f'data-kb-banner="{kind}"><p>{body}</p></div>')
